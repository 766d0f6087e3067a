package io.resettracer.track;

import io.resettracer.bootstrap.StateField;

/**
 * The tracker's way to a connection's own {@link StateField}: the JDK's socket classes' field in the
 * agent, a stand-in class's in the tracker's unit tests. Used when a connection opens or is first
 * seen, never on the I/O path (there the advice passes what the field holds).
 */
class StateFieldAccess {

  /** True when the connection has the field, so its state never goes into the table. */
  boolean carried(Object connection, int transport) {
    return StateField.carried(connection, transport);
  }

  /** The state the connection's field holds after offering {@code state}; null without a field. */
  Object claim(Object connection, int transport, Object state) {
    return StateField.claim(connection, transport, state);
  }
}
