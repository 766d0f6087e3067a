package io.resettracer.model;

/** Which side of the connection this JVM is. */
public enum Role {
  CLIENT("client"),
  SERVER("server"),
  /** The connection was first seen mid-life (after an attach), so who opened it is unknown. */
  UNKNOWN("unknown");

  private final String label;

  Role(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
