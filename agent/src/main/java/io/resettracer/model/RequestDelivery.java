package io.resettracer.model;

/**
 * Whether the peer can have received the whole request when the connection failed, as named in the
 * event's {@code requestDelivered} field: what decides whether a retry of a non-idempotent request
 * is safe. From this JVM's side only: "complete" means written whole into the socket, so the peer
 * may have received and processed it; whether it did, the verdict can tell (a connection the peer
 * had already let go never delivered it).
 */
public enum RequestDelivery {
  /** Nothing of a request was outstanding, or it never left: the connect or handshake failed. */
  NONE("none"),
  /** The request was cut while being written: part of it may have left. */
  PARTIAL("partial"),
  /** The request was written whole before the failure: the peer may have processed it. */
  COMPLETE("complete"),
  /** This JVM was the server, or the connection was first seen mid-life. */
  UNKNOWN("unknown");

  private final String label;

  RequestDelivery(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public static RequestDelivery of(ResetFacts f, Stage stage) {
    if (f.role() != Role.CLIENT) {
      return UNKNOWN;
    }
    switch (stage) {
      case CONNECT:
      case TLS_HANDSHAKE:
      case IDLE:
        return NONE;
      case REQUEST:
        return f.writtenSinceRead() > 0 ? PARTIAL : NONE;
      case RESPONSE:
        return COMPLETE;
      default:
        return UNKNOWN;
    }
  }
}
