package io.resettracer.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.resettracer.classify.Classification;
import io.resettracer.model.FailureKind;
import io.resettracer.model.Operation;
import io.resettracer.model.ResetFacts;
import io.resettracer.model.Role;
import io.resettracer.model.Transport;
import org.junit.jupiter.api.Test;

class LogOutputTest {

  @Test
  void oneConciseLine() {
    ResetFacts f = new ResetFacts("192.0.2.10", 443, "10.0.0.5", 51234, Role.CLIENT, Transport.NIO,
        Operation.READ, FailureKind.RESET, "java.net.SocketException", "Connection reset", true,
        351_200_000_000L, 350_100_000_000L, 2048, 300, 120, 14, 0);
    assertEquals(
        "reset on client nio read 10.0.0.5:51234 -> 192.0.2.10:443: age 351.2 s, idle 350.1 s, "
            + "read 2.0 KiB, written 300 B, 14 exchanges; java.net.SocketException: Connection reset;"
            + " verdict UNKNOWN (0 %): thin",
        LogOutput.line(f, Classification.unknown("thin", "")));
  }

  @Test
  void anAgeNotKnownIsALowerBound() {
    ResetFacts f = new ResetFacts("", 0, "", 0, Role.UNKNOWN, Transport.SOCKET, Operation.WRITE,
        FailureKind.BROKEN_PIPE, "java.net.SocketException", "Broken pipe", false,
        12_000_000_000L, 1_000_000L, 0, 0, 0, 0, 0);
    assertEquals(
        "broken-pipe on unknown socket write ? -> unknown peer: age ≥ 12.0 s, open before the agent saw it,"
            + " idle 1 ms, read 0 B,"
            + " written 0 B, 0 exchanges; java.net.SocketException: Broken pipe; verdict UNKNOWN"
            + " (0 %): e",
        LogOutput.line(f, Classification.unknown("e", "")));
  }

  @Test
  void aPrematureCloseHasNoExceptionToName() {
    ResetFacts f = new ResetFacts("192.0.2.10", 80, "10.0.0.5", 51234, Role.CLIENT, Transport.SOCKET,
        Operation.READ, FailureKind.PREMATURE_EOF, "", "read returned end of stream", true,
        5_000_000_000L, 4_000_000_000L, 10, 120, 20, 2, 0);
    assertEquals(
        "premature-eof on client socket read 10.0.0.5:51234 -> 192.0.2.10:80: age 5.0 s, idle 4.0 s,"
            + " read 10 B, written 120 B, 2 exchanges; read returned end of stream; verdict UNKNOWN"
            + " (0 %): e",
        LogOutput.line(f, Classification.unknown("e", "")));
  }
}
