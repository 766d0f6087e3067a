package io.resettracer.report;

import java.util.List;

/** One-line fixtures for the report's tests. */
final class Resets {

  static final long S = 1_000_000_000L;
  static final long T0 = 1_780_000_000_000L;

  private Resets() {}

  static ResetRecord reset(long millis, String verdict, String peer, long idleNanos) {
    return new ResetRecord(millis, verdict, 0.8, peer, idleNanos, -1, "read",
        "java.net.SocketException", "Connection reset", "", "",
        List.of("com.example.A.get(A.java:1)"), "main", 0);
  }

  static ResetRecord idle(long millis, String verdict, String peer, long idleNanos,
      long survivedNanos, String recommendation) {
    return new ResetRecord(millis, verdict, 0.9, peer, idleNanos, survivedNanos, "read",
        "java.net.SocketException", "Connection reset", "evidence", recommendation,
        List.of("com.example.Pool.reuse(Pool.java:10)", "com.example.Main.main(Main.java:3)"),
        "worker-1", 0);
  }

  static ResetRecord at(String verdict, List<String> stack) {
    return new ResetRecord(T0, verdict, 0.5, "10.0.0.1:443", 0, -1, "write",
        "java.io.IOException", "Broken pipe", "", "", stack, "t", 0);
  }

  static IncidentRecord incident(long id, String verdict, long firstMillis, long spanNanos) {
    return new IncidentRecord(0, id, verdict, 0.85, 4, 1, 1, "10.0.0.9:8443 ×4", firstMillis,
        spanNanos, "{PEER_CRASH=2, UNKNOWN=2}", "4 resets of 1 peer within 4 ms",
        "find why 10.0.0.9:8443 went away");
  }
}
