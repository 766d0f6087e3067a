package io.resettracer.it.scenarios;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.stream.Collectors;

/**
 * A JVM started without the agent, for tests that attach to it while it runs. It opens one
 * connection before anything can attach, then obeys one command per line on standard input and
 * answers each with one line on standard output:
 *
 * <ul>
 *   <li>{@code reset-early}: the peer of the connection opened at start aborts (SO_LINGER 0) and the
 *       client's read meets the reset: {@code RESET early <clientLocalPort> <exception>}
 *   <li>{@code reset-new}: the same on a new connection: {@code RESET new <clientLocalPort> <exception>}
 *   <li>{@code stats}: {@code STATS classes=<loaded> recordings=<n> threads=<name|name...>}
 *   <li>{@code gc}: a full collection, which also unloads classes no longer reachable: {@code GC}
 *   <li>{@code exit}
 * </ul>
 *
 * <p>It starts with {@code READY <pid>}. Traffic stays on loopback.
 */
public final class LiveTarget {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK)) {
      Socket early = new Socket(LOOPBACK, server.getLocalPort());
      Socket earlyPeer = server.accept();
      exchange(early, earlyPeer);
      out.println("READY " + ProcessHandle.current().pid());
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null; ) {
        switch (line.trim()) {
          case "reset-early":
            out.println("RESET early " + early.getLocalPort() + " " + reset(early, earlyPeer));
            early.close();
            break;
          case "reset-new":
            try (Socket client = new Socket(LOOPBACK, server.getLocalPort());
                Socket peer = server.accept()) {
              exchange(client, peer);
              out.println("RESET new " + client.getLocalPort() + " " + reset(client, peer));
            }
            break;
          case "stats":
            out.println("STATS " + stats());
            break;
          case "gc":
            System.gc();
            out.println("GC");
            break;
          case "exit":
            return;
          default:
            out.println("UNKNOWN " + line);
        }
      }
    }
  }

  private static void exchange(Socket client, Socket peer) throws IOException {
    client.getOutputStream().write(new byte[10]);
    peer.getInputStream().readNBytes(10);
    peer.getOutputStream().write(new byte[10]);
    client.getInputStream().readNBytes(10);
  }

  /** A request whose reply never comes: the peer aborts, and the client's read meets the RST. */
  private static String reset(Socket client, Socket peer) throws IOException {
    client.getOutputStream().write(new byte[5]);
    peer.getInputStream().readNBytes(5);
    peer.setSoLinger(true, 0);
    peer.close();
    try {
      client.getInputStream().read();
      return "none";
    } catch (IOException e) {
      return e.toString().replace(' ', '_');
    }
  }

  private static String stats() {
    String threads =
        Thread.getAllStackTraces().keySet().stream()
            .filter(Thread::isAlive)
            .map(Thread::getName)
            .sorted(Comparator.naturalOrder())
            .collect(Collectors.joining("|"));
    int recordings = 0;
    try {
      recordings = jdk.jfr.FlightRecorder.isInitialized()
          ? jdk.jfr.FlightRecorder.getFlightRecorder().getRecordings().size()
          : 0;
    } catch (Throwable t) {
      recordings = -1;
    }
    return "classes=" + ManagementFactory.getClassLoadingMXBean().getLoadedClassCount()
        + " recordings=" + recordings + " threads=" + threads;
  }
}
