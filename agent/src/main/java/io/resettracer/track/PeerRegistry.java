package io.resettracer.track;

import io.resettracer.model.PastReset;
import io.resettracer.model.ResetFacts;
import io.resettracer.model.ResetHistory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The peers this JVM talks to and the resets it saw, bounded: past {@code maxPeers} a peer not used
 * lately is forgotten, and only the newest resets are kept. Consulted once per client connection
 * and, on the agent's thread, once per reset; never on a read or write.
 *
 * <p>Neither a known peer nor a new one takes a lock or scans: every client connection asks for its
 * peer, and an application opening connections on many threads, or to thousands of peers (a mesh, a
 * crawler), would otherwise queue here. A new peer takes a place on a ring of {@code maxPeers} slots
 * ("clock" eviction): the hand passes over a peer used since it last passed, clearing that mark, and
 * replaces the first one not used since; after {@link #SECOND_CHANCES} marked peers it replaces the
 * next one anyway, so admitting a peer costs a bounded number of steps at any number of peers.
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

  /** Marked peers the hand passes over at most before it replaces one regardless. */
  static final int SECOND_CHANCES = 8;

  private final int maxPeers;
  private final ConcurrentHashMap<InetSocketAddress, PeerStats> peers = new ConcurrentHashMap<>();
  private final AtomicReferenceArray<PeerStats> ring;
  private final AtomicLong hand = new AtomicLong();
  // Plain reads and writes: a reference is written atomically, and a stale or lost slot only sends
  // a lookup to the map. Package-private for the tests, which stage a race with an eviction.
  final PeerStats[] recent = new PeerStats[RECENT_SLOTS];
  private final ArrayDeque<PeerStats.StampedReset> recentResets = new ArrayDeque<>(); // guarded by this
  /**
   * How many of the newest kept resets, counting from the newest, are of one peer (guarded by
   * this). In a storm against one peer that is all of them, and the resets to other peers are
   * known to be none without a scan: judged at a hundred a second, the scan of 128 was the one loop
   * the JIT compiled in a storm's first seconds, on the application's CPU.
   */
  private int onePeerRun;
  /** The last peer {@link #lookup} found; a stale one is only a miss (it is checked). */
  private volatile Looked lastLooked;

  public PeerRegistry(int maxPeers) {
    this.maxPeers = Math.max(1, maxPeers);
    this.ring = new AtomicReferenceArray<>(this.maxPeers);
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
        PeerStats created = new PeerStats(remote, address, port, nowNanos);
        p = peers.putIfAbsent(remote, created);
        if (p == null) {
          admit(created);
          recent[slot] = created;
          return created; // used once so far: marked when used again
        }
      }
      recent[slot] = p;
    }
    if (!p.used) {
      p.used = true; // written only when it changes: a peer in use keeps its line clean
    }
    return p;
  }

  static int slot(InetAddress address, int port) {
    return (address.hashCode() * 31 + port) & (RECENT_SLOTS - 1);
  }

  /** Gives a new peer its place on the ring, forgetting the peer it replaces. */
  private void admit(PeerStats created) {
    for (int step = 0; ; step++) {
      int i = (int) Math.floorMod(hand.getAndIncrement(), (long) maxPeers);
      PeerStats held = ring.get(i);
      if (held == null) {
        if (ring.compareAndSet(i, null, created)) {
          return;
        }
        continue;
      }
      if (held.used && step < SECOND_CHANCES) {
        held.used = false;
        continue;
      }
      if (ring.compareAndSet(i, held, created)) {
        forget(held);
        return;
      }
    }
  }

  private void forget(PeerStats forgotten) {
    // Marked for the cache too, where a connect racing this may just have put it back: connects
    // must not go on using a record the registry no longer has.
    forgotten.forgotten = true;
    peers.remove(forgotten.key, forgotten);
    int slot = slot(forgotten.address, forgotten.port);
    if (recent[slot] == forgotten) {
      recent[slot] = null;
    }
  }

  void refused(InetSocketAddress remote, long nowNanos) {
    PeerStats p = of(remote, nowNanos);
    if (p != null) {
      p.refused(nowNanos);
    }
  }

  /**
   * Records a reset, on the agent's thread, so that the resets judged after it see it.
   *
   * @return connections opened to the peer so far
   */
  public long recordReset(ResetFacts facts, InetSocketAddress remote, long atNanos) {
    PeerStats p = of(remote, atNanos);
    synchronized (this) {
      if (recentResets.size() == KEPT_ACROSS_PEERS) {
        recentResets.removeLast();
      }
      PeerStats.StampedReset newest = recentResets.peekFirst();
      onePeerRun = newest != null && samePeer(newest.facts(), facts)
          ? Math.min(onePeerRun, recentResets.size()) + 1 : 1;
      recentResets.addFirst(new PeerStats.StampedReset(facts, atNanos));
    }
    if (p == null) {
      return 0;
    }
    p.reset(facts, atNanos);
    return p.connects;
  }

  /**
   * What was known around a reset when it is judged: the other resets to its peer and to other
   * peers, and refused connects, before it (a positive "ago") and after it (negative), up to now.
   * The reset itself, recorded earlier with {@link #recordReset}, is left out.
   */
  public ResetHistory historyAround(ResetFacts facts, InetSocketAddress remote, long atNanos) {
    List<PastReset> others = new ArrayList<>();
    synchronized (this) {
      PeerStats.StampedReset newest = recentResets.peekFirst();
      boolean allOfThisPeer = newest == null
          || (onePeerRun >= recentResets.size() && samePeer(newest.facts(), facts));
      if (!allOfThisPeer) {
        for (PeerStats.StampedReset r : recentResets) {
          if (r.facts() != facts && !samePeer(r.facts(), facts)) {
            others.add(PastReset.of(r.facts(), atNanos - r.atNanos()));
          }
        }
      }
    }
    PeerStats p = remote == null || remote.getAddress() == null ? null : peers.get(remote);
    if (p == null) {
      return new ResetHistory(List.of(), others, List.of(), -1, 0);
    }
    return new ResetHistory(
        p.resetsAround(facts, atNanos), others, p.refusedAround(atNanos),
        p.longestSurvivedIdleNanos, p.connects);
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

  /** Peers known now (at most the bound, and briefly a few more while new ones are admitted). */
  public int size() {
    return peers.size();
  }

  private PeerStats lookup(String address, int port) {
    // A burst asks about the same peer for every reset judged in it: the last answer is kept, so
    // that the address is not parsed again each time.
    Looked last = lastLooked;
    if (last != null && last.port == port && last.address.equals(address) && !last.peer.forgotten) {
      return last.peer;
    }
    PeerStats p;
    try {
      // A literal address: parsed, never resolved.
      p = peers.get(new InetSocketAddress(InetAddress.getByName(address), port));
    } catch (java.net.UnknownHostException | RuntimeException e) {
      return null;
    }
    if (p != null) {
      lastLooked = new Looked(address, port, p);
    }
    return p;
  }

  /** A peer looked up by its address as text. */
  private record Looked(String address, int port, PeerStats peer) {}

  private static boolean samePeer(ResetFacts a, ResetFacts b) {
    return a.remotePort() == b.remotePort() && a.remoteAddress().equals(b.remoteAddress());
  }
}
