package io.resettracer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;
import shaded.io.netty.channel.unix.Errors.NativeIoException;

class FailureKindTest {

  @Test
  void theResetFamily() {
    assertEquals(FailureKind.RESET, FailureKind.of(new SocketException("Connection reset")));
    assertEquals(FailureKind.RESET, FailureKind.of(new IOException("Connection reset by peer")));
    assertEquals(FailureKind.BROKEN_PIPE, FailureKind.of(new IOException("Broken pipe")));
    assertEquals(FailureKind.BROKEN_PIPE, FailureKind.of(new SocketException("Broken pipe (Write failed)")));
    assertEquals(FailureKind.TIMED_OUT, FailureKind.of(new IOException("Connection timed out")));
    assertEquals(FailureKind.UNREACHABLE, FailureKind.of(new IOException("No route to host")));
    // Compared in place, in any case; the timed-out forms only whole, or as the JDK and Netty put them.
    assertEquals(FailureKind.RESET, FailureKind.of(new IOException("CONNECTION RESET BY PEER")));
    assertEquals(FailureKind.TIMED_OUT,
        FailureKind.of(new IOException("Connection timed out (Read failed)")));
    assertEquals(FailureKind.TIMED_OUT,
        FailureKind.of(new IOException("recvAddress(..) failed: Connection timed out")));
    assertEquals(FailureKind.UNREACHABLE, FailureKind.of(new IOException("connect: Network is unreachable")));
    assertNull(FailureKind.of(new IOException("Connection timed out while idle")));
    assertNull(FailureKind.of(new IOException("timed out")));
  }

  @Test
  void refusals() {
    assertTrue(FailureKind.isRefusal(new java.net.ConnectException("Connection refused")));
    assertTrue(FailureKind.isRefusal(new java.net.ConnectException("CONNECTION REFUSED (connect failed)")));
    assertTrue(FailureKind.isRefusal(new java.net.ConnectException())); // the JDK's HttpClient
    assertFalse(FailureKind.isRefusal(new java.net.ConnectException("Connection timed out")));
  }

  @Test
  void notResets() {
    assertNull(FailureKind.of(null));
    assertNull(FailureKind.of(new SocketException("Socket closed")));
    assertNull(FailureKind.of(new SocketTimeoutException("Read timed out")));
    assertNull(FailureKind.of(new SocketTimeoutException("Connection timed out")));
    assertNull(FailureKind.of(new IOException((String) null)));
  }

  @Test
  void nettysNativeFailuresByTheirErrnoWhateverTheirText() {
    // Netty 4.1.128 and 4.2.7 changed the text; a later release may change it again.
    assertEquals(FailureKind.RESET,
        FailureKind.of(new NativeIoException("recvAddress(..) failed with error(-104): x", -104)));
    assertEquals(FailureKind.RESET, FailureKind.of(new NativeIoException("io_uring read", -104)));
    assertEquals(FailureKind.BROKEN_PIPE, FailureKind.of(new NativeIoException("write", -32)));
    assertEquals(FailureKind.TIMED_OUT,
        FailureKind.of(new NativeIoException("recvAddress(..) failed with error(-110): x", -110)));
    assertEquals(FailureKind.UNREACHABLE, FailureKind.of(new NativeIoException("x", -113)));
    assertEquals(FailureKind.UNREACHABLE, FailureKind.of(new NativeIoException("x", -101)));
    // The errno decides, not words that happen to be in the message.
    assertNull(FailureKind.of(new NativeIoException("Connection reset by peer", -9)));
    // No errno to be had: the text is all there is.
    assertEquals(FailureKind.RESET,
        FailureKind.of(new NativeIoException("recvAddress(..) failed: Connection reset by peer", 0)));
  }
}
