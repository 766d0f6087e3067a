package io.resettracer.track;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The peers this JVM talks to and the resets it saw, bounded: the least recently used peer is
 * forgotten past {@code maxPeers}, and only the newest resets are kept. Consulted once per client
 * connection and once per reset or refused connect; never on a read or write.
 */
public final class PeerRegistry {

  /** Resets kept across all peers, to see many peers cut at once. */
  static final int KEPT_ACROSS_PEERS = 128;

  private final int maxPeers;
  private final LinkedHashMap<InetSocketAddress, PeerStats> peers; // guarded by this
  private final ArrayDeque<PeerStats.StampedReset> recent = new ArrayDeque<>(); // guarded by this

  public PeerRegistry(int maxPeers) {
    this.maxPeers = maxPeers;
    this.peers =
        new LinkedHashMap<>(64, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, PeerStats> eldest) {
            return size() > PeerRegistry.this.maxPeers;
          }
        };
  }

  /** The stats of {@code remote}, created if new; null for an unknown remote. */
  synchronized PeerStats of(InetSocketAddress remote) {
    if (remote == null || remote.getAddress() == null) {
      return null;
    }
    return peers.computeIfAbsent(remote, r -> new PeerStats());
  }

  void refused(InetSocketAddress remote, long nowNanos) {
    PeerStats p = of(remote);
    if (p != null) {
      p.refused(nowNanos);
    }
  }

  /**
   * Records a reset and returns what was known before it: the history the classifier judges it
   * against.
   */
  ResetHistory recordReset(ResetFacts facts, InetSocketAddress remote, long nowNanos) {
    PeerStats p = of(remote);
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

  private synchronized PeerStats lookup(String address, int port) {
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
