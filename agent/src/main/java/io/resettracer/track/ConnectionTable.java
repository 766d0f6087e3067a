package io.resettracer.track;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A weak identity map from connection objects to their {@link ConnectionState}, built for a lookup
 * on every socket read and write: {@link #get} takes no lock and allocates nothing. Inserts and
 * removals (one each per connection) take a lock; inserts also expunge the states of sockets that
 * were collected without being closed, and grow the table.
 *
 * <p>Closed connections are removed at once: a young generation can go for many seconds without a
 * collection, and under connection churn the dead states would otherwise pile up by the hundred
 * thousand, and every lookup would pay for the cache misses of a table grown to hold them.
 *
 * <p>A lookup racing an insert or a resize may miss; the caller then takes the locked path, which
 * looks again before inserting, so a connection never gets two states.
 */
final class ConnectionTable {

  private static final int INITIAL_CAPACITY = 256;

  private final ReferenceQueue<Object> collected = new ReferenceQueue<>();
  private final int maxEntries;
  private volatile AtomicReferenceArray<ConnectionState> buckets =
      new AtomicReferenceArray<>(INITIAL_CAPACITY);
  private volatile int size; // written under this
  private long refused; // guarded by this

  ConnectionTable(int maxEntries) {
    this.maxEntries = maxEntries;
  }

  ConnectionState get(Object connection) {
    AtomicReferenceArray<ConnectionState> b = buckets;
    int h = System.identityHashCode(connection);
    for (ConnectionState e = b.get(h & (b.length() - 1)); e != null; e = e.next) {
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
    AtomicReferenceArray<ConnectionState> b = buckets;
    if (size + 1 > b.length() * 3 / 4) {
      b = resize(b);
    }
    int i = created.hash & (b.length() - 1);
    created.next = b.get(i);
    b.set(i, created);
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
    AtomicReferenceArray<ConnectionState> b = buckets;
    int i = dead.hash & (b.length() - 1);
    ConnectionState prev = null;
    for (ConnectionState e = b.get(i); e != null; prev = e, e = e.next) {
      if (e == dead) {
        if (prev == null) {
          b.set(i, e.next);
        } else {
          prev.next = e.next;
        }
        size--;
        return true;
      }
    }
    return false;
  }

  private AtomicReferenceArray<ConnectionState> resize(AtomicReferenceArray<ConnectionState> old) {
    AtomicReferenceArray<ConnectionState> grown = new AtomicReferenceArray<>(old.length() * 2);
    int mask = grown.length() - 1;
    for (int i = 0; i < old.length(); i++) {
      ConnectionState e = old.get(i);
      while (e != null) {
        ConnectionState following = e.next;
        int j = e.hash & mask;
        e.next = grown.get(j);
        grown.set(j, e);
        e = following;
      }
    }
    buckets = grown;
    return grown;
  }
}
