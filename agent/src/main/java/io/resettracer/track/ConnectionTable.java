package io.resettracer.track;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * A weak identity map from connection objects to their {@link ConnectionState}, built for a lookup
 * on every socket read and write: {@link #get} takes no lock and allocates nothing. Inserts (one per
 * connection) take a lock, expunge the states of collected sockets and grow the table.
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
  private int size; // guarded by this
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

  ReferenceQueue<Object> queue() {
    return collected;
  }

  /**
   * Returns the state of {@code connection}, creating it with {@code factory} if there is none.
   * Returns null when the table is full (the connection then goes untracked, and is counted).
   */
  synchronized ConnectionState computeIfAbsent(
      Object connection, Function<Integer, ConnectionState> factory) {
    ConnectionState existing = get(connection);
    if (existing != null) {
      return existing;
    }
    expungeCollected();
    if (size >= maxEntries) {
      refused++;
      return null;
    }
    int h = System.identityHashCode(connection);
    ConnectionState created = factory.apply(h);
    AtomicReferenceArray<ConnectionState> b = buckets;
    if (size + 1 > b.length() * 3 / 4) {
      b = resize(b);
    }
    int i = h & (b.length() - 1);
    created.next = b.get(i);
    b.set(i, created);
    size++;
    return created;
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
      remove((ConnectionState) r);
    }
  }

  private void remove(ConnectionState dead) {
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
        return;
      }
    }
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
