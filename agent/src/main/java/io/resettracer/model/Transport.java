package io.resettracer.model;

import io.resettracer.bootstrap.ResetTracerHooks;

/**
 * The socket path a connection uses: the one table of a transport's identity, from the code the
 * advice passes to the hooks to the label the event and every output carry. A hook code with no row
 * here is a programming error, and {@link #of} says so instead of falling to a default.
 */
public enum Transport {
  SOCKET(ResetTracerHooks.SOCKET, "socket", "java.net.Socket (NioSocketImpl)", true, false),
  // A channel may be blocking or behind a selector: its reads say nothing of the application's.
  NIO(ResetTracerHooks.NIO, "nio", "java.nio SocketChannel", true, false),
  ASYNC(ResetTracerHooks.ASYNC, "async", "AsynchronousSocketChannel", true, true),
  // Netty keeps some native errors made once, without a stack, and throws them again.
  NETTY_EPOLL(
      ResetTracerHooks.NETTY_EPOLL, "netty-epoll", "Netty's native epoll transport", false, true),
  NETTY_IO_URING(ResetTracerHooks.NETTY_IO_URING, "netty-io_uring", "Netty's io_uring transport",
      false, true),
  /**
   * Netty's kqueue transport reads and writes through the same {@code unix.FileDescriptor} as epoll;
   * its connections are told apart where they open. One first seen mid-life (opened before an
   * attach) carries the epoll label: the read path cannot afford to ask which it is.
   */
  NETTY_KQUEUE(
      ResetTracerHooks.NETTY_KQUEUE, "netty-kqueue", "Netty's native kqueue transport", false,
      true);

  private static final Transport[] BY_CODE = new Transport[values().length];

  static {
    for (Transport t : values()) {
      if (t.code < 0 || t.code >= BY_CODE.length || BY_CODE[t.code] != null) {
        throw new ExceptionInInitializerError("transport codes must be 0.." + (BY_CODE.length - 1)
            + ", each once: " + t);
      }
      BY_CODE[t.code] = t;
    }
  }

  private final int code;
  private final String label;
  private final String description;
  private final boolean exceptionsCarryTheirStack;
  private final boolean readsWhileIdle;

  Transport(int code, String label, String description, boolean exceptionsCarryTheirStack,
      boolean readsWhileIdle) {
    this.code = code;
    this.label = label;
    this.description = description;
    this.exceptionsCarryTheirStack = exceptionsCarryTheirStack;
    this.readsWhileIdle = readsWhileIdle;
  }

  /**
   * True when an event loop keeps a read outstanding on every connection, idle ones too: an RST
   * that lands while a connection rests fails a read at once, with nothing written since the last
   * one. On a blocking socket such a read is the application reading more of a reply.
   */
  public boolean readsWhileIdle() {
    return readsWhileIdle;
  }

  /**
   * True when the exception a failing call throws was made by that call, its stack filled in where
   * it failed; false when the path may throw an exception made earlier.
   */
  public boolean exceptionsCarryTheirStack() {
    return exceptionsCarryTheirStack;
  }

  /** The name in events and outputs: socket, nio, async, netty-epoll, netty-io_uring, netty-kqueue. */
  public String label() {
    return label;
  }

  /** What the label stands for, for event metadata and documentation. */
  public String description() {
    return description;
  }

  /** The code the advice passes to {@link ResetTracerHooks}. */
  public int code() {
    return code;
  }

  /** The transport of a hook code; throws for a code without a row in this table. */
  public static Transport of(int hookCode) {
    if (hookCode < 0 || hookCode >= BY_CODE.length) {
      throw new IllegalArgumentException("no transport has hook code " + hookCode);
    }
    return BY_CODE[hookCode];
  }
}
