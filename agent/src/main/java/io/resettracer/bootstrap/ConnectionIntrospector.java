package io.resettracer.bootstrap;

import java.io.FileDescriptor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Reads the endpoints of a connection object from JDK internals. It lives in the boot loader because
 * the agent opens {@code java.net} and {@code sun.nio.ch} to the boot loader's unnamed module only:
 * opening them to the application's class path would change what the host application may do.
 * Called only when a connection fails or is first seen, never on the I/O path.
 */
public final class ConnectionIntrospector {

  private static final String NIO_SOCKET_IMPL = "sun.nio.ch.NioSocketImpl";
  private static final String SOCKET_CHANNEL_IMPL = "sun.nio.ch.SocketChannelImpl";

  private ConnectionIntrospector() {}

  /**
   * Returns {remote, local} as {@link InetSocketAddress}es (either may be null when unknown), or
   * null when the connection is not a TCP/IP socket (a UNIX-domain channel, say).
   */
  public static InetSocketAddress[] endpoints(Object connection) {
    try {
      if (connection instanceof FileDescriptor) {
        return new InetSocketAddress[] {
          netAddress("remoteAddress", (FileDescriptor) connection),
          netAddress("localAddress", (FileDescriptor) connection)
        };
      }
      Class<?> type = connection.getClass();
      if (NIO_SOCKET_IMPL.equals(type.getName())) {
        int localPort = SocketImplFields.LOCAL_PORT.getInt(connection);
        FileDescriptor fd = (FileDescriptor) SocketImplFields.FD.get(connection);
        InetSocketAddress local = fd == null ? null : netAddress("localAddress", fd);
        if (local == null && localPort > 0) {
          local = new InetSocketAddress(localPort);
        }
        return new InetSocketAddress[] {remoteOfSocketImpl(connection), local};
      }
      if (SOCKET_CHANNEL_IMPL.equals(type.getName())) {
        SocketAddress remote = (SocketAddress) ChannelMethods.REMOTE_ADDRESS.invoke(connection);
        SocketAddress local = (SocketAddress) ChannelMethods.LOCAL_ADDRESS.invoke(connection);
        if (remote != null && !(remote instanceof InetSocketAddress)) {
          return null;
        }
        if (remote == null && local != null && !(local instanceof InetSocketAddress)) {
          return null;
        }
        return new InetSocketAddress[] {(InetSocketAddress) remote, (InetSocketAddress) local};
      }
      if (isNettySocket(type)) {
        return nettyEndpoints(connection);
      }
      if (isNettyChannel(type)) {
        return nettyChannelEndpoints(connection);
      }
      if (connection instanceof java.nio.channels.AsynchronousSocketChannel) {
        java.nio.channels.AsynchronousSocketChannel channel =
            (java.nio.channels.AsynchronousSocketChannel) connection;
        return new InetSocketAddress[] {
          (InetSocketAddress) channel.getRemoteAddress(), (InetSocketAddress) channel.getLocalAddress()
        };
      }
      if (connection instanceof java.nio.channels.SocketChannel) {
        SocketAddress remote = ((java.nio.channels.SocketChannel) connection).getRemoteAddress();
        return remote instanceof InetSocketAddress
            ? new InetSocketAddress[] {(InetSocketAddress) remote, null}
            : null;
      }
    } catch (Throwable t) {
      // Closed or half-torn-down objects can refuse; the endpoints are then unknown.
    }
    return new InetSocketAddress[2];
  }

  // Netty's classes by their unrelocated names' suffix: gRPC ships Netty relocated to
  // io.grpc.netty.shaded.io.netty.
  private static final String NETTY_SOCKET = ".netty.channel.unix.Socket";
  private static final String NETTY_CHANNEL = ".netty.channel.AbstractChannel";
  private static final String NETTY_TCP_CHANNEL = ".netty.channel.socket.SocketChannel";

  private static boolean isNettySocket(Class<?> type) {
    return extendsNamed(type, NETTY_SOCKET);
  }

  /** A Netty channel (io_uring's connections are their channels): not on the I/O path. */
  private static boolean isNettyChannel(Class<?> type) {
    return extendsNamed(type, NETTY_CHANNEL);
  }

  private static boolean extendsNamed(Class<?> type, String suffix) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      if (c.getName().endsWith(suffix)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A Netty channel's endpoints, through its public API. TCP only where the channel is a
   * {@code socket.SocketChannel}: io_uring's datagram and UNIX-domain channels share its
   * completion path.
   */
  private static InetSocketAddress[] nettyChannelEndpoints(Object channel) {
    if (!implementsNamed(channel.getClass(), NETTY_TCP_CHANNEL)) {
      return null;
    }
    InetSocketAddress remote = null;
    InetSocketAddress local = null;
    try {
      remote = (InetSocketAddress) channel.getClass().getMethod("remoteAddress").invoke(channel);
      local = (InetSocketAddress) channel.getClass().getMethod("localAddress").invoke(channel);
    } catch (Throwable t) {
      // A closed channel may refuse: its endpoints are unknown.
    }
    return new InetSocketAddress[] {remote, local};
  }

  private static boolean implementsNamed(Class<?> type, String suffix) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      for (Class<?> i : c.getInterfaces()) {
        if (i.getName().endsWith(suffix) || implementsNamed(i, suffix)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Netty's socket, seen only through its public methods (the agent has no Netty on its class
   * path). A TCP option is read once to tell a TCP socket from a UDP one, which refuses it.
   */
  private static InetSocketAddress[] nettyEndpoints(Object socket) {
    try {
      socket.getClass().getMethod("isTcpNoDelay").invoke(socket);
    } catch (Throwable notTcp) {
      return null;
    }
    InetSocketAddress remote = null;
    InetSocketAddress local = null;
    try {
      remote = (InetSocketAddress) socket.getClass().getMethod("remoteAddress").invoke(socket);
      local = (InetSocketAddress) socket.getClass().getMethod("localAddress").invoke(socket);
    } catch (Throwable t) {
      // A half-open or closed socket may refuse: its endpoints are unknown.
    }
    return new InetSocketAddress[] {remote, local};
  }

  /**
   * The peer of a {@code java.net.Socket}'s implementation, from two of its fields: no system call,
   * so it is cheap enough for every connect. Null when unknown.
   */
  public static InetSocketAddress remoteOfSocketImpl(Object impl) {
    try {
      InetAddress address = (InetAddress) SocketImplFields.ADDRESS.get(impl);
      return address == null ? null : new InetSocketAddress(address, SocketImplFields.PORT.getInt(impl));
    } catch (Throwable t) {
      return null;
    }
  }

  private static InetSocketAddress netAddress(String name, FileDescriptor fd) {
    try {
      Method m = name.equals("localAddress") ? NetMethods.LOCAL_ADDRESS : NetMethods.REMOTE_ADDRESS;
      return (InetSocketAddress) m.invoke(null, fd);
    } catch (Throwable t) {
      return null;
    }
  }

  // Client connections are introspected as they open: each reflective look-up is done once, on
  // first use (after the agent has opened the packages to this loader), and kept.

  /** {@code java.net.SocketImpl}'s fields, which {@code NioSocketImpl} inherits. */
  private static final class SocketImplFields {
    static final Field ADDRESS = field(java.net.SocketImpl.class, "address");
    static final Field PORT = field(java.net.SocketImpl.class, "port");
    static final Field LOCAL_PORT = field(java.net.SocketImpl.class, "localport");
    static final Field FD = field(java.net.SocketImpl.class, "fd");
  }

  private static final class NetMethods {
    static final Method LOCAL_ADDRESS = method("sun.nio.ch.Net", "localAddress", FileDescriptor.class);
    static final Method REMOTE_ADDRESS = method("sun.nio.ch.Net", "remoteAddress", FileDescriptor.class);
  }

  private static final class ChannelMethods {
    static final Method REMOTE_ADDRESS = method(SOCKET_CHANNEL_IMPL, "remoteAddress");
    static final Method LOCAL_ADDRESS = method(SOCKET_CHANNEL_IMPL, "localAddress");
  }

  /** The field made accessible, or null if this JDK lacks it (its uses then fail and are caught). */
  private static Field field(Class<?> type, String name) {
    try {
      Field f = type.getDeclaredField(name);
      f.setAccessible(true);
      return f;
    } catch (Throwable t) {
      return null;
    }
  }

  private static Method method(String type, String name, Class<?>... parameters) {
    try {
      Method m = Class.forName(type).getDeclaredMethod(name, parameters);
      m.setAccessible(true);
      return m;
    } catch (Throwable t) {
      return null;
    }
  }
}
