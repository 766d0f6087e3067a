package io.resettracer.bootstrap;

import java.io.FileDescriptor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;

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
        Class<?> socketImpl = type.getSuperclass();
        InetAddress address = (InetAddress) field(socketImpl, "address").get(connection);
        int port = field(socketImpl, "port").getInt(connection);
        int localPort = field(socketImpl, "localport").getInt(connection);
        FileDescriptor fd = (FileDescriptor) field(socketImpl, "fd").get(connection);
        InetSocketAddress local = fd == null ? null : netAddress("localAddress", fd);
        if (local == null && localPort > 0) {
          local = new InetSocketAddress(localPort);
        }
        return new InetSocketAddress[] {
          address == null ? null : new InetSocketAddress(address, port), local
        };
      }
      if (SOCKET_CHANNEL_IMPL.equals(type.getName())) {
        SocketAddress remote = (SocketAddress) method(type, "remoteAddress").invoke(connection);
        SocketAddress local = (SocketAddress) method(type, "localAddress").invoke(connection);
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

  private static final String NETTY_SOCKET = "io.netty.channel.unix.Socket";

  private static boolean isNettySocket(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      if (NETTY_SOCKET.equals(c.getName())) {
        return true;
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

  private static InetSocketAddress netAddress(String name, FileDescriptor fd) {
    try {
      Method m = method(Class.forName("sun.nio.ch.Net"), name, FileDescriptor.class);
      return (InetSocketAddress) m.invoke(null, fd);
    } catch (Throwable t) {
      return null;
    }
  }

  // Client connections are introspected as they open: the reflective look-ups are done once and
  // kept, so a connect pays a few field reads, not a search through the class's members.
  private static final ConcurrentHashMap<String, Field> FIELDS = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<String, Method> METHODS = new ConcurrentHashMap<>();

  private static Field field(Class<?> type, String name) throws NoSuchFieldException {
    String key = type.getName() + "#" + name;
    Field f = FIELDS.get(key);
    if (f == null) {
      f = type.getDeclaredField(name);
      f.setAccessible(true);
      FIELDS.put(key, f);
    }
    return f;
  }

  private static Method method(Class<?> type, String name, Class<?>... parameters)
      throws NoSuchMethodException {
    String key = type.getName() + "#" + name + parameters.length;
    Method m = METHODS.get(key);
    if (m == null) {
      m = type.getDeclaredMethod(name, parameters);
      m.setAccessible(true);
      METHODS.put(key, m);
    }
    return m;
  }
}
