package io.resettracer.model;

/** The socket operation that failed, as named in the event's {@code operation} field. */
public enum Operation {
  READ("read"),
  WRITE("write"),
  CONNECT("connect");

  private final String label;

  Operation(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
