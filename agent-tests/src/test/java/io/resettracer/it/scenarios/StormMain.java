package io.resettracer.it.scenarios;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent's promises when things go wrong, as a child JVM: a reset storm with many descriptors
 * open ({@code storm FDS RESETS}), and bursts of resets right before the JVM exits ({@code exit
 * BURSTS PER_BURST}). The recording is the JVM's own ({@code -XX:StartFlightRecording} with
 * dumponexit), so what reaches it at exit is what an operator would get.
 *
 * <p>Prints {@code RESETS n} (reset exceptions the application saw) and {@code DONE}.
 */
public final class StormMain {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "storm":
        storm(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        break;
      case "exit":
        bursts(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        break;
      default:
        throw new IllegalArgumentException(args[0]);
    }
    System.out.println("DONE");
    // Returns at once: whatever the agent still holds must reach the recording at exit.
  }

  /** A client reconnecting into a server that resets every connection; {@code fds} held open. */
  private static void storm(int fds, int resets) throws Exception {
    List<InputStream> held = new ArrayList<>();
    for (int i = 0; i < fds; i++) {
      held.add(new FileInputStream("/dev/null"));
    }
    try (ServerSocket server = new ServerSocket(0, 1024, LOOPBACK)) {
      Thread resetter = resetter(server, resets);
      int seen = 0;
      long deadline = System.nanoTime() + 60_000_000_000L;
      for (int i = 0; i < resets && System.nanoTime() < deadline; i++) {
        if (resetOnRead(server.getLocalPort())) {
          seen++;
        }
      }
      resetter.join(10_000);
      System.out.println("RESETS " + seen);
    } finally {
      for (InputStream in : held) {
        in.close();
      }
    }
  }

  /**
   * {@code bursts} bursts of {@code perBurst} connections reset together, 1.5 s apart (past the
   * burst window), the last one right before the JVM exits.
   */
  private static void bursts(int bursts, int perBurst) throws Exception {
    int seen = 0;
    try (ServerSocket server = new ServerSocket(0, 1024, LOOPBACK)) {
      for (int b = 0; b < bursts; b++) {
        if (b > 0) {
          Thread.sleep(1500);
        }
        List<Socket> clients = new ArrayList<>();
        List<Socket> accepted = new ArrayList<>();
        for (int i = 0; i < perBurst; i++) {
          Socket c = new Socket(LOOPBACK, server.getLocalPort());
          clients.add(c);
          accepted.add(server.accept());
          c.getOutputStream().write(new byte[16]);
        }
        for (Socket a : accepted) {
          a.setSoLinger(true, 0);
          a.close();
        }
        for (Socket c : clients) {
          try {
            c.getInputStream().read();
          } catch (SocketException e) {
            seen++;
          }
          c.close();
        }
      }
    }
    System.out.println("RESETS " + seen);
  }

  private static Thread resetter(ServerSocket server, int count) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16];
      for (int i = 0; i < count; i++) {
        try {
          Socket s = server.accept();
          InputStream in = s.getInputStream();
          int n = 0;
          while (n < buf.length && (n += Math.max(0, in.read(buf, n, buf.length - n))) < buf.length) {
            // read the whole request
          }
          s.setSoLinger(true, 0);
          s.close();
        } catch (IOException e) {
          return;
        }
      }
    }, "resetter");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static boolean resetOnRead(int port) throws IOException {
    try (Socket c = new Socket(LOOPBACK, port)) {
      c.getOutputStream().write(new byte[16]);
      try {
        return c.getInputStream().read() < -1; // never: the server resets
      } catch (SocketException e) {
        return e.getMessage() != null && e.getMessage().contains("reset");
      }
    }
  }
}
