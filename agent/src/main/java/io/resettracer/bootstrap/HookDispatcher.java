package io.resettracer.bootstrap;

/**
 * The seam between JDK code and the agent. Instrumented JDK methods call {@link ResetTracerHooks},
 * which lives in the boot class loader; the agent, loaded elsewhere, installs one implementation of
 * this interface there. Only JDK types cross it, so the boot loader never needs to see agent classes.
 *
 * <p>{@code connection} is the object that identifies one TCP connection for its whole life: the
 * {@code NioSocketImpl} of a {@code java.net.Socket}, the {@code SocketChannelImpl} of a channel, or
 * the {@code FileDescriptor} of an asynchronous channel. {@code state} is what the connection's
 * {@link StateField} holds, passed by the advice of the classes that have one (null elsewhere, and
 * until the agent has put a state there).
 */
public interface HookDispatcher {

  /**
   * A connection was established by a connect (client) or an accept (server). {@code channel} is
   * the object its endpoints are read from; {@code remote} is the address a {@code Socket}'s connect
   * was given (null elsewhere: a channel's endpoints are read from the channel as it opens).
   */
  void opened(
      Object connection, Object state, int transport, boolean server, Object channel, Object remote);

  /** A connect failed; {@code remote} is the address it was aimed at, if known. */
  void connectFailed(Object connection, int transport, Object remote, Throwable failure);

  /** A read returned {@code result} bytes (-1 at end of stream), or failed with {@code failure}. */
  void read(Object connection, Object state, int transport, long result, Throwable failure);

  /** A write moved {@code result} bytes, or failed with {@code failure}. */
  void written(Object connection, Object state, int transport, long result, Throwable failure);

  /** The application closed the connection: its state can go now rather than at the next GC. */
  void closed(Object connection, Object state);

  /**
   * An {@code SSLEngine} produced handshake data for a peer at {@code peerPort} (the port it was
   * created for): the engine knows no socket, so a brand-new connection to that port that fails
   * meanwhile is taken to have failed in its handshake.
   */
  void tlsEngineHandshaking(int peerPort);
}
