package io.resettracer.report;

import java.util.List;

/**
 * One {@code resettracer.ConnectionReset} event as the report needs it: plain data, so that the
 * aggregation and the renderers are tested without a recording. Unknown numbers are -1, unknown
 * texts empty.
 *
 * @param epochMillis when the reset happened
 * @param peer the remote address and port, or "unknown peer"
 * @param idleNanos how long the connection sat idle before the failing exchange
 * @param survivedIdleNanos the longest idle a connection to this peer survived, as the event knew
 * @param stack application frames, innermost first, each "cls.method(File:line)"
 * @param incidentId the incident the reset belongs to, 0 or -1 if none or not recorded
 */
public record ResetRecord(
    long epochMillis,
    String verdict,
    double confidence,
    String peer,
    long idleNanos,
    long survivedIdleNanos,
    String operation,
    String exceptionClass,
    String exceptionMessage,
    String evidence,
    String recommendation,
    List<String> stack,
    String thread,
    long incidentId) {}
