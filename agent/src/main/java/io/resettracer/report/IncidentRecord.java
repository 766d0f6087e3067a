package io.resettracer.report;

/**
 * One {@code resettracer.ResetIncident} event as the report needs it; unknown numbers are -1,
 * unknown texts empty.
 *
 * @param recording which of the report's recordings it came from (ids are per JVM)
 * @param id the incident's id, 0 if the event carries none
 * @param firstResetMillis when the burst's first reset happened
 * @param spanNanos from the burst's first reset to its last
 */
public record IncidentRecord(
    int recording,
    long id,
    String verdict,
    double confidence,
    int resets,
    int peers,
    int hosts,
    String peerList,
    long firstResetMillis,
    long spanNanos,
    String memberVerdicts,
    String evidence,
    String recommendation) {

  /** When the burst's last reset happened. */
  public long lastResetMillis() {
    return firstResetMillis + Math.max(0, spanNanos) / 1_000_000;
  }
}
