package io.resettracer.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The field the agent adds to a JDK socket class when the JVM defines it, holding the connection's
 * state, so that the I/O path finds that state on the connection object itself. The advice reads
 * the field (the connection object is in a register and its lines in cache: the JDK method has just
 * used them); the agent writes it once per connection, here, off the I/O path.
 *
 * <p>A class loaded before the agent has no such field; its connections are looked up by identity in
 * the agent's table instead. Lives in the boot loader because the agent opens {@code sun.nio.ch} to
 * the boot loader's unnamed module only.
 */
public final class StateField {

  /** The field's name; its type is {@code Object}. */
  public static final String NAME = "resetTracer$state";

  private StateField() {}

  /** True when connections of this transport carry the field. */
  public static boolean carried(Object connection, int transport) {
    return handle(connection, transport) != null;
  }

  /**
   * Puts {@code state} into the connection's field unless another thread put one there first.
   * Returns the state the field now holds, or null when the connection has no such field.
   */
  public static Object claim(Object connection, int transport, Object state) {
    VarHandle field = handle(connection, transport);
    if (field == null) {
      return null;
    }
    Object witness = field.compareAndExchange(connection, null, state);
    return witness == null ? state : witness;
  }

  /**
   * The field's handle, or null. Each class's handle is a constant of a holder class initialised on
   * its first use, which comes after the class loaded: a constant handle compiles to a plain
   * compare-and-swap (a looked-up one cost a few hundred nanoseconds per connection under churn).
   */
  private static VarHandle handle(Object connection, int transport) {
    if (transport == ResetTracerHooks.SOCKET) {
      return OfSocketImpl.TYPE != null && OfSocketImpl.TYPE.isInstance(connection)
          ? OfSocketImpl.FIELD
          : null;
    }
    if (transport == ResetTracerHooks.NIO) {
      return OfSocketChannel.TYPE != null && OfSocketChannel.TYPE.isInstance(connection)
          ? OfSocketChannel.FIELD
          : null;
    }
    return null;
  }

  /** {@code java.net.Socket}'s implementation. */
  private static final class OfSocketImpl {
    static final Class<?> TYPE = bootClass("sun.nio.ch.NioSocketImpl");
    static final VarHandle FIELD = fieldOf(TYPE);
  }

  /** {@code SocketChannel}'s implementation. */
  private static final class OfSocketChannel {
    static final Class<?> TYPE = bootClass("sun.nio.ch.SocketChannelImpl");
    static final VarHandle FIELD = fieldOf(TYPE);
  }

  private static Class<?> bootClass(String name) {
    try {
      return Class.forName(name, false, null);
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }

  /** Null when the class loaded before the agent, without the field. */
  private static VarHandle fieldOf(Class<?> type) {
    if (type == null) {
      return null;
    }
    try {
      type.getDeclaredField(NAME);
      return MethodHandles.privateLookupIn(type, MethodHandles.lookup())
          .findVarHandle(type, NAME, Object.class);
    } catch (ReflectiveOperationException | RuntimeException absent) {
      return null;
    }
  }
}
