package io.resettracer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

class FailureKindTest {

  @Test
  void theResetFamily() {
    assertEquals(FailureKind.RESET, FailureKind.of(new SocketException("Connection reset")));
    assertEquals(FailureKind.RESET, FailureKind.of(new IOException("Connection reset by peer")));
    assertEquals(FailureKind.BROKEN_PIPE, FailureKind.of(new IOException("Broken pipe")));
    assertEquals(FailureKind.BROKEN_PIPE, FailureKind.of(new SocketException("Broken pipe (Write failed)")));
    assertEquals(FailureKind.TIMED_OUT, FailureKind.of(new IOException("Connection timed out")));
    assertEquals(FailureKind.UNREACHABLE, FailureKind.of(new IOException("No route to host")));
  }

  @Test
  void notResets() {
    assertNull(FailureKind.of(null));
    assertNull(FailureKind.of(new SocketException("Socket closed")));
    assertNull(FailureKind.of(new SocketTimeoutException("Read timed out")));
    assertNull(FailureKind.of(new SocketTimeoutException("Connection timed out")));
    assertNull(FailureKind.of(new IOException((String) null)));
  }
}
