package io.resettracer.track;

/**
 * When an {@code SSLEngine} last produced handshake data, by the peer port it was made for: a small
 * direct-mapped table, written only during handshakes, read only when a connection fails. Two ports
 * that share a slot take turns; a port overwritten by another's handshake is merely not recognised.
 * Plain fields: a reader that sees a torn pair sees a port that does not match, and answers no.
 */
final class TlsEngineHandshakes {

  private static final int SLOTS = 64;

  private final int[] ports = new int[SLOTS];
  private final long[] atNanos = new long[SLOTS];

  void mark(int port, long nowNanos) {
    int slot = port & (SLOTS - 1);
    atNanos[slot] = nowNanos;
    ports[slot] = port;
  }

  /** Whether an engine for {@code port} was handshaking at some time from {@code fromNanos} on. */
  boolean since(int port, long fromNanos) {
    int slot = port & (SLOTS - 1);
    return ports[slot] == port && atNanos[slot] - fromNanos >= 0;
  }
}
