package io.resettracer.instrument;

import java.util.List;

/**
 * The JDK classes reset-tracer instruments, by name only. Kept apart from the Byte Buddy bindings so
 * that the class-load filter, which sees every class the JVM loads, never loads Byte Buddy.
 */
public final class InstrumentedTypes {

  /** Binary names, in the order they are retransformed after an attach. */
  public static final List<String> NAMES =
      List.of(
          NioSocketImplInstrumentation.TYPE,
          SocketChannelImplInstrumentation.TYPE,
          ServerSocketChannelImplInstrumentation.TYPE,
          AsyncSocketChannelInstrumentation.TYPE,
          AsyncSocketChannelInstrumentation.SERVER_TYPE,
          IoUtilInstrumentation.TYPE);

  /** Classes of libraries, loaded by any class loader, or not at all. */
  public static final List<String> LIBRARY_NAMES =
      List.of(
          NettyEpollInstrumentation.FILE_DESCRIPTOR,
          NettyEpollInstrumentation.SOCKET,
          NettyEpollInstrumentation.CHILD_CHANNEL);

  private InstrumentedTypes() {}

  /** A library class: woven in whatever class loader defines it. */
  static boolean isLibraryTarget(String internalName) {
    switch (internalName) {
      case "io/netty/channel/unix/FileDescriptor":
      case "io/netty/channel/unix/Socket":
      case "io/netty/channel/epoll/EpollSocketChannel":
        return true;
      default:
        return false;
    }
  }

  /** The JDK classes that get a {@link io.resettracer.bootstrap.StateField} when they load. */
  static boolean hasStateField(String internalName) {
    return "sun/nio/ch/NioSocketImpl".equals(internalName)
        || "sun/nio/ch/SocketChannelImpl".equals(internalName);
  }

  /** {@code internalName} uses slashes, as class-file transformers receive it. */
  static boolean isTarget(String internalName) {
    switch (internalName) {
      case "sun/nio/ch/NioSocketImpl":
      case "sun/nio/ch/SocketChannelImpl":
      case "sun/nio/ch/ServerSocketChannelImpl":
      case "sun/nio/ch/UnixAsynchronousSocketChannelImpl":
      case "sun/nio/ch/UnixAsynchronousServerSocketChannelImpl":
      case "sun/nio/ch/IOUtil":
        return true;
      default:
        return false;
    }
  }
}
