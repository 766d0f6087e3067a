package io.resettracer.it.scenarios;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A JVM that moves a few bytes and then sits idle with its connection open, as a service between
 * requests does. It prints how often the agent's own threads woke up while it was idle: the
 * voluntary context switches of each {@code reset-tracer-*} thread, from {@code /proc/self/task}
 * (Linux), over the idle window given in milliseconds.
 */
public final class IdleMain {

  public static void main(String[] args) throws Exception {
    long windowMs = Long.parseLong(args[0]);
    try (ServerSocket server = Scenarios.listen();
        Socket client = new Socket(Scenarios.LOOPBACK, server.getLocalPort());
        Socket peer = server.accept()) {
      Scenarios.exchange(client.getOutputStream(), client.getInputStream(), peer);
      Thread.sleep(2_500); // the agent's start-up work and its first look at the host are over
      long before = agentWakeUps();
      Thread.sleep(windowMs);
      long after = agentWakeUps();
      Scenarios.fact("agentThreads", agentThreads().size());
      Scenarios.fact("wakeUps", after - before);
    }
    System.out.println("DONE");
  }

  private static long agentWakeUps() throws IOException {
    long sum = 0;
    for (Path t : agentThreads()) {
      for (String line : Files.readAllLines(t.resolve("status"))) {
        if (line.startsWith("voluntary_ctxt_switches:")) {
          sum += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
        }
      }
    }
    return sum;
  }

  /** The agent's threads, as {@code /proc/self/task} entries. */
  private static List<Path> agentThreads() throws IOException {
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path t : tasks) {
        if (isAgents(t)) {
          found.add(t);
        }
      }
    }
    return found;
  }

  private static boolean isAgents(Path task) throws IOException {
    // The kernel keeps 15 characters of a thread's name.
    return Files.readString(task.resolve("comm")).startsWith("reset-tracer");
  }
}
