package io.resettracer.report;

import java.util.List;
import java.util.Map;

/**
 * What a set of recordings says about resets, aggregated and bounded: what the renderers draw.
 * Built by {@link ReportBuilder}; every list is capped, and what a cap left out is counted.
 *
 * @param sources the recordings read, as given
 * @param resets every reset event read
 * @param incidentCount every incident event read
 * @param firstMillis the earliest reset or incident, -1 if none
 * @param lastMillis the latest reset or incident end, -1 if none
 * @param verdicts per verdict, in the catalogue's order, only those seen
 * @param peerCount distinct peers seen (at most {@link ReportBuilder#MAX_DISTINCT_PEERS})
 * @param peers the peers with the most resets first, at most {@link ReportBuilder#MAX_PEERS}
 * @param incidents in time order, at most {@link ReportBuilder#MAX_INCIDENTS}
 * @param callSites the stacks with the most resets first, at most {@link
 *     ReportBuilder#MAX_CALL_SITES}
 * @param resetsAtOtherCallSites resets whose stack came after the call-site cap was reached
 */
public record Report(
    List<String> sources,
    long resets,
    long incidentCount,
    long firstMillis,
    long lastMillis,
    List<VerdictCount> verdicts,
    int peerCount,
    boolean peerCountCapped,
    Timeline timeline,
    List<Peer> peers,
    long resetsOfOtherPeers,
    List<IncidentRecord> incidents,
    List<CallSite> callSites,
    long resetsAtOtherCallSites) {

  /** Resets and incidents of one verdict. */
  public record VerdictCount(String verdict, long resets, long incidents) {}

  /**
   * Resets over time: {@code counts[i][v]} resets of {@code verdicts[v]} in the bin starting at
   * {@code startMillis + i * binMillis}.
   */
  public record Timeline(long startMillis, long binMillis, List<String> verdicts, long[][] counts) {
    public int bins() {
      return counts.length;
    }
  }

  /**
   * One peer's resets and what its connections showed about an idle limit.
   *
   * @param idleSamples idle times of a uniform sample of its resets, nanoseconds
   * @param sampleVerdicts the verdict of each sample
   * @param minIdleNanos the shortest idle of any of its resets
   * @param limitNanos the learnt limit: the shortest idle of its idle-timeout or keep-alive
   *     resets, -1 when it had none
   * @param survivedNanos the longest idle a connection to it survived, -1 if unknown
   * @param maxIdleSettingNanos the pool max idle the recommendation asks for, -1 if it names none
   * @param catalogue known default limits of the hop kind its verdict blames that the learnt limit
   *     matches ("AWS ALB / Classic ELB (60 s)")
   * @param catalogueNanos the first of them, -1 if none
   * @param recommendation the latest recommendation for its most frequent verdict
   */
  public record Peer(
      String peer,
      long resets,
      Map<String, Long> verdicts,
      long[] idleSamples,
      String[] sampleVerdicts,
      long minIdleNanos,
      long maxIdleNanos,
      long limitNanos,
      long survivedNanos,
      long maxIdleSettingNanos,
      List<String> catalogue,
      long catalogueNanos,
      String verdict,
      String recommendation) {}

  /**
   * Resets that failed at the same application frames.
   *
   * @param frames the application frames, innermost first; empty when none was recorded
   * @param exception the latest exception there, "class: message"
   * @param peers a few of the peers, most recent first
   */
  public record CallSite(
      List<String> frames,
      long resets,
      Map<String, Long> verdicts,
      List<String> operations,
      String exception,
      List<String> peers,
      List<String> threads) {}
}
