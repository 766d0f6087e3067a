package io.resettracer.track;

import io.resettracer.bootstrap.ResetTracerHooks;

/** The JDK socket path a connection uses, as named in the event's {@code transport} field. */
public enum Transport {
  SOCKET("socket"),
  NIO("nio"),
  ASYNC("async"),
  NETTY_EPOLL("netty-epoll");

  private final String label;

  Transport(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  static Transport of(int hookTransport) {
    switch (hookTransport) {
      case ResetTracerHooks.SOCKET:
        return SOCKET;
      case ResetTracerHooks.NIO:
        return NIO;
      case ResetTracerHooks.NETTY_EPOLL:
        return NETTY_EPOLL;
      default:
        return ASYNC;
    }
  }
}
