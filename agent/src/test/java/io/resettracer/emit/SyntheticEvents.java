package io.resettracer.emit;

/**
 * Commits the agent's real event types with made-up values, on the calling thread: recordings of
 * any size for the report's tests and its measurement, without sockets. Lives in the events'
 * package because their fields are package-private.
 */
public final class SyntheticEvents {

  private SyntheticEvents() {}

  /** One reset, as the agent would record it; the stack is the caller's. */
  public static void reset(String remoteAddress, int remotePort, String operation, String failure,
      long idleNanos, String verdict, float confidence, String evidence, String recommendation) {
    ConnectionResetEvent e = new ConnectionResetEvent();
    if (!e.isEnabled()) {
      return;
    }
    e.remoteAddress = remoteAddress;
    e.remotePort = remotePort;
    e.localAddress = "10.1.0.7";
    e.localPort = 40_000 + (remotePort % 20_000);
    e.role = "client";
    e.transport = "socket";
    e.operation = operation;
    e.failure = failure;
    e.exceptionClass = "java.net.SocketException";
    e.exceptionMessage = failure.equals("broken-pipe") ? "Broken pipe" : "Connection reset";
    e.connectionAge = idleNanos * 3 + 1_000_000_000L;
    e.ageKnown = true;
    e.idleTime = idleNanos;
    e.bytesRead = 48_213;
    e.bytesWritten = 9_877;
    e.writtenSinceRead = 312;
    e.exchanges = 17;
    e.verdict = verdict;
    e.confidence = confidence;
    e.evidence = evidence;
    e.recommendation = recommendation;
    e.commit();
  }

  /** One incident, its burst starting at {@code firstResetMillis}. */
  public static void incident(String verdict, float confidence, int resets, int peers, int hosts,
      String peerList, long firstResetMillis, long spanNanos, String memberVerdicts,
      String evidence, String recommendation) {
    ResetIncidentEvent e = new ResetIncidentEvent();
    if (!e.isEnabled()) {
      return;
    }
    e.verdict = verdict;
    e.confidence = confidence;
    e.resets = resets;
    e.peers = peers;
    e.hosts = hosts;
    e.peerList = peerList;
    e.firstReset = firstResetMillis;
    e.span = spanNanos;
    e.memberVerdicts = memberVerdicts;
    e.evidence = evidence;
    e.recommendation = recommendation;
    e.commit();
  }
}
