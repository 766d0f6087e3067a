package io.resettracer.it.fleet;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A long-running application for the fleet tests, one command per line on standard input, one
 * answer line each:
 *
 * <ul>
 *   <li>{@code reset}: a client's read meets its peer's abort (SO_LINGER 0) on loopback: {@code
 *       RESET <clientLocalPort> <millis the failing call took>}
 *   <li>{@code reset-in-span <traceId> <spanId>}: the same inside the application's own
 *       OpenTelemetry span (API only, no SDK): {@code RESET ...}
 *   <li>{@code swallowed}: {@code SWALLOWED n}, what the agent's hooks contained
 *   <li>{@code exit}
 * </ul>
 *
 * <p>It starts with {@code READY <pid>}. With {@code -Dfleet.tracing=true} it loads its
 * OpenTelemetry API first, as a traced application does.
 */
public final class FleetTarget {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    if (Boolean.getBoolean("fleet.tracing")) {
      // As a traced application does at start: its OpenTelemetry API is loaded before any request.
      Span.getInvalid();
    }
    try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK)) {
      out.println("READY " + ProcessHandle.current().pid());
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null; ) {
        String[] words = line.trim().split(" ");
        switch (words[0]) {
          case "reset":
            out.println("RESET " + reset(server));
            break;
          case "reset-in-span":
            Span span =
                Span.wrap(SpanContext.create(words[1], words[2], TraceFlags.getSampled(),
                    TraceState.getDefault()));
            try (Scope s = span.makeCurrent()) {
              out.println("RESET " + reset(server));
            }
            break;
          case "swallowed":
            out.println("SWALLOWED " + swallowed());
            break;
          case "exit":
            return;
          default:
            out.println("UNKNOWN " + line);
        }
      }
    }
  }

  /** A request whose reply never comes: the peer aborts, and the client's read meets the RST. */
  private static String reset(ServerSocket server) throws IOException {
    try (Socket client = new Socket(LOOPBACK, server.getLocalPort());
        Socket peer = server.accept()) {
      client.getOutputStream().write(new byte[5]);
      peer.getInputStream().readNBytes(5);
      peer.setSoLinger(true, 0);
      peer.close();
      long start = System.nanoTime();
      String outcome = "none";
      try {
        client.getInputStream().read();
      } catch (IOException e) {
        outcome = e.getClass().getSimpleName();
      }
      return client.getLocalPort() + " " + (System.nanoTime() - start) / 1_000_000 + " " + outcome;
    }
  }

  private static long swallowed() {
    try {
      Class<?> hooks = Class.forName("io.resettracer.bootstrap.ResetTracerHooks", false, null);
      Method m = hooks.getMethod("swallowedCount");
      return (Long) m.invoke(null);
    } catch (ReflectiveOperationException e) {
      return -1;
    }
  }
}
