package io.resettracer.samples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The other end of a sample's connections, run as a separate JVM (without the agent, like a real
 * peer): it prints "PORT n" when it listens, and is destroyed when the sample is done.
 */
final class Peer implements AutoCloseable {

  private final Process process;
  private final int port;

  private Peer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts {@code main} of {@code type} with {@code args} in a new JVM and waits for its port. */
  static Peer start(Class<?> type, String... args) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new java.util.ArrayList<>(List.of(
        java, "-cp", System.getProperty("java.class.path"), type.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (line == null || !line.startsWith("PORT ")) {
      p.destroyForcibly();
      throw new IOException("peer did not start: " + line);
    }
    return new Peer(p, Integer.parseInt(line.substring(5).trim()));
  }

  static void announce(int port) {
    System.out.println("PORT " + port);
    System.out.flush();
  }

  int port() {
    return port;
  }

  Process process() {
    return process;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** Aborts a connection: SO_LINGER 0 makes close() send an RST. */
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
