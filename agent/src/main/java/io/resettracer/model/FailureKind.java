package io.resettracer.model;

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
    String m = message.toLowerCase(Locale.ROOT);
    if (m.contains("connection reset")) {
      return RESET;
    }
    if (m.contains("broken pipe")) {
      return BROKEN_PIPE;
    }
    // Netty's native transports prefix the call: "recvAddress(..) failed: Connection timed out".
    if (m.equals("connection timed out") || m.startsWith("connection timed out (")
        || m.endsWith("failed: connection timed out")) {
      return TIMED_OUT;
    }
    if (m.contains("no route to host") || m.contains("network is unreachable")) {
      return UNREACHABLE;
    }
    return null;
  }
}
