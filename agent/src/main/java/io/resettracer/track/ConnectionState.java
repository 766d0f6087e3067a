package io.resettracer.track;

import io.resettracer.model.Operation;
import io.resettracer.model.Role;
import io.resettracer.model.Transport;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;

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

  private static final byte NONE = 0;
  private static final byte READ = 1;
  private static final byte WRITE = 2;

  // Bits of the status; the bits above them hold the stamp of the tracker that made the state.
  private static final int FAILED = 1;
  private static final int CLOSED = 2;
  private static final int END_OF_STREAM = 4;
  private static final int STAMP_SHIFT = 8;

  /** Room for every transport's hook code below the role's. */
  private static final int ROLE_SHIFT = 3;

  private static final Role[] ROLES = Role.values();
  private static final VarHandle STATUS;

  static {
    if (Transport.values().length > 1 << ROLE_SHIFT) {
      throw new ExceptionInInitializerError("more transports than ConnectionState.kind holds");
    }
    try {
      STATUS = MethodHandles.lookup().findVarHandle(ConnectionState.class, "status", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  // The layout is kept to 96 bytes (two states per connection when both ends are in one JVM):
  // eight longs, three references, and one int and four bytes for everything else. A field more
  // costs 8 bytes per state, for every connection the application opens.

  /** When the connection was opened, or first seen if {@code !ageKnown}. */
  final long openedAtNanos;
  /** Endpoints captured at registration, where the connection object cannot give them later. */
  final InetSocketAddress remote;
  final InetSocketAddress local;
  /** False when the connection was first seen mid-life: its age is then unknown. */
  final boolean ageKnown;
  /** False for channels that are not TCP/IP (UNIX-domain): every hook returns at once. */
  final boolean tcp;
  /** The transport's hook code, and the role's ordinal above it. */
  private final byte kind;

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
  private byte lastOp;
  /** The peer's shared statistics, for client connections to a known address; else null. */
  PeerStats peer;
  /**
   * Failed, closed and end of stream, each set once by an atomic or; above them the stamp of the
   * tracker that made this state. A state in its connection's own field outlives a detach, and a
   * later attach's tracker must not count its close among its own. A plain field, written plainly
   * in the constructor: the state is published by the claim's atomic exchange or the table's lock.
   */
  private int status;

  ConnectionState(
      Transport transport,
      Role role,
      boolean ageKnown,
      long nowNanos,
      boolean tcp,
      InetSocketAddress remote,
      InetSocketAddress local,
      int ownerStamp) {
    this.kind = (byte) (transport.code() | role.ordinal() << ROLE_SHIFT);
    this.ageKnown = ageKnown;
    this.openedAtNanos = nowNanos;
    this.lastIoNanos = nowNanos;
    this.tcp = tcp;
    this.remote = remote;
    this.local = local;
    this.status = ownerStamp << STAMP_SHIFT;
  }

  Transport transport() {
    return Transport.of(kind & ((1 << ROLE_SHIFT) - 1));
  }

  Role role() {
    return ROLES[kind >>> ROLE_SHIFT];
  }

  /** True if the tracker with {@code ownerStamp} made this state. */
  boolean ownedBy(int ownerStamp) {
    return (int) STATUS.getOpaque(this) >>> STAMP_SHIFT == ownerStamp;
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
    return claim(FAILED);
  }

  /** True for the first close of this connection only: a socket may be closed more than once. */
  boolean claimClose() {
    return claim(CLOSED);
  }

  /** True for the first end of stream read on this connection only. */
  boolean claimEndOfStream() {
    return claim(END_OF_STREAM);
  }

  private boolean claim(int bit) {
    return ((int) STATUS.getAndBitwiseOr(this, bit) & bit) == 0;
  }

  boolean failedBefore() {
    return ((int) STATUS.getVolatile(this) & FAILED) != 0;
  }

  boolean lastOpWasWrite() {
    return lastOp == WRITE;
  }

  boolean anyIo() {
    return lastOp != NONE;
  }
}
