package io.resettracer.model;

/**
 * The local host around a reset: file descriptors, the kernel's TCP counters and this JVM's time in
 * GC pauses over the last sampling interval. Plain numbers; -1 means unknown (not Linux, not
 * readable). From the agent's own samples of the host, never read on a failing call.
 *
 * @param counterSpanNanos the interval the counter deltas cover; 0 when no earlier sample exists
 * @param segmentsOut TCP segments sent in that interval
 * @param segmentsRetransmitted TCP segments retransmitted in that interval
 * @param tcpTimeouts retransmission timers that expired in that interval
 * @param listenOverflows connections dropped because an accept queue was full, in that interval
 * @param gcPauseNanos time this JVM spent in stop-the-world collections in the last {@code
 *     gcSpanNanos}; -1 if unknown
 * @param gcSpanNanos the interval {@code gcPauseNanos} covers
 * @param segmentsIn TCP segments received in the counters' interval
 * @param segmentsOutOfOrder segments received past a gap (lost on the way in) in that interval
 */
public record HostSnapshot(
    long openFileDescriptors,
    long fileDescriptorLimit,
    long counterSpanNanos,
    long segmentsOut,
    long segmentsRetransmitted,
    long tcpTimeouts,
    long listenOverflows,
    long gcPauseNanos,
    long gcSpanNanos,
    long segmentsIn,
    long segmentsOutOfOrder) {

  public static final HostSnapshot UNKNOWN = new HostSnapshot(-1, -1, 0, -1, -1, -1, -1, -1, -1);

  /** A snapshot without the receiving side's counters. */
  public HostSnapshot(long openFileDescriptors, long fileDescriptorLimit, long counterSpanNanos,
      long segmentsOut, long segmentsRetransmitted, long tcpTimeouts, long listenOverflows,
      long gcPauseNanos, long gcSpanNanos) {
    this(openFileDescriptors, fileDescriptorLimit, counterSpanNanos, segmentsOut,
        segmentsRetransmitted, tcpTimeouts, listenOverflows, gcPauseNanos, gcSpanNanos, -1, -1);
  }

  /** Segments received out of order as a share of segments received, or -1 if unknown. */
  public double outOfOrderRatio() {
    if (counterSpanNanos <= 0 || segmentsIn <= 0 || segmentsOutOfOrder < 0) {
      return -1;
    }
    return (double) segmentsOutOfOrder / segmentsIn;
  }

  /** Retransmitted segments as a share of segments sent in the interval, or -1 if unknown. */
  public double retransmitRatio() {
    if (counterSpanNanos <= 0 || segmentsOut <= 0 || segmentsRetransmitted < 0) {
      return -1;
    }
    return (double) segmentsRetransmitted / segmentsOut;
  }
}
