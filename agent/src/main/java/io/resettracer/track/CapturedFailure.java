package io.resettracer.track;

import io.resettracer.model.FailureKind;
import io.resettracer.model.Operation;
import io.resettracer.model.ResetFacts;
import io.resettracer.model.Role;
import io.resettracer.model.SpanIds;
import io.resettracer.model.Transport;
import java.net.InetSocketAddress;

/**
 * What the failing thread alone knows about a reset, taken in the failing call and handed off: the
 * connection's figures at that instant, its endpoints (the socket may be closed a moment later), the
 * exception object itself (for its class, message and stack, read later) and the thread. Nothing
 * here is formatted, looked up or judged: that is the agent's thread's work.
 */
public final class CapturedFailure {

  final InetSocketAddress remote;
  final InetSocketAddress local;
  final Role role;
  final Transport transport;
  final Operation operation;
  final FailureKind kind;
  /** The exception the application received, or null for a premature close. */
  final Throwable failure;
  /** Holds the failing call's stack: the exception itself where the JDK filled it in. */
  final Throwable stackHolder;
  final Thread thread;
  final boolean ageKnown;
  final long ageNanos;
  final long idleNanos;
  final long bytesRead;
  final long bytesWritten;
  final long writtenSinceRead;
  final long exchanges;
  final long atNanos;
  final long epochMillis;
  /** The application's span active on the failing thread, or null (none, or not asked for). */
  final SpanIds span;
  /** An {@code SSLEngine} for the peer's port was handshaking during the connection's life. */
  final boolean tlsEngineHandshake;

  CapturedFailure(
      ConnectionState s, InetSocketAddress remote, InetSocketAddress local, Operation op,
      FailureKind kind, Throwable failure, long atNanos, boolean tlsEngineHandshake) {
    this.remote = remote;
    this.local = local;
    this.role = s.role();
    this.transport = s.transport();
    this.operation = op;
    this.kind = kind;
    this.failure = failure;
    // A premature close has no exception, and a library may throw an exception it made once and
    // keeps (Netty's native errors): a marker then takes the failing call's stack, its one cost.
    this.stackHolder =
        failure != null && transport.exceptionsCarryTheirStack() ? failure : new CallStack();
    this.thread = Thread.currentThread();
    this.ageKnown = s.ageKnown;
    this.ageNanos = atNanos - s.openedAtNanos;
    this.idleNanos = s.idleNanosAt(op, atNanos);
    this.bytesRead = s.bytesRead;
    this.bytesWritten = s.bytesWritten;
    this.writtenSinceRead = s.writtenSinceRead;
    this.exchanges = s.exchanges;
    this.atNanos = atNanos;
    this.epochMillis = System.currentTimeMillis();
    // Only here, on the failing thread: the span is the thread's, and gone a moment later.
    this.span = SpanCapture.current();
    this.tlsEngineHandshake = tlsEngineHandshake;
  }

  /**
   * Whether a TLS engine (which knows no socket) was handshaking with the peer's port while this
   * connection, not yet answered, lived: its failure then came in the handshake.
   */
  public boolean inTlsEngineHandshake() {
    return tlsEngineHandshake;
  }

  /** The application's span active on the failing thread when it failed, or null. */
  public SpanIds span() {
    return span;
  }

  /** When it failed, on {@link System#nanoTime()}'s clock. */
  public long atNanos() {
    return atNanos;
  }

  /** The peer's socket address, or null when unknown. */
  public InetSocketAddress remote() {
    return remote;
  }

  /** The thread whose call failed. */
  public Thread thread() {
    return thread;
  }

  /**
   * The stack of the failing call, innermost first: the exception's own (the JDK filled it in where
   * it threw, beneath the agent's advice, so none of the agent's frames is in it).
   */
  public StackTraceElement[] stack() {
    StackTraceElement[] stack = stackHolder.getStackTrace();
    if (!(stackHolder instanceof CallStack)) {
      return stack;
    }
    // The marker was made inside the agent's hooks: their frames go, the failing call's stay.
    int first = 0;
    while (first < stack.length && isAgentFrame(stack[first].getClassName())) {
      first++;
    }
    return java.util.Arrays.copyOfRange(stack, first, stack.length);
  }

  private static boolean isAgentFrame(String className) {
    return className.startsWith("io.resettracer.track.")
        || className.startsWith("io.resettracer.bootstrap.");
  }

  /** The facts as plain data, for the classifier and the outputs; built off the failing thread. */
  public ResetFacts facts() {
    return new ResetFacts(
        hostAddress(remote), port(remote), hostAddress(local), port(local),
        role, transport, operation, kind,
        failure == null ? "" : visibleClassName(transport, failure),
        failure == null ? "read returned end of stream" : String.valueOf(failure.getMessage()),
        ageKnown, ageNanos, idleNanos, bytesRead, bytesWritten, writtenSinceRead, exchanges,
        epochMillis);
  }

  /**
   * The exception class the application receives. The asynchronous channel sees the JDK's internal
   * {@code ConnectionResetException} and hands the application a plain {@code IOException} with the
   * same message instead.
   */
  private static String visibleClassName(Transport transport, Throwable failure) {
    String name = failure.getClass().getName();
    if (transport == Transport.ASYNC && "sun.net.ConnectionResetException".equals(name)) {
      return "java.io.IOException";
    }
    return name;
  }

  private static String hostAddress(InetSocketAddress a) {
    if (a == null) {
      return "";
    }
    // getHostAddress never resolves a name: no reverse DNS on the failure path.
    return a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
  }

  private static int port(InetSocketAddress a) {
    return a == null ? 0 : a.getPort();
  }

  /** Carries the stack of the failing call where its exception cannot; never thrown. */
  private static final class CallStack extends Throwable {
    CallStack() {
      super("the failing call", null, false, true);
    }
  }
}
