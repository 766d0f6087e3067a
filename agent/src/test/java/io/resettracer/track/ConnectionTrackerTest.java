package io.resettracer.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resettracer.bootstrap.ResetTracerHooks;
import java.net.SocketException;
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
  private final ConnectionTracker tracker =
      new ConnectionTracker(100, new PeerRegistry(16), (f, h) -> {
        resets.add(f);
        histories.add(h);
      });
  private final Object connection = new Object();

  private void exchange() {
    tracker.written(connection, ResetTracerHooks.NIO, 20, null);
    tracker.read(connection, ResetTracerHooks.NIO, 10, null);
  }

  @Test
  void endOfStreamRightAfterARequestOnAReusedConnectionIsAPrematureClose() {
    tracker.opened(connection, ResetTracerHooks.NIO, false, connection);
    exchange();
    tracker.written(connection, ResetTracerHooks.NIO, 20, null);
    tracker.read(connection, ResetTracerHooks.NIO, -1, null);
    tracker.written(connection, ResetTracerHooks.NIO, -1, new SocketException("Broken pipe"));
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
    tracker.opened(connection, ResetTracerHooks.NIO, false, connection);
    exchange();
    tracker.written(connection, ResetTracerHooks.NIO, 20, null);
    Thread.sleep(ConnectionTracker.STALE_CLOSE_WINDOW_NANOS / 1_000_000 + 200);
    tracker.read(connection, ResetTracerHooks.NIO, -1, null);
    assertTrue(resets.isEmpty());
  }

  @Test
  void endOfStreamAfterAResponseIsAcleanClose() {
    tracker.opened(connection, ResetTracerHooks.NIO, false, connection);
    exchange();
    tracker.read(connection, ResetTracerHooks.NIO, -1, null);
    assertTrue(resets.isEmpty());
  }

  @Test
  void endOfStreamOnTheFirstRequestIsNotReported() {
    tracker.opened(connection, ResetTracerHooks.NIO, false, connection);
    tracker.written(connection, ResetTracerHooks.NIO, 20, null);
    tracker.read(connection, ResetTracerHooks.NIO, -1, null);
    assertTrue(resets.isEmpty(), "not a reused connection");
  }

  @Test
  void endOfStreamAfterAServersReplyIsHowKeepAliveConnectionsEnd() {
    tracker.opened(connection, ResetTracerHooks.NIO, true, connection);
    for (int i = 0; i < 3; i++) {
      tracker.read(connection, ResetTracerHooks.NIO, 20, null); // request
      tracker.written(connection, ResetTracerHooks.NIO, 10, null); // reply
    }
    tracker.read(connection, ResetTracerHooks.NIO, -1, null); // the client leaves
    assertTrue(resets.isEmpty(), "a server's client closing after its reply is no premature close");
  }

  @Test
  void endOfStreamIsNotJudgedOnAConnectionWhoseRoleIsUnknown() {
    // First seen mid-life (no open hook): it may be either end of a keep-alive connection.
    exchange();
    exchange();
    tracker.written(connection, ResetTracerHooks.NIO, 20, null);
    tracker.read(connection, ResetTracerHooks.NIO, -1, null);
    assertTrue(resets.isEmpty());
  }

  @Test
  void theFirstResetIsReportedAndLaterOnesAreEchoes() {
    tracker.opened(connection, ResetTracerHooks.NIO, false, connection);
    exchange();
    tracker.read(connection, ResetTracerHooks.NIO, -1, new SocketException("Connection reset"));
    tracker.read(connection, ResetTracerHooks.NIO, -1, new SocketException("Connection reset"));
    assertEquals(1, resets.size());
    assertEquals(FailureKind.RESET, resets.get(0).kind());
    assertEquals(ResetHistory.NONE.samePeer(), histories.get(0).samePeer());
  }
}
