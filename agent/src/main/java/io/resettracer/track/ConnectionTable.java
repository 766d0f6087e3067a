package io.resettracer.track;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;

/**
 * A weak identity map from connection objects to their {@link ConnectionState}, for connections
 * whose class has no state field of its own (loaded before the agent; the asynchronous channel's
 * descriptors; Netty's sockets). Built for a lookup on each of their socket reads and writes:
 * {@link #get} takes no lock and allocates nothing. Inserts and removals (one each per connection)
 * take a lock; inserts also expunge the entries of sockets that were collected without being
 * closed, and grow the table.
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
 * is known from one line of this object: table → slot → entry → state (the entry and its state are
 * allocated together, so the last step is mostly to a neighbouring line).
 *
 * <p>The weak reference is the table's, not the state's: a state kept in its connection's own field
 * is plain data, and neither carries the reference's fields nor is ever discovered by the collector.
 */
final class ConnectionTable {

  private static final int INITIAL_CAPACITY = 256;

  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Entry[].class);

  /** One connection's place in the table: a weak reference to it, with its state. */
  private static final class Entry extends WeakReference<Object> {
    final ConnectionState state;
    final int hash;
    volatile Entry next;

    Entry(Object connection, ReferenceQueue<Object> queue, ConnectionState state, int hash) {
      super(connection, queue);
      this.state = state;
      this.hash = hash;
    }
  }

  private final ReferenceQueue<Object> collected = new ReferenceQueue<>();
  private final int maxEntries;
  // Only grows. A resize publishes the array before its mask and a lookup reads the mask first, so
  // a mask never indexes past its array; an old mask with a new array only misses.
  private volatile Entry[] buckets = new Entry[INITIAL_CAPACITY];
  private volatile int mask = INITIAL_CAPACITY - 1;
  private volatile int size; // written under this
  private long refused; // guarded by this

  ConnectionTable(int maxEntries) {
    this.maxEntries = maxEntries;
  }

  ConnectionState get(Object connection) {
    Entry e = entry(connection);
    return e == null ? null : e.state;
  }

  private Entry entry(Object connection) {
    if (connection == null) {
      return null; // a cleared entry, not yet expunged, would match it
    }
    int m = mask;
    Entry[] b = buckets;
    int h = System.identityHashCode(connection);
    for (Entry e = slot(b, h & m); e != null; e = e.next) {
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

  /**
   * Adds {@code created}, the new state of {@code connection}, unless that connection already has
   * one: returns the state that is in the table, or null when the table is full (the connection then
   * goes untracked, and is counted).
   */
  synchronized ConnectionState putIfAbsent(Object connection, ConnectionState created) {
    ConnectionState existing = get(connection);
    if (existing != null) {
      return existing;
    }
    expungeCollected();
    if (size >= maxEntries) {
      refused++;
      return null;
    }
    Entry[] b = buckets;
    if (size + 1 > b.length * 3 / 4) {
      b = resize(b);
    }
    Entry e = new Entry(connection, collected, created, System.identityHashCode(connection));
    int i = e.hash & (b.length - 1);
    e.next = slot(b, i);
    SLOT.setRelease(b, i, e);
    size++;
    return created;
  }

  /** Forgets a closed connection. Its entry is cleared so the collector never queues it. */
  void remove(Object connection) {
    Entry e = entry(connection);
    if (e != null) {
      synchronized (this) {
        if (unlink(e)) {
          e.clear();
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
      unlink((Entry) r);
    }
  }

  private boolean unlink(Entry dead) {
    Entry[] b = buckets;
    int i = dead.hash & (b.length - 1);
    Entry prev = null;
    for (Entry e = slot(b, i); e != null; prev = e, e = e.next) {
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
   * Rehashes into a new array. A lookup walking an old chain meanwhile may follow a moved entry into
   * its new chain and miss: the miss is one of those the class comment allows.
   */
  private Entry[] resize(Entry[] old) {
    Entry[] grown = new Entry[old.length * 2];
    int m = grown.length - 1;
    for (int i = 0; i < old.length; i++) {
      Entry e = slot(old, i);
      while (e != null) {
        Entry following = e.next;
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

  private static Entry slot(Entry[] b, int i) {
    return (Entry) SLOT.getAcquire(b, i);
  }
}
