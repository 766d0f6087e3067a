package io.resettracer.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.resettracer.it.support.AgentCli;
import io.resettracer.it.support.Jdks;
import io.resettracer.it.support.LiveProcess;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The agent opens no port, and neither do the commands that talk to it: {@code status}, {@code watch}
 * and {@code detach} leave the target's listening sockets as they found them, as {@code ss -ltnp}
 * lists them before and after each, on every JDK found. (They once started the JDK's management
 * agent, which listens on all interfaces for the rest of the target's life.)
 */
class NoPortTest {

  @TestFactory
  Stream<DynamicNode> everyJdk() {
    return Jdks.all().stream().map(jdk -> DynamicContainer.dynamicContainer(jdk.toString(), Stream.of(
        DynamicTest.dynamicTest("attach, status, watch and detach add no listening socket",
            () -> noPort(jdk)))));
  }

  private void noPort(Jdks.Jdk jdk) throws Exception {
    assumeTrue(ssWorks(), "ss (iproute2) is not installed or cannot show processes: the listening"
        + " sockets cannot be listed");
    try (LiveProcess target = LiveTargets.start(List.of(), jdk, List.of())) {
      String pid = String.valueOf(target.pid());
      TreeSet<String> start = listening(target.pid());
      // The target's own server socket on loopback, or the listing would prove nothing.
      assertEquals(1, start.size(), "the target listens on its loopback server only: " + start);
      TreeSet<String> before = start;
      for (String command : List.of("attach", "status", "watch", "detach", "status")) {
        if (command.equals("watch")) {
          watch(jdk, target, pid, before);
        } else {
          AgentCli.Run run = AgentCli.run(jdk, command, pid);
          assertEquals(0, run.exitCode(), run.describe());
        }
        TreeSet<String> after = listening(target.pid());
        System.out.printf("[ports] %s: %s: pid %s listens on %s before, %s after%n", jdk, command, pid,
            before, after);
        assertEquals(before, after, command + " changed the target's listening sockets");
        before = after;
      }
      assertEquals(start, before);
    }
  }

  /** Also while the watch runs: its stream reads files, not a socket. */
  private void watch(Jdks.Jdk jdk, LiveProcess target, String pid, TreeSet<String> before)
      throws Exception {
    try (LiveProcess watch = LiveProcess.start(AgentCli.command(jdk, "watch", pid))) {
      watch.awaitOut(0, l -> l.startsWith("watching pid " + pid), 30_000);
      int mark = watch.outSize();
      String port = target.ask("reset-new", "RESET ").split(" ")[2];
      String line = watch.awaitOut(mark, l -> l.contains("127.0.0.1:" + port + " -> "), 10_000);
      assertTrue(line.contains("Connection reset"), line);
      TreeSet<String> during = listening(target.pid());
      System.out.printf("[ports] %s: watch: pid %s listens on %s while watched; watch printed: %s%n",
          jdk, pid, during, line);
      assertEquals(before, during, "watch changed the target's listening sockets");
      assertEquals(List.of(), listening(watch.pid()).stream().collect(Collectors.toList()),
          "the watching process listens on nothing either");
      watch.stop();
    }
    // The agent sees the watching process gone and removes the recording.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String stats = target.ask("stats", "STATS ");
    while (!stats.contains(" recordings=0 ") && System.nanoTime() < deadline) {
      Thread.sleep(100);
      stats = target.ask("stats", "STATS ");
    }
    assertTrue(stats.contains(" recordings=0 "), "the watch's recording is left: " + stats);
  }

  /** The listening TCP sockets of process {@code pid}, as "address:port". */
  static TreeSet<String> listening(long pid) throws Exception {
    TreeSet<String> sockets = new TreeSet<>();
    for (String line : ss()) {
      if (line.contains("pid=" + pid + ",")) {
        String[] f = line.trim().split("\\s+");
        sockets.add(f[3]);
      }
    }
    return sockets;
  }

  private static List<String> ss() throws Exception {
    Process p = new ProcessBuilder("ss", "-ltnpH").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "ss -ltnpH: " + out);
    return out.lines().collect(Collectors.toList());
  }

  /** ss is on the path (it names the processes of its own user, which the targets are). */
  private static boolean ssWorks() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
      if (new File(dir, "ss").canExecute()) {
        return true;
      }
    }
    return false;
  }
}
