package io.resettracer.classify;

import java.util.Map;

/**
 * Resets that belong together (one burst), judged as one event.
 *
 * @param id the burst's id, which each of its resets' events carries too
 * @param firstEpochMillis wall-clock time of the first reset
 * @param spanNanos time from the first reset to the last
 * @param peers distinct peers (address:port) involved
 * @param hosts distinct hosts (addresses) involved
 * @param peerList the peers, bounded, most affected first
 * @param memberVerdicts how each reset was judged when it happened
 */
public record Incident(
    long id,
    Verdict verdict,
    float confidence,
    int resets,
    int peers,
    int hosts,
    String peerList,
    long firstEpochMillis,
    long spanNanos,
    Map<Verdict, Integer> memberVerdicts,
    String evidence,
    String recommendation) {}
