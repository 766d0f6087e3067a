package io.resettracer.track;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The peers this JVM talks to and the resets it saw, bounded: the least recently used peer is
 * forgotten past {@code maxPeers}, and only the newest resets are kept. Consulted once per client
 * connection and once per reset or refused connect; never on a read or write.
 *
 * <p>Finding a known peer takes no lock: every client connection asks for its peer, and an
 * application opening connections on many threads would otherwise queue here. Only a new peer that
 * takes the registry past its bound scans for the least recently used one.
 */
public final class PeerRegistry {

  /** Resets kept across all peers, to see many peers cut at once. */
  static final int KEPT_ACROSS_PEERS = 128;

  private final int maxPeers;
  private final ConcurrentHashMap<InetSocketAddress, PeerStats> peers = new ConcurrentHashMap<>();
  private final ArrayDeque<PeerStats.StampedReset> recent = new ArrayDeque<>(); // guarded by this

  public PeerRegistry(int maxPeers) {
    this.maxPeers = maxPeers;
  }

  /** The stats of {@code remote}, created if new; null for an unknown remote. */
  PeerStats of(InetSocketAddress remote, long nowNanos) {
    if (remote == null || remote.getAddress() == null) {
      return null;
    }
    PeerStats p = peers.get(remote);
    if (p == null) {
      p = peers.computeIfAbsent(remote, r -> new PeerStats());
      if (peers.size() > maxPeers) {
        forgetLeastRecentlyUsed(p);
      }
    }
    p.lastUsedNanos = nowNanos;
    return p;
  }

  /** Forgets peers, least recently used first, until the bound holds again; never {@code keep}. */
  private synchronized void forgetLeastRecentlyUsed(PeerStats keep) {
    while (peers.size() > maxPeers) {
      Map.Entry<InetSocketAddress, PeerStats> oldest = null;
      for (Map.Entry<InetSocketAddress, PeerStats> e : peers.entrySet()) {
        if (e.getValue() != keep
            && (oldest == null || e.getValue().lastUsedNanos < oldest.getValue().lastUsedNanos)) {
          oldest = e;
        }
      }
      if (oldest == null) {
        return;
      }
      peers.remove(oldest.getKey(), oldest.getValue());
    }
  }

  void refused(InetSocketAddress remote, long nowNanos) {
    PeerStats p = of(remote, nowNanos);
    if (p != null) {
      p.refused(nowNanos);
    }
  }

  /**
   * Records a reset and returns what was known before it: the history the classifier judges it
   * against.
   */
  ResetHistory recordReset(ResetFacts facts, InetSocketAddress remote, long nowNanos) {
    PeerStats p = of(remote, nowNanos);
    List<PastReset> others;
    synchronized (this) {
      others =
          PeerStats.StampedReset.ago(
              () -> recent.stream().filter(r -> !samePeer(r.facts(), facts)).iterator(), nowNanos);
      if (recent.size() == KEPT_ACROSS_PEERS) {
        recent.removeLast();
      }
      recent.addFirst(new PeerStats.StampedReset(facts, nowNanos));
    }
    if (p == null) {
      return new ResetHistory(List.of(), others, List.of(), -1, 0);
    }
    ResetHistory h =
        new ResetHistory(
            p.resetsBefore(nowNanos), others, p.refusedBefore(nowNanos),
            p.longestSurvivedIdleNanos, p.connects);
    p.reset(facts, nowNanos);
    return h;
  }

  /** Connects to the peer refused at or after {@code sinceNanos}. */
  public int refusedSince(String address, int port, long sinceNanos) {
    PeerStats p = lookup(address, port);
    return p == null ? 0 : p.refusedSince(sinceNanos);
  }

  /** Connections opened to the peer so far. */
  public long connects(String address, int port) {
    PeerStats p = lookup(address, port);
    return p == null ? 0 : p.connects;
  }

  private PeerStats lookup(String address, int port) {
    for (Map.Entry<InetSocketAddress, PeerStats> e : peers.entrySet()) {
      InetSocketAddress a = e.getKey();
      if (a.getPort() == port && a.getAddress().getHostAddress().equals(address)) {
        return e.getValue();
      }
    }
    return null;
  }

  private static boolean samePeer(ResetFacts a, ResetFacts b) {
    return a.remotePort() == b.remotePort() && a.remoteAddress().equals(b.remoteAddress());
  }
}
