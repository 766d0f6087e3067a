package io.resettracer.samples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The other end of a sample's connections, run as a separate JVM (without the agent, like a real
 * peer): it prints "PORT n" when it listens, takes commands on its standard input, and is destroyed
 * when the sample is done. A peer exits by itself when its standard input closes, so a sample that
 * is killed leaves no peer behind.
 */
final class Peer implements AutoCloseable {

  private static final long START_TIMEOUT_SECONDS = 20;
  private static final int CONNECT_TIMEOUT_MS = 2_000;
  private static final int READ_TIMEOUT_MS = 10_000;

  private final String name;
  private final Process process;
  private final int port;

  private Peer(String name, Process process, int port) {
    this.name = name;
    this.process = process;
    this.port = port;
  }

  /** Starts {@code main} of {@code type} with {@code args} in a new JVM and waits for its port. */
  static Peer start(String name, Class<?> type, String... args) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java,
        // A peer is small: a quick JIT and a serial collector leave the 2 cores to the client.
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
        "-cp", System.getProperty("java.class.path"), type.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String[] first = new String[1];
    Thread reader = daemon(name + "-start", () -> {
      try {
        first[0] = out.readLine();
      } catch (IOException e) {
        first[0] = null;
      }
    });
    reader.start();
    try {
      reader.join(TimeUnit.SECONDS.toMillis(START_TIMEOUT_SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String line = first[0];
    if (line == null || !line.startsWith("PORT ")) {
      p.destroyForcibly();
      throw new IOException(name + " did not start: " + line);
    }
    // Whatever the peer says later is shown, prefixed, and never blocks it on a full pipe.
    daemon(name + "-output", () -> {
      try {
        for (String l; (l = out.readLine()) != null; ) {
          System.out.println("  [" + name + "] " + l);
        }
      } catch (IOException e) {
        // the peer is gone
      }
    }).start();
    return new Peer(name, p, Integer.parseInt(line.substring(5).trim()));
  }

  /** Peer side: says it is ready, and exits when the sample's end of standard input closes. */
  static void announce(int port) {
    announce(port, command -> { });
  }

  /** Peer side: says it is ready and hands each line of standard input to {@code commands}. */
  static void announce(int port, Consumer<String> commands) {
    daemon("commands", () -> {
      try {
        BufferedReader in = new BufferedReader(
            new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String l; (l = in.readLine()) != null; ) {
          commands.accept(l.trim());
        }
      } catch (IOException e) {
        // treated as the sample being gone
      }
      Runtime.getRuntime().halt(0);
    }).start();
    System.out.println("PORT " + port);
    System.out.flush();
  }

  int port() {
    return port;
  }

  /** Sends one command line to the peer's standard input. */
  void send(String command) throws IOException {
    OutputStream in = process.getOutputStream();
    in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  /** SIGKILL: the peer's kernel closes its sockets, resetting those with unread data. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ", port " + port + ")";
  }

  /**
   * A client connection to a peer. Its connect and reads time out, so that a sample whose peer
   * misbehaves fails in seconds instead of hanging; every peer answers in microseconds.
   */
  static Socket connect(InetAddress address, int port) throws IOException {
    Socket s = new Socket();
    s.connect(new java.net.InetSocketAddress(address, port), CONNECT_TIMEOUT_MS);
    s.setSoTimeout(READ_TIMEOUT_MS);
    return s;
  }

  /** A port free right now on {@code address}, for a peer that must come back on the same one. */
  static int freePort(InetAddress address) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, address)) {
      return s.getLocalPort();
    }
  }

  /** Aborts a connection: SO_LINGER 0 makes close() send an RST and no FIN. */
  static void abort(Socket s) {
    try {
      s.setSoLinger(true, 0);
      s.close();
    } catch (IOException e) {
      // already gone
    }
  }

  static Thread daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
