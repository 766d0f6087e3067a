package io.resettracer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.resettracer.classify.RetrySafety;
import io.resettracer.classify.Verdict;
import org.junit.jupiter.api.Test;

/** Where a failure came, whether its request can have been processed, and what that means for a retry. */
class StageTest {

  private static ResetFacts facts(Role role, Operation op, long writtenSinceRead, long exchanges) {
    return new ResetFacts("192.0.2.1", 443, "10.0.0.5", 50000, role, Transport.SOCKET, op,
        FailureKind.RESET, "java.net.SocketException", "Connection reset", true, 5_000_000_000L,
        2_000_000_000L, 100, 200, writtenSinceRead, exchanges, 0);
  }

  private static final StackTraceElement[] APP_READ = {
      new StackTraceElement("sun.nio.ch.NioSocketImpl", "read", null, -1),
      new StackTraceElement("com.example.Client", "call", "Client.java", 42)};

  private static final StackTraceElement[] HANDSHAKE = {
      new StackTraceElement("sun.nio.ch.NioSocketImpl", "read", null, -1),
      new StackTraceElement("sun.security.ssl.SSLSocketImpl", "readHandshakeRecord", null, -1),
      new StackTraceElement("sun.security.ssl.SSLSocketImpl", "startHandshake", null, -1),
      new StackTraceElement("com.example.Client", "call", "Client.java", 42)};

  @Test
  void aClientsStages() {
    assertEquals(Stage.CONNECT, Stage.of(facts(Role.CLIENT, Operation.CONNECT, 0, 0), APP_READ));
    assertEquals(Stage.TLS_HANDSHAKE, Stage.of(facts(Role.CLIENT, Operation.READ, 0, 0), HANDSHAKE));
    assertEquals(Stage.REQUEST, Stage.of(facts(Role.CLIENT, Operation.WRITE, 4096, 2), APP_READ));
    assertEquals(Stage.RESPONSE, Stage.of(facts(Role.CLIENT, Operation.READ, 120, 2), APP_READ));
    assertEquals(Stage.IDLE, Stage.of(facts(Role.CLIENT, Operation.READ, 0, 2), APP_READ));
  }

  @Test
  void whatTheFailureMeansForARetry() {
    ResetFacts inFlight = facts(Role.CLIENT, Operation.READ, 120, 2);
    assertEquals(RequestDelivery.COMPLETE, RequestDelivery.of(inFlight, Stage.RESPONSE));
    assertEquals("the request was written whole (120 B) before the failure: the peer may have"
        + " processed it; retry only idempotent requests, or with an idempotency key",
        RetrySafety.note(inFlight, RequestDelivery.COMPLETE, Verdict.PEER_CRASH));
    assertEquals("the request was written into a connection the other end had already let go: it"
        + " was not processed, and a retry is safe",
        RetrySafety.note(inFlight, RequestDelivery.COMPLETE, Verdict.KEEPALIVE_MISMATCH));
    ResetFacts cut = facts(Role.CLIENT, Operation.WRITE, 65536, 0);
    assertEquals(RequestDelivery.PARTIAL, RequestDelivery.of(cut, Stage.REQUEST));
    assertEquals(RequestDelivery.NONE,
        RequestDelivery.of(facts(Role.CLIENT, Operation.WRITE, 0, 3), Stage.REQUEST));
    assertEquals(RequestDelivery.UNKNOWN,
        RequestDelivery.of(facts(Role.SERVER, Operation.READ, 0, 3), Stage.REQUEST));
    assertEquals("", RetrySafety.note(cut, RequestDelivery.UNKNOWN, Verdict.UNKNOWN));
  }
}
