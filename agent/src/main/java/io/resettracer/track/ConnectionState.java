package io.resettracer.track;

import io.resettracer.model.Operation;
import io.resettracer.model.Role;
import io.resettracer.model.Transport;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * What reset-tracer knows about one live connection: a handful of primitives, updated on every
 * successful read and write without allocation or locks. It is held by its connection's own field,
 * or by an entry of the {@link ConnectionTable}: a weak reference to the connection, dropped once
 * the socket is collected. Either way the state goes with the socket even when the application
 * never closes it.
 *
 * <p>Reads and writes on one connection are each serialised by the JDK's own per-socket locks, so the
 * counters have one writer at a time per direction; the cross-direction fields (last I/O, exchange
 * bookkeeping) tolerate the benign races of a full-duplex socket.
 */
final class ConnectionState {

  private static final int NONE = 0;
  private static final int READ = 1;
  private static final int WRITE = 2;

  private static final AtomicIntegerFieldUpdater<ConnectionState> FAILED =
      AtomicIntegerFieldUpdater.newUpdater(ConnectionState.class, "failed");
  private static final AtomicIntegerFieldUpdater<ConnectionState> CLOSED =
      AtomicIntegerFieldUpdater.newUpdater(ConnectionState.class, "closed");

  final Transport transport;
  final Role role;
  /** False when the connection was first seen mid-life: its age is then unknown. */
  final boolean ageKnown;
  /** When the connection was opened, or first seen if {@code !ageKnown}. */
  final long openedAtNanos;
  /** False for channels that are not TCP/IP (UNIX-domain): every hook returns at once. */
  final boolean tcp;
  /** Endpoints captured at registration, where the connection object cannot give them later. */
  final InetSocketAddress remote;
  final InetSocketAddress local;

  // Plain fields on purpose: a volatile write costs a fence on every socket call. The JDK's socket
  // locks order each direction's updates, and the failure path tolerates a slightly stale value.
  long lastIoNanos;
  long bytesRead;
  long bytesWritten;
  long writtenSinceRead;
  long exchanges;
  /** How long the connection sat unused before the current exchange's first write. */
  long idleBeforeExchangeNanos;
  /** The longest idle before an exchange that completed, as reported to {@link #peer}; -1: none. */
  private long longestSurvivedIdleNanos = -1;
  private int lastOp;
  /** The peer's shared statistics, for client connections to a known address; else null. */
  PeerStats peer;
  boolean eofSeen;
  int echoes;
  /**
   * The tracker that made this state. A state in its connection's own field outlives a detach, and
   * a later attach's tracker must not count its close among its own.
   */
  ConnectionTracker owner;
  private volatile int failed;
  private volatile int closed;

  ConnectionState(
      Transport transport,
      Role role,
      boolean ageKnown,
      long nowNanos,
      boolean tcp,
      InetSocketAddress remote,
      InetSocketAddress local) {
    this.transport = transport;
    this.role = role;
    this.ageKnown = ageKnown;
    this.openedAtNanos = nowNanos;
    this.lastIoNanos = nowNanos;
    this.tcp = tcp;
    this.remote = remote;
    this.local = local;
  }

  void onRead(long n, long nowNanos) {
    if (lastOp == WRITE) {
      exchanges++;
      PeerStats p = peer;
      if (p != null && idleBeforeExchangeNanos > longestSurvivedIdleNanos) {
        // This idle did not kill the connection. The peer's record is touched only when this
        // connection beats its own: one cache line fewer on almost every exchange.
        longestSurvivedIdleNanos = idleBeforeExchangeNanos;
        p.survived(idleBeforeExchangeNanos);
      }
    }
    lastOp = READ;
    bytesRead += n;
    writtenSinceRead = 0;
    lastIoNanos = nowNanos;
  }

  void onWrite(long n, long nowNanos) {
    if (lastOp != WRITE) {
      // A new exchange begins: what matters later is how long the connection sat unused before it,
      // because a write into a dead connection succeeds and the failure only shows on the reply.
      // Never negative: the I/O path's clock may lag the precise one the connection opened on.
      idleBeforeExchangeNanos = Math.max(0, nowNanos - lastIoNanos);
      lastOp = WRITE;
    }
    bytesWritten += n;
    writtenSinceRead += n;
    lastIoNanos = nowNanos;
  }

  /**
   * The idle time that explains a failure at {@code nowNanos}: for a read awaiting the reply to a
   * request, or a write continuing one, the gap before that exchange began; otherwise the time since
   * the last byte moved.
   */
  long idleNanosAt(Operation op, long nowNanos) {
    boolean inExchange = lastOp == WRITE;
    if (inExchange && (op == Operation.READ || op == Operation.WRITE)) {
      return idleBeforeExchangeNanos;
    }
    return Math.max(0, nowNanos - lastIoNanos);
  }

  /** True for the first failure of this connection only; later ones are echoes. */
  boolean claimFirstFailure() {
    return FAILED.compareAndSet(this, 0, 1);
  }

  /** True for the first close of this connection only: a socket may be closed more than once. */
  boolean claimClose() {
    return CLOSED.compareAndSet(this, 0, 1);
  }

  boolean failedBefore() {
    return failed != 0;
  }

  boolean lastOpWasWrite() {
    return lastOp == WRITE;
  }

  boolean anyIo() {
    return lastOp != NONE;
  }
}
