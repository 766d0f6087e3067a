package io.resettracer.model;

import java.util.List;

/**
 * What this JVM saw around one reset, beyond the connection itself: earlier resets to the same peer
 * and to others, connects to the peer that were refused, and the longest idle a connection to the
 * peer survived. Gathered when the reset happens, never on the I/O path; plain data, so the
 * classifier can be fed from a fixture.
 *
 * @param samePeer earlier resets to the same peer (address and port), newest first
 * @param otherPeers earlier resets to other peers, newest first
 * @param refusedConnectAgoNanos how long ago each refused connect to the peer was, newest first
 * @param longestSurvivedIdleNanos the longest idle before an exchange that then completed, on any
 *     connection to the peer; -1 when none is known
 * @param connectsToPeer connections opened to the peer so far (to tell, later, if it came back)
 * @param burst the burst this reset belongs to, when the caller knows it (see {@link BurstContext})
 */
public record ResetHistory(
    List<PastReset> samePeer,
    List<PastReset> otherPeers,
    List<Long> refusedConnectAgoNanos,
    long longestSurvivedIdleNanos,
    long connectsToPeer,
    BurstContext burst) {

  public static final ResetHistory NONE = new ResetHistory(List.of(), List.of(), List.of(), -1, 0);

  /** A history without burst context: the rules judge from the resets seen so far. */
  public ResetHistory(List<PastReset> samePeer, List<PastReset> otherPeers,
      List<Long> refusedConnectAgoNanos, long longestSurvivedIdleNanos, long connectsToPeer) {
    this(samePeer, otherPeers, refusedConnectAgoNanos, longestSurvivedIdleNanos, connectsToPeer,
        BurstContext.UNKNOWN);
  }

  /** The same history with the burst's picture added. */
  public ResetHistory withBurst(BurstContext b) {
    return new ResetHistory(samePeer, otherPeers, refusedConnectAgoNanos, longestSurvivedIdleNanos,
        connectsToPeer, b);
  }
}
