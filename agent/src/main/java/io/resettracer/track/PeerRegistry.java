package io.resettracer.track;

import io.resettracer.model.PastReset;
import io.resettracer.model.ResetFacts;
import io.resettracer.model.ResetHistory;
import java.net.InetAddress;
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
 *
 * <p>In front of the map sits a small direct-mapped cache of recently used peers. A client connect
 * asks right after the kernel's connect path has evicted the agent's lines, and the map's lookup is
 * a chain of dependent loads (its table, the node, the key, the key's holder, its address, that
 * address's holder): under connection churn it was the one agent frame a CPU profile showed (JDK 17,
 * ~0.2 % of all samples). The cache answers from its slot, the peer and the peer's address.
 */
public final class PeerRegistry {

  /** Resets kept across all peers, to see many peers cut at once. */
  static final int KEPT_ACROSS_PEERS = 128;

  /** Slots of the cache in front of the map; a power of two. */
  static final int RECENT_SLOTS = 64;

  private final int maxPeers;
  private final ConcurrentHashMap<InetSocketAddress, PeerStats> peers = new ConcurrentHashMap<>();
  // Plain reads and writes: a reference is written atomically, and a stale or lost slot only sends
  // a lookup to the map. Package-private for the tests, which stage a race with an eviction.
  final PeerStats[] recent = new PeerStats[RECENT_SLOTS];
  private final ArrayDeque<PeerStats.StampedReset> recentResets = new ArrayDeque<>(); // guarded by this

  public PeerRegistry(int maxPeers) {
    this.maxPeers = maxPeers;
  }

  /** The stats of {@code remote}, created if new; null for an unknown remote. */
  PeerStats of(InetSocketAddress remote, long nowNanos) {
    InetAddress address = remote == null ? null : remote.getAddress();
    if (address == null) {
      return null;
    }
    int port = remote.getPort();
    int slot = slot(address, port);
    PeerStats p = recent[slot];
    if (p == null || !p.is(address, port) || p.forgotten) {
      p = peers.get(remote);
      if (p == null) {
        p = peers.computeIfAbsent(remote, r -> new PeerStats(address, port, nowNanos));
        if (peers.size() > maxPeers) {
          forgetLeastRecentlyUsed(p);
        }
      }
      recent[slot] = p;
    }
    p.lastUsedNanos = nowNanos;
    return p;
  }

  static int slot(InetAddress address, int port) {
    return (address.hashCode() * 31 + port) & (RECENT_SLOTS - 1);
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
      PeerStats forgotten = oldest.getValue();
      // Marked for the cache too, where a connect racing this may just have put it back: connects
      // must not go on using a record the registry no longer has.
      forgotten.forgotten = true;
      peers.remove(oldest.getKey(), forgotten);
      int slot = slot(forgotten.address, forgotten.port);
      if (recent[slot] == forgotten) {
        recent[slot] = null;
      }
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
              () -> recentResets.stream().filter(r -> !samePeer(r.facts(), facts)).iterator(),
              nowNanos);
      if (recentResets.size() == KEPT_ACROSS_PEERS) {
        recentResets.removeLast();
      }
      recentResets.addFirst(new PeerStats.StampedReset(facts, nowNanos));
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
