package io.resettracer.track;

import io.resettracer.model.PastReset;
import io.resettracer.model.ResetFacts;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
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

  /** The registry's key for this peer. */
  final InetSocketAddress key;
  /** The peer: its address and port. */
  final InetAddress address;
  final int port;
  /** Longest idle before an exchange that then completed; -1 until one completes. */
  long longestSurvivedIdleNanos = -1;
  /** Connections opened to this peer. */
  long connects;
  /**
   * Handed out since the registry's eviction hand last passed: a peer in use gets a second chance.
   * A plain field: a lost write costs a peer one chance, never correctness.
   */
  boolean used;
  /**
   * Set when the registry forgets this peer, for its cache of recently used peers, where a connect
   * racing the eviction may have put it back. Volatile: the eviction writes it under the registry's
   * lock, connects read it without one.
   */
  volatile boolean forgotten;

  // Made at a peer's first reset or refusal: most peers never have one, and a peer is made on the
  // connect path (under churn across many peers, at every connect), where two empty deques were
  // two thirds of the bytes a new peer cost.
  private ArrayDeque<StampedReset> resets; // guarded by this
  private ArrayDeque<Long> refusedAt; // guarded by this

  PeerStats(InetSocketAddress key, InetAddress address, int port, long nowNanos) {
    this.key = key;
    this.address = address;
    this.port = port;
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
    if (refusedAt == null) {
      refusedAt = new ArrayDeque<>();
    }
    if (refusedAt.size() == KEPT) {
      refusedAt.removeLast();
    }
    refusedAt.addFirst(nowNanos);
  }

  synchronized void reset(ResetFacts facts, long nowNanos) {
    if (resets == null) {
      resets = new ArrayDeque<>();
    }
    if (resets.size() == KEPT) {
      resets.removeLast();
    }
    resets.addFirst(new StampedReset(facts, nowNanos));
  }

  /** The kept resets but {@code self}, each as seen from {@code atNanos} (negative: later). */
  synchronized List<PastReset> resetsAround(ResetFacts self, long atNanos) {
    if (resets == null) {
      return new ArrayList<>(0);
    }
    List<PastReset> out = new ArrayList<>(resets.size());
    for (StampedReset r : resets) {
      if (r.facts != self) {
        out.add(PastReset.of(r.facts, atNanos - r.atNanos));
      }
    }
    return out;
  }

  /** How long before {@code atNanos} each kept refusal was (negative: after it), newest first. */
  synchronized List<Long> refusedAround(long atNanos) {
    if (refusedAt == null) {
      return new ArrayList<>(0);
    }
    List<Long> out = new ArrayList<>(refusedAt.size());
    for (long t : refusedAt) {
      out.add(atNanos - t);
    }
    return out;
  }

  /** Refused connects at or after {@code sinceNanos}. */
  synchronized int refusedSince(long sinceNanos) {
    if (refusedAt == null) {
      return 0;
    }
    int n = 0;
    for (long t : refusedAt) {
      if (t >= sinceNanos) {
        n++;
      }
    }
    return n;
  }

  /** A reset and when it happened on this JVM's clock. */
  record StampedReset(ResetFacts facts, long atNanos) {}
}
