package io.resettracer.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resettracer.bootstrap.ResetTracerHooks;
import io.resettracer.model.FailureKind;
import io.resettracer.model.Operation;
import io.resettracer.model.ResetFacts;
import io.resettracer.model.ResetHistory;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tracker's decisions on a connection object it cannot introspect (a plain object): what is a
 * reset, what is an echo, when end of stream is a premature close and when it is a clean one.
 */
class ConnectionTrackerTest {

  private final List<ResetFacts> resets = new ArrayList<>();
  private final List<ResetHistory> histories = new ArrayList<>();
  private final PeerRegistry peers = new PeerRegistry(16);
  private final ConnectionTracker tracker =
      new ConnectionTracker(100, peers, captured -> {
        // What the pipeline does with a capture, on the test's thread.
        ResetFacts f = captured.facts();
        peers.recordReset(f, captured.remote(), captured.atNanos());
        resets.add(f);
        histories.add(peers.historyAround(f, captured.remote(), captured.atNanos()));
      }, new StandInFields());
  private final Object connection = new Object();

  /** Stands for a JDK socket class defined under the agent, with the field the agent adds. */
  static final class ConnectionWithStateField {
    volatile Object resetTracer$state;
  }

  /** The stand-in's field, reached as the agent reaches the JDK classes' one. */
  static final class StandInFields extends StateFieldAccess {
    private static final VarHandle FIELD;

    static {
      try {
        FIELD = MethodHandles.lookup()
            .findVarHandle(ConnectionWithStateField.class, "resetTracer$state", Object.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    @Override
    boolean carried(Object connection, int transport) {
      return connection instanceof ConnectionWithStateField;
    }

    @Override
    Object claim(Object connection, int transport, Object state) {
      if (!carried(connection, transport)) {
        return null;
      }
      Object witness = FIELD.compareAndExchange(connection, null, state);
      return witness == null ? state : witness;
    }
  }

  private void exchange() {
    tracker.written(connection, null, ResetTracerHooks.NIO, 20, null);
    tracker.read(connection, null, ResetTracerHooks.NIO, 10, null);
  }

  @Test
  void endOfStreamRightAfterARequestOnAReusedConnectionIsAPrematureClose() {
    tracker.opened(connection, null, ResetTracerHooks.NIO, false, connection, null);
    exchange();
    tracker.written(connection, null, ResetTracerHooks.NIO, 20, null);
    tracker.read(connection, null, ResetTracerHooks.NIO, -1, null);
    tracker.written(connection, null, ResetTracerHooks.NIO, -1, new SocketException("Broken pipe"));
    assertEquals(1, resets.size(), "one event; the broken pipe after it is an echo");
    ResetFacts f = resets.get(0);
    assertEquals(FailureKind.PREMATURE_EOF, f.kind());
    assertEquals(Operation.READ, f.operation());
    assertEquals("", f.exceptionClass());
    assertEquals(20, f.writtenSinceRead());
    assertEquals(1, f.exchanges());
    assertEquals(1, tracker.echoes());
  }

  @Test
  void endOfStreamLongAfterTheLastWriteIsNoPrematureClose() throws InterruptedException {
    // The shape a client that reads on one thread and writes on another can leave: the reply was
    // read before the request's write was recorded, and the keep-alive close comes much later.
    tracker.opened(connection, null, ResetTracerHooks.NIO, false, connection, null);
    exchange();
    tracker.written(connection, null, ResetTracerHooks.NIO, 20, null);
    Thread.sleep(ConnectionTracker.STALE_CLOSE_WINDOW_NANOS / 1_000_000 + 200);
    tracker.read(connection, null, ResetTracerHooks.NIO, -1, null);
    assertTrue(resets.isEmpty());
  }

  @Test
  void endOfStreamAfterAResponseIsAcleanClose() {
    tracker.opened(connection, null, ResetTracerHooks.NIO, false, connection, null);
    exchange();
    tracker.read(connection, null, ResetTracerHooks.NIO, -1, null);
    assertTrue(resets.isEmpty());
  }

  @Test
  void endOfStreamOnABrandNewSocketsFirstRequestIsAPrematureClose() {
    // A server at capacity that accepts and closes: the request is written, no reply ever comes.
    tracker.opened(connection, null, ResetTracerHooks.SOCKET, false, connection, null);
    tracker.written(connection, null, ResetTracerHooks.SOCKET, 20, null);
    tracker.read(connection, null, ResetTracerHooks.SOCKET, -1, null);
    assertEquals(1, resets.size());
    assertEquals(FailureKind.PREMATURE_EOF, resets.get(0).kind());
    assertEquals(0, resets.get(0).exchanges());
  }

  @Test
  void endOfStreamOnABrandNewChannelsFirstWriteIsAnOrderlyClose() {
    // A channel's client may send one way and take the peer's close as its answer.
    tracker.opened(connection, null, ResetTracerHooks.ASYNC, false, connection, null);
    tracker.written(connection, null, ResetTracerHooks.ASYNC, 1000, null);
    tracker.read(connection, null, ResetTracerHooks.ASYNC, -1, null);
    assertTrue(resets.isEmpty());
  }

  @Test
  void endOfStreamAfterAGreetingAndARequestIsNotJudged() {
    // Bytes read before the first request (a server's greeting, or a reply whose write the other
    // thread recorded late): neither a stale keep-alive nor a connection that never got going.
    tracker.opened(connection, null, ResetTracerHooks.NIO, false, connection, null);
    tracker.read(connection, null, ResetTracerHooks.NIO, 12, null);
    tracker.written(connection, null, ResetTracerHooks.NIO, 20, null);
    tracker.read(connection, null, ResetTracerHooks.NIO, -1, null);
    assertTrue(resets.isEmpty());
  }

  @Test
  void onABlockingSocketARequestLongOutstandingIsStillAPrematureClose()
      throws InterruptedException {
    // A blocking socket writes and reads on one thread, in order: the request waited for a peer
    // that then closed, however long it waited.
    tracker.opened(connection, null, ResetTracerHooks.SOCKET, false, connection, null);
    tracker.written(connection, null, ResetTracerHooks.SOCKET, 20, null);
    tracker.read(connection, null, ResetTracerHooks.SOCKET, 10, null);
    tracker.written(connection, null, ResetTracerHooks.SOCKET, 20, null);
    Thread.sleep(ConnectionTracker.STALE_CLOSE_WINDOW_NANOS / 1_000_000 + 200);
    tracker.read(connection, null, ResetTracerHooks.SOCKET, -1, null);
    assertEquals(1, resets.size());
    assertEquals(FailureKind.PREMATURE_EOF, resets.get(0).kind());
  }

  @Test
  void endOfStreamAfterAServersReplyIsHowKeepAliveConnectionsEnd() {
    tracker.opened(connection, null, ResetTracerHooks.NIO, true, connection, null);
    for (int i = 0; i < 3; i++) {
      tracker.read(connection, null, ResetTracerHooks.NIO, 20, null); // request
      tracker.written(connection, null, ResetTracerHooks.NIO, 10, null); // reply
    }
    tracker.read(connection, null, ResetTracerHooks.NIO, -1, null); // the client leaves
    assertTrue(resets.isEmpty(), "a server's client closing after its reply is no premature close");
  }

  @Test
  void endOfStreamIsNotJudgedOnAConnectionWhoseRoleIsUnknown() {
    // First seen mid-life (no open hook): it may be either end of a keep-alive connection.
    exchange();
    exchange();
    tracker.written(connection, null, ResetTracerHooks.NIO, 20, null);
    tracker.read(connection, null, ResetTracerHooks.NIO, -1, null);
    assertTrue(resets.isEmpty());
  }

  @Test
  void theFirstResetIsReportedAndLaterOnesAreEchoes() {
    tracker.opened(connection, null, ResetTracerHooks.NIO, false, connection, null);
    exchange();
    tracker.read(connection, null, ResetTracerHooks.NIO, -1, new SocketException("Connection reset"));
    tracker.read(connection, null, ResetTracerHooks.NIO, -1, new SocketException("Connection reset"));
    assertEquals(1, resets.size());
    assertEquals(FailureKind.RESET, resets.get(0).kind());
    assertEquals(ResetHistory.NONE.samePeer(), histories.get(0).samePeer());
  }

  @Test
  void aConnectionWithTheStateFieldCarriesItsOwnStateAndTheTableIsNotUsed() {
    ConnectionWithStateField c = new ConnectionWithStateField();
    tracker.opened(c, null, ResetTracerHooks.NIO, false, c, null);
    Object state = c.resetTracer$state;
    assertTrue(state instanceof ConnectionState, "opening puts the state into the field");
    assertEquals(1, tracker.trackedConnections());
    assertEquals(1, tracker.connectionsWithOwnState(), "kept in the field, not in the table");
    // From here on the advice hands over what the field holds.
    tracker.written(c, state, ResetTracerHooks.NIO, 20, null);
    tracker.read(c, state, ResetTracerHooks.NIO, 10, null);
    tracker.written(c, state, ResetTracerHooks.NIO, 7, null);
    tracker.read(c, state, ResetTracerHooks.NIO, -1, new SocketException("Connection reset"));
    assertEquals(1, resets.size());
    ResetFacts f = resets.get(0);
    assertTrue(f.ageKnown());
    assertEquals(10, f.bytesRead());
    assertEquals(27, f.bytesWritten());
    assertEquals(1, f.exchanges());
    tracker.closed(c, state);
    tracker.closed(c, state); // closing twice is allowed, and counted once
    assertEquals(0, tracker.trackedConnections());
  }

  @Test
  void aConnectionWithTheStateFieldFirstSeenMidLifeKeepsItsStateThere() {
    ConnectionWithStateField c = new ConnectionWithStateField();
    tracker.read(c, null, ResetTracerHooks.NIO, 10, null);
    Object state = c.resetTracer$state;
    assertTrue(state instanceof ConnectionState);
    // A late finishConnect(): no new state.
    tracker.opened(c, state, ResetTracerHooks.NIO, false, c, null);
    assertEquals(state, c.resetTracer$state);
    tracker.written(c, state, ResetTracerHooks.NIO, 5, null);
    tracker.read(c, state, ResetTracerHooks.NIO, -1, new SocketException("Connection reset"));
    assertEquals(1, resets.size());
    assertFalse(resets.get(0).ageKnown(), "first seen mid-life: no invented age");
    assertEquals(10, resets.get(0).bytesRead());
    assertEquals(5, resets.get(0).bytesWritten());
  }

  @Test
  void aStateLeftByAnEarlierAttachIsNotCountedClosedByTheNextOne() {
    ConnectionWithStateField c = new ConnectionWithStateField();
    tracker.opened(c, null, ResetTracerHooks.NIO, false, c, null);
    Object state = c.resetTracer$state; // detached now: the state stays in the connection's field
    ConnectionTracker next =
        new ConnectionTracker(100, new PeerRegistry(16), captured -> { }, new StandInFields());
    next.closed(c, state);
    assertEquals(0, next.trackedConnections(), "not counted as one of its own closed");
    assertEquals(1, tracker.trackedConnections(), "nor taken from its maker's count");
    tracker.closed(c, state);
    assertEquals(0, tracker.trackedConnections());
  }

  @Test
  void aConnectionWithTheStateFieldIsTrackedWhenTheTableIsFull() {
    List<ResetFacts> seen = new ArrayList<>();
    ConnectionTracker bounded =
        new ConnectionTracker(0, new PeerRegistry(16), captured -> seen.add(captured.facts()), new StandInFields());
    ConnectionWithStateField c = new ConnectionWithStateField();
    bounded.opened(c, null, ResetTracerHooks.NIO, false, c, null);
    Object state = c.resetTracer$state;
    bounded.written(c, state, ResetTracerHooks.NIO, 20, null);
    bounded.read(c, state, ResetTracerHooks.NIO, -1, new SocketException("Connection reset"));
    bounded.read(c, state, ResetTracerHooks.NIO, -1, new SocketException("Connection reset"));
    assertEquals(1, seen.size(), "its state is its own: the table's bound does not apply");
    assertEquals(20, seen.get(0).bytesWritten());
    assertEquals(1, bounded.echoes());
    bounded.opened(connection, null, ResetTracerHooks.NIO, false, connection, null);
    assertEquals(1, bounded.untracked(), "a connection without the field finds the table full");
  }

  @Test
  void aSocketClientsPeerIsTheAddressItConnectedTo() {
    ConnectionWithStateField c = new ConnectionWithStateField();
    InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080);
    tracker.opened(c, null, ResetTracerHooks.SOCKET, false, c, target);
    Object state = c.resetTracer$state;
    tracker.written(c, state, ResetTracerHooks.SOCKET, 20, null);
    tracker.read(c, state, ResetTracerHooks.SOCKET, -1, new SocketException("Connection reset"));
    assertEquals(1, resets.size());
    assertEquals(InetAddress.getLoopbackAddress().getHostAddress(), resets.get(0).remoteAddress());
    assertEquals(8080, resets.get(0).remotePort());
    assertEquals(1, peers.connects(InetAddress.getLoopbackAddress().getHostAddress(), 8080));
  }

  @Test
  void aSocketConnectedToTheWildcardAddressIsFiledUnderWhereItWent() throws Exception {
    // The JDK connects to the local host when given the wildcard address, and records where it went
    // in the impl's own fields: those name the peer, not the argument.
    InetAddress wentTo = InetAddress.getByName("127.0.0.7");
    ConnectedImpl impl = new ConnectedImpl(wentTo, 8080);
    InetSocketAddress wildcard = new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 8080);
    tracker.opened(impl, null, ResetTracerHooks.SOCKET, false, impl, wildcard);
    assertEquals(0, peers.connects("0.0.0.0", 8080));
    assertEquals(1, peers.connects("127.0.0.7", 8080));
  }

  /** A socket implementation as the JDK's is once connected: its peer in SocketImpl's fields. */
  static final class ConnectedImpl extends SocketImpl {
    ConnectedImpl(InetAddress remote, int remotePort) {
      address = remote;
      port = remotePort;
    }

    @Override protected void create(boolean stream) {}
    @Override protected void connect(String host, int port) {}
    @Override protected void connect(InetAddress address, int port) {}
    @Override protected void connect(SocketAddress address, int timeout) {}
    @Override protected void bind(InetAddress host, int port) {}
    @Override protected void listen(int backlog) {}
    @Override protected void accept(SocketImpl s) {}
    @Override protected InputStream getInputStream() {
      return InputStream.nullInputStream();
    }
    @Override protected OutputStream getOutputStream() {
      return OutputStream.nullOutputStream();
    }
    @Override protected int available() {
      return 0;
    }
    @Override protected void close() {}
    @Override protected void sendUrgentData(int data) {}
    @Override public void setOption(int optID, Object value) {}
    @Override public Object getOption(int optID) {
      return null;
    }
  }
}
