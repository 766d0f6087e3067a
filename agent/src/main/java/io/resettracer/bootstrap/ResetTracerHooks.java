package io.resettracer.bootstrap;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The only agent code that JDK classes call. Advice inlined into {@code java.base} invokes these
 * static methods; they forward to the installed {@link HookDispatcher}, or do nothing when none is
 * installed (before start-up completes, after a detach).
 *
 * <p>Every method swallows its own failures: a broken agent must never change what the application
 * sees. What is swallowed is counted so that tests and {@code status} can prove the count is zero.
 */
public final class ResetTracerHooks {

  /** {@code java.net.Socket}, {@code ServerSocket} and everything on them (TLS, HttpURLConnection). */
  public static final int SOCKET = 0;
  /** {@code SocketChannel}, blocking or not, and its adaptor streams. */
  public static final int NIO = 1;
  /** {@code AsynchronousSocketChannel}. */
  public static final int ASYNC = 2;
  /** Netty's native epoll transport: its {@code io.netty.channel.unix.Socket}, relocated or not. */
  public static final int NETTY_EPOLL = 3;
  /** Netty 4.2's io_uring transport: its channel ({@code io.netty.channel.uring}), relocated or not. */
  public static final int NETTY_IO_URING = 4;
  /** Netty's native kqueue transport (BSD, macOS): the same {@code unix.Socket} as epoll. */
  public static final int NETTY_KQUEUE = 5;

  private static volatile HookDispatcher dispatcher;
  private static final AtomicLong swallowed = new AtomicLong();
  private static volatile Throwable firstSwallowed;

  private ResetTracerHooks() {}

  /** Installs the dispatcher; {@code null} turns every hook into a no-op. */
  public static void install(HookDispatcher newDispatcher) {
    dispatcher = newDispatcher;
  }

  public static HookDispatcher installed() {
    return dispatcher;
  }

  public static long swallowedCount() {
    return swallowed.get();
  }

  public static Throwable firstSwallowed() {
    return firstSwallowed;
  }

  public static void opened(
      Object connection, Object state, int transport, boolean server, Object channel, Object remote) {
    HookDispatcher d = dispatcher;
    if (d != null && connection != null) {
      try {
        d.opened(connection, state, transport, server, channel, remote);
      } catch (Throwable t) {
        swallow(t);
      }
    }
  }

  public static void connectFailed(Object connection, int transport, Object remote, Throwable failure) {
    HookDispatcher d = dispatcher;
    if (d != null && connection != null) {
      try {
        d.connectFailed(connection, transport, remote, failure);
      } catch (Throwable t) {
        swallow(t);
      }
    }
  }

  public static void read(
      Object connection, Object state, int transport, long result, Throwable failure) {
    HookDispatcher d = dispatcher;
    if (d != null && connection != null) {
      try {
        d.read(connection, state, transport, result, failure);
      } catch (Throwable t) {
        swallow(t);
      }
    }
  }

  public static void written(
      Object connection, Object state, int transport, long result, Throwable failure) {
    HookDispatcher d = dispatcher;
    if (d != null && connection != null) {
      try {
        d.written(connection, state, transport, result, failure);
      } catch (Throwable t) {
        swallow(t);
      }
    }
  }

  public static void closed(Object connection, Object state) {
    HookDispatcher d = dispatcher;
    if (d != null && connection != null) {
      try {
        d.closed(connection, state);
      } catch (Throwable t) {
        swallow(t);
      }
    }
  }

  public static void tlsEngineHandshaking(int peerPort) {
    HookDispatcher d = dispatcher;
    if (d != null && peerPort > 0) {
      try {
        d.tlsEngineHandshaking(peerPort);
      } catch (Throwable t) {
        swallow(t);
      }
    }
  }

  /** Records a failure inside the agent; callable by the agent for its own contained errors. */
  public static void swallow(Throwable t) {
    if (swallowed.getAndIncrement() == 0) {
      firstSwallowed = t;
    }
  }
}
