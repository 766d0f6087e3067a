package io.resettracer.track;

import io.resettracer.model.PastReset;
import io.resettracer.model.ResetFacts;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * What is known about one peer (address and port) this JVM connects to, across its connections.
 * Three fields are touched on the I/O path, once per completed exchange and once per connection, as
 * plain writes: a lost update under a race costs a slightly stale statistic, never correctness.
 * Everything else changes only when a connect fails or a reset happens.
 */
final class PeerStats {

  /** Recent resets and refusals kept per peer: enough to see bursts and learn an idle limit. */
  static final int KEPT = 32;

  /** The peer: its address and port. */
  final InetAddress address;
  final int port;
  /** Longest idle before an exchange that then completed; -1 until one completes. */
  long longestSurvivedIdleNanos = -1;
  /** Connections opened to this peer. */
  long connects;
  /** When the registry last handed this peer out: the least recently used is forgotten first. */
  long lastUsedNanos;
  /**
   * Set when the registry forgets this peer, for its cache of recently used peers, where a connect
   * racing the eviction may have put it back. Volatile: the eviction writes it under the registry's
   * lock, connects read it without one.
   */
  volatile boolean forgotten;

  private final ArrayDeque<StampedReset> resets = new ArrayDeque<>(); // guarded by this
  private final ArrayDeque<Long> refusedAt = new ArrayDeque<>(); // guarded by this

  PeerStats(InetAddress address, int port, long nowNanos) {
    this.address = address;
    this.port = port;
    // Never the least recently used before its first use, or an eviction racing it would pick it.
    this.lastUsedNanos = nowNanos;
  }

  /** True when this is the record of {@code address} and {@code port}. */
  boolean is(InetAddress address, int port) {
    // Identity first: a resolved address is usually the same object connect after connect.
    return this.port == port && (this.address == address || this.address.equals(address));
  }

  void survived(long idleNanos) {
    if (idleNanos > longestSurvivedIdleNanos) {
      longestSurvivedIdleNanos = idleNanos;
    }
  }

  synchronized void refused(long nowNanos) {
    if (refusedAt.size() == KEPT) {
      refusedAt.removeLast();
    }
    refusedAt.addFirst(nowNanos);
  }

  synchronized void reset(ResetFacts facts, long nowNanos) {
    if (resets.size() == KEPT) {
      resets.removeLast();
    }
    resets.addFirst(new StampedReset(facts, nowNanos));
  }

  synchronized List<PastReset> resetsBefore(long nowNanos) {
    return StampedReset.ago(resets, nowNanos);
  }

  synchronized List<Long> refusedBefore(long nowNanos) {
    List<Long> out = new ArrayList<>(refusedAt.size());
    for (long t : refusedAt) {
      out.add(nowNanos - t);
    }
    return out;
  }

  /** Refused connects at or after {@code sinceNanos}. */
  synchronized int refusedSince(long sinceNanos) {
    int n = 0;
    for (long t : refusedAt) {
      if (t >= sinceNanos) {
        n++;
      }
    }
    return n;
  }

  /** A reset and when it happened on this JVM's clock. */
  record StampedReset(ResetFacts facts, long atNanos) {
    static List<PastReset> ago(Iterable<StampedReset> newestFirst, long nowNanos) {
      List<PastReset> out = new ArrayList<>();
      for (Iterator<StampedReset> it = newestFirst.iterator(); it.hasNext(); ) {
        StampedReset r = it.next();
        out.add(PastReset.of(r.facts, nowNanos - r.atNanos));
      }
      return out;
    }
  }
}
