package io.resettracer.it.fleet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/**
 * An application with no OpenTelemetry of its own, for a JVM that runs the OpenTelemetry Java agent:
 * {@code http-reset} makes an HTTP request (java.net.HttpURLConnection, which that agent traces) to a
 * loopback server that aborts the connection once it has read the request: {@code RESET
 * <exception>}. {@code swallowed}: {@code SWALLOWED n}, what reset-tracer's hooks contained. {@code
 * exit} ends it. It starts with {@code READY <pid>}.
 */
public final class HttpResetTarget {

  public static void main(String[] args) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread aborter = new Thread(() -> abortEach(server), "aborting-server");
      aborter.setDaemon(true);
      aborter.start();
      System.out.println("READY " + ProcessHandle.current().pid());
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null; ) {
        if (line.equals("exit")) {
          return;
        }
        if (line.equals("swallowed")) {
          Class<?> hooks = Class.forName("io.resettracer.bootstrap.ResetTracerHooks", false, null);
          System.out.println("SWALLOWED " + hooks.getMethod("swallowedCount").invoke(null));
          continue;
        }
        HttpURLConnection c = (HttpURLConnection)
            new URL("http://127.0.0.1:" + server.getLocalPort() + "/orders").openConnection();
        String outcome;
        try {
          outcome = "HTTP " + c.getResponseCode();
        } catch (IOException e) {
          outcome = e.getClass().getName();
        }
        System.out.println("RESET " + outcome);
      }
    }
  }

  /** Reads each request's head, then aborts the connection (SO_LINGER 0): the client sees an RST. */
  private static void abortEach(ServerSocket server) {
    while (true) {
      try (Socket s = server.accept()) {
        InputStream in = s.getInputStream();
        int matched = 0;
        while (matched < 4) {
          int b = in.read();
          if (b < 0) {
            break;
          }
          matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        s.setSoLinger(true, 0);
      } catch (IOException e) {
        return;
      }
    }
  }
}
