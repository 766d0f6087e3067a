package io.resettracer.instrument;

import java.util.List;

/**
 * The classes reset-tracer instruments, by name only. Kept apart from the Byte Buddy bindings so
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
          IoUtilInstrumentation.TYPE,
          SslEngineImplInstrumentation.TYPE);

  /**
   * Classes of libraries, loaded by any class loader, or not at all, under these names or relocated
   * under any package prefix (gRPC ships Netty as {@code io.grpc.netty.shaded.io.netty}).
   */
  public static final List<String> LIBRARY_NAMES =
      List.of(
          NettyUnixInstrumentation.FILE_DESCRIPTOR,
          NettyUnixInstrumentation.SOCKET,
          NettyUnixInstrumentation.CHILD_CHANNEL,
          NettyUnixInstrumentation.KQUEUE_CHILD_CHANNEL,
          NettyIoUringInstrumentation.CHANNEL,
          NettyIoUringInstrumentation.UNSAFE,
          NettyIoUringInstrumentation.STREAM_UNSAFE,
          NettyIoUringInstrumentation.SOCKET_CHANNEL,
          NettyIoUringInstrumentation.ABSTRACT_UNSAFE);

  /**
   * {@link #LIBRARY_NAMES} with slashes, as class-file transformers receive names. Built with a
   * loop: a stream would load the lambda machinery during the JVM's start-up.
   */
  private static final String[] LIBRARY_INTERNAL_NAMES = internalNames();

  private InstrumentedTypes() {}

  private static String[] internalNames() {
    String[] names = new String[LIBRARY_NAMES.size()];
    for (int i = 0; i < names.length; i++) {
      names[i] = LIBRARY_NAMES.get(i).replace('.', '/');
    }
    return names;
  }

  /**
   * A library class, relocated or not: woven in whatever class loader defines it. Runs for every
   * class every loader defines: a few suffix comparisons, nothing allocated.
   */
  static boolean isLibraryTarget(String internalName) {
    return libraryIndex(internalName, LIBRARY_INTERNAL_NAMES, '/') >= 0;
  }

  /** {@link #isLibraryTarget} for a binary name, as {@link Class#getName()} gives it. */
  public static boolean isLibraryClass(String binaryName) {
    return libraryIndex(binaryName, LIBRARY_NAMES, '.') >= 0;
  }

  /**
   * The unrelocated name of a library class ({@code io.grpc.netty.shaded.io.netty.channel.unix.Socket}
   * is {@code io.netty.channel.unix.Socket}), or null when it is none of them.
   */
  static String canonicalLibraryName(String binaryName) {
    int i = libraryIndex(binaryName, LIBRARY_NAMES, '.');
    return i < 0 ? null : LIBRARY_NAMES.get(i);
  }

  private static int libraryIndex(String name, String[] names, char separator) {
    for (int i = 0; i < names.length; i++) {
      if (isNameOrRelocation(name, names[i], separator)) {
        return i;
      }
    }
    return -1;
  }

  private static int libraryIndex(String name, List<String> names, char separator) {
    for (int i = 0; i < names.size(); i++) {
      if (isNameOrRelocation(name, names.get(i), separator)) {
        return i;
      }
    }
    return -1;
  }

  /** {@code name} is {@code target}, or {@code target} under a package prefix. */
  private static boolean isNameOrRelocation(String name, String target, char separator) {
    int prefix = name.length() - target.length();
    return name.endsWith(target) && (prefix == 0 || name.charAt(prefix - 1) == separator);
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
      case "sun/security/ssl/SSLEngineImpl":
        return true;
      default:
        return false;
    }
  }
}
