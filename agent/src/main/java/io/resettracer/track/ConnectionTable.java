package io.resettracer.track;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;

/**
 * A weak identity map from connection objects to their {@link ConnectionState}, for connections
 * whose class has no state field of its own (loaded before the agent; the asynchronous channel's
 * descriptors; Netty's sockets). Built for a lookup on each of their socket reads and writes:
 * {@link #get} takes no lock and allocates nothing. Inserts and
 * removals (one each per connection) take a lock; inserts also expunge the states of sockets that
 * were collected without being closed, and grow the table.
 *
 * <p>Closed connections are removed at once: a young generation can go for many seconds without a
 * collection, and under connection churn the dead states would otherwise pile up by the hundred
 * thousand, and every lookup would pay for the cache misses of a table grown to hold them.
 *
 * <p>A lookup racing an insert or a resize may miss; the caller then takes the locked path, which
 * looks again before inserting, so a connection never gets two states.
 *
 * <p>The lookup is laid out for memory latency, not instruction count: between two calls on a
 * connection the kernel's socket path runs and evicts the agent's lines from the nearest caches, so
 * what a lookup costs is its chain of dependent loads. Measured in one JVM with the tracking
 * switched on and off every half second, NIO ping-pong: 85–110 ns per call with the chain table →
 * {@code AtomicReferenceArray} → array length → slot → state, 45–75 ns with this one (together with
 * the tracker's clock change). Here the mask sits beside the array reference, so the slot's address
 * is known from one line of this object: table → slot → state.
 */
final class ConnectionTable {

  private static final int INITIAL_CAPACITY = 256;

  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(ConnectionState[].class);

  private final ReferenceQueue<Object> collected = new ReferenceQueue<>();
  private final int maxEntries;
  // Only grows. A resize publishes the array before its mask and a lookup reads the mask first, so
  // a mask never indexes past its array; an old mask with a new array only misses.
  private volatile ConnectionState[] buckets = new ConnectionState[INITIAL_CAPACITY];
  private volatile int mask = INITIAL_CAPACITY - 1;
  private volatile int size; // written under this
  private long refused; // guarded by this

  ConnectionTable(int maxEntries) {
    this.maxEntries = maxEntries;
  }

  ConnectionState get(Object connection) {
    int m = mask;
    ConnectionState[] b = buckets;
    int h = System.identityHashCode(connection);
    for (ConnectionState e = slot(b, h & m); e != null; e = e.next) {
      if (e.get() == connection) {
        return e;
      }
    }
    return null;
  }

  /** True when no new connection can be tracked; a hint, read without the lock. */
  boolean full() {
    return size >= maxEntries;
  }

  ReferenceQueue<Object> queue() {
    return collected;
  }

  /**
   * Adds {@code created}, the new state of its connection, unless that connection already has one:
   * returns the state that is in the table, or null when the table is full (the connection then
   * goes untracked, and is counted).
   */
  synchronized ConnectionState putIfAbsent(ConnectionState created) {
    Object connection = created.get();
    ConnectionState existing = get(connection);
    if (existing != null || connection == null) {
      return existing;
    }
    expungeCollected();
    if (size >= maxEntries) {
      refused++;
      return null;
    }
    ConnectionState[] b = buckets;
    if (size + 1 > b.length * 3 / 4) {
      b = resize(b);
    }
    created.hash = System.identityHashCode(connection); // published with the slot
    int i = created.hash & (b.length - 1);
    created.next = slot(b, i);
    SLOT.setRelease(b, i, created);
    size++;
    return created;
  }

  /** Forgets a closed connection. Its state is cleared so the collector never queues it. */
  void remove(Object connection) {
    ConnectionState s = get(connection);
    if (s != null) {
      synchronized (this) {
        if (unlink(s)) {
          s.clear();
        }
      }
    }
  }

  synchronized int size() {
    expungeCollected();
    return size;
  }

  synchronized long refused() {
    return refused;
  }

  private void expungeCollected() {
    for (Reference<?> r; (r = collected.poll()) != null; ) {
      unlink((ConnectionState) r);
    }
  }

  private boolean unlink(ConnectionState dead) {
    ConnectionState[] b = buckets;
    int i = dead.hash & (b.length - 1);
    ConnectionState prev = null;
    for (ConnectionState e = slot(b, i); e != null; prev = e, e = e.next) {
      if (e == dead) {
        if (prev == null) {
          SLOT.setRelease(b, i, e.next);
        } else {
          prev.next = e.next;
        }
        size--;
        return true;
      }
    }
    return false;
  }

  /**
   * Rehashes into a new array. A lookup walking an old chain meanwhile may follow a moved state into
   * its new chain and miss: the miss is one of those the class comment allows.
   */
  private ConnectionState[] resize(ConnectionState[] old) {
    ConnectionState[] grown = new ConnectionState[old.length * 2];
    int m = grown.length - 1;
    for (int i = 0; i < old.length; i++) {
      ConnectionState e = slot(old, i);
      while (e != null) {
        ConnectionState following = e.next;
        int j = e.hash & m;
        e.next = grown[j];
        grown[j] = e;
        e = following;
      }
    }
    buckets = grown;
    mask = m;
    return grown;
  }

  private static ConnectionState slot(ConnectionState[] b, int i) {
    return (ConnectionState) SLOT.getAcquire(b, i);
  }
}
