package io.resettracer.model;

/**
 * Where in a connection's life the failure came, as named in the event's {@code stage} field: a
 * request cut while it was being written and one whose reply never came are different stories.
 */
public enum Stage {
  /** Opening the connection. */
  CONNECT("connect"),
  /**
   * The TLS handshake, before any application data: seen in the failing call's stack (a TLS
   * socket), or, for TLS over a channel, from an engine handshaking with the peer's port meanwhile.
   */
  TLS_HANDSHAKE("tls-handshake"),
  /** Writing a request (a server: reading one). */
  REQUEST("request"),
  /** Waiting for or reading the reply to a request written whole (a server: writing its reply). */
  RESPONSE("response"),
  /** Between exchanges: nothing was outstanding when the connection failed. */
  IDLE("idle");

  private final String label;

  Stage(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** The stage of a failure, from its facts and the failing call's stack (innermost first). */
  public static Stage of(ResetFacts f, StackTraceElement[] stack) {
    return of(f, stack, false);
  }

  /**
   * @param tlsEngineHandshake a TLS engine was handshaking with the peer's port while the
   *     connection, not yet answered, lived (TLS over a channel: the JDK HttpClient, an SSLEngine)
   */
  public static Stage of(ResetFacts f, StackTraceElement[] stack, boolean tlsEngineHandshake) {
    if (f.operation() == Operation.CONNECT) {
      return CONNECT;
    }
    if (inTlsHandshake(stack) || (tlsEngineHandshake && f.role() == Role.CLIENT)) {
      return TLS_HANDSHAKE;
    }
    if (f.role() == Role.SERVER) {
      if (f.operation() == Operation.WRITE) {
        return RESPONSE;
      }
      return f.exchanges() > 0 && f.bytesRead() > 0 && f.writtenSinceRead() == 0
          && f.idleNanos() > 0 ? IDLE : REQUEST;
    }
    if (f.operation() == Operation.WRITE) {
      return REQUEST;
    }
    return f.writtenSinceRead() > 0 ? RESPONSE : IDLE;
  }

  /**
   * The JDK's TLS implementation drives the handshake from {@code startHandshake} (also when the
   * first read or write triggers it) and {@code TransportContext.kickstart}.
   */
  static boolean inTlsHandshake(StackTraceElement[] stack) {
    if (stack == null) {
      return false;
    }
    for (StackTraceElement e : stack) {
      String c = e.getClassName();
      if (c.startsWith("sun.security.ssl.")) {
        String m = e.getMethodName();
        if (m.equals("startHandshake") || m.equals("kickstart")
            || m.equals("readHandshakeRecord") || c.contains("Handshake")) {
          return true;
        }
      } else if (!c.startsWith("java.") && !c.startsWith("sun.") && !c.startsWith("jdk.")) {
        return false; // past the JDK's frames: the application's call, not the handshake's
      }
    }
    return false;
  }
}
