package io.resettracer.model;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Locale;

/**
 * The reset family: the failures that mean the connection was aborted under the application.
 * Everything else (timeouts, "Socket closed" after the application's own close) is not a reset.
 */
public enum FailureKind {
  /** "Connection reset", "Connection reset by peer": an RST arrived. */
  RESET("reset"),
  /** "Broken pipe": a write after the connection was aborted or the peer's FIN and RST. */
  BROKEN_PIPE("broken-pipe"),
  /** "Connection timed out" on an established connection: retransmissions gave up. */
  TIMED_OUT("timed-out"),
  /** "No route to host", "Network is unreachable": the path disappeared. */
  UNREACHABLE("unreachable"),
  /**
   * No exception at all: a read returned end of stream right after a request was written on a
   * connection that had already carried exchanges. The peer closed (FIN) a connection the
   * application was reusing: the stale keep-alive, a reset in all but name.
   */
  PREMATURE_EOF("premature-eof");

  private final String label;

  FailureKind(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** Returns the kind of {@code failure}, or null when it is not in the reset family. */
  public static FailureKind of(Throwable failure) {
    if (failure == null) {
      return null;
    }
    // Netty's native transports say which errno failed: their message text changed in 4.1.128 and
    // 4.2.7 ("recvAddress(..) failed with error(-104): ..."), the number did not.
    int errno = NettyErrno.of(failure);
    if (errno != 0) {
      return ofErrno(errno);
    }
    // The JDK's own latch type for a read that met ECONNRESET or EPIPE.
    if ("sun.net.ConnectionResetException".equals(failure.getClass().getName())) {
      return RESET;
    }
    if (failure instanceof java.net.SocketTimeoutException) {
      return null; // SO_TIMEOUT expired: the application's own deadline, not an abort.
    }
    String message = failure.getMessage();
    if (message == null) {
      return null;
    }
    // Compared in place, ignoring case: this runs on the failing call, which makes no new string.
    String m = message;
    if (contains(m, "connection reset")) {
      return RESET;
    }
    if (contains(m, "broken pipe")) {
      return BROKEN_PIPE;
    }
    // Netty's native transports prefix the call: "recvAddress(..) failed: Connection timed out".
    if (m.equalsIgnoreCase("connection timed out") || at(m, 0, "connection timed out (")
        || endsWith(m, "failed: connection timed out")) {
      return TIMED_OUT;
    }
    if (contains(m, "no route to host") || contains(m, "network is unreachable")) {
      return UNREACHABLE;
    }
    return null;
  }

  /** Whether {@code text} holds {@code lower} (lower case, ASCII) anywhere, in any case. */
  private static boolean contains(String text, String lower) {
    for (int i = 0; i + lower.length() <= text.length(); i++) {
      if (at(text, i, lower)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a failed connect was refused (the JDK's HttpClient reports one as a
   * {@code ConnectException} without a message). Called on the failing call, like {@link #of}.
   */
  public static boolean isRefusal(Throwable failure) {
    String m = failure.getMessage();
    return m == null || contains(m, "refused");
  }

  /** Whether {@code text} ends with {@code lower}, in any case. */
  private static boolean endsWith(String text, String lower) {
    return at(text, text.length() - lower.length(), lower);
  }

  /** Whether {@code text} holds {@code lower} at {@code offset}, in any case. */
  private static boolean at(String text, int offset, String lower) {
    return offset >= 0 && text.regionMatches(true, offset, lower, 0, lower.length());
  }

  // Linux's numbers (asm-generic/errno.h): Netty's native transports run on Linux but for kqueue,
  // whose numbers differ and whose failures are therefore judged by their text.
  static final int ECONNRESET = 104;
  static final int EPIPE = 32;
  static final int ETIMEDOUT = 110;
  static final int EHOSTUNREACH = 113;
  static final int ENETUNREACH = 101;

  /** The kind of a failed system call's errno (positive), or null outside the reset family. */
  static FailureKind ofErrno(int errno) {
    switch (errno) {
      case ECONNRESET:
        return RESET;
      case EPIPE:
        return BROKEN_PIPE;
      case ETIMEDOUT:
        return TIMED_OUT;
      case EHOSTUNREACH:
      case ENETUNREACH:
        return UNREACHABLE;
      default:
        return null;
    }
  }

  /**
   * The errno in Netty's {@code Errors$NativeIoException}, under whatever package Netty was
   * relocated to (gRPC's {@code io.grpc.netty.shaded.io.netty}) and in whatever class loader: its
   * public {@code expectedErr()}, the negated errno. Read through a method handle found once per
   * exception class; only ever on a failure.
   */
  static final class NettyErrno {
    static final String SUFFIX = "netty.channel.unix.Errors$NativeIoException";
    static final boolean LINUX =
        System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");
    private static final MethodType ERRNO = MethodType.methodType(int.class, Throwable.class);

    private static final ClassValue<MethodHandle> EXPECTED_ERR =
        new ClassValue<>() {
          @Override
          protected MethodHandle computeValue(Class<?> type) {
            if (!type.getName().endsWith(SUFFIX)) {
              return null;
            }
            try {
              return MethodHandles.publicLookup()
                  .findVirtual(type, "expectedErr", MethodType.methodType(int.class))
                  .asType(ERRNO);
            } catch (ReflectiveOperationException | RuntimeException e) {
              return null; // a Netty without it: the text decides
            }
          }
        };

    private NettyErrno() {}

    /** The positive errno, or 0 when {@code failure} carries none this can trust. */
    static int of(Throwable failure) {
      if (!LINUX) {
        return 0;
      }
      MethodHandle expectedErr = EXPECTED_ERR.get(failure.getClass());
      if (expectedErr == null) {
        return 0;
      }
      try {
        int negated = (int) expectedErr.invokeExact(failure);
        return negated < 0 ? -negated : 0;
      } catch (Throwable t) {
        return 0;
      }
    }
  }
}
