package io.resettracer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.tools.attach.VirtualMachine;
import io.resettracer.it.support.AgentCli;
import io.resettracer.it.support.ChildJvm;
import io.resettracer.it.support.Jdks;
import io.resettracer.it.support.LiveProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@code java -jar reset-tracer.jar attach|status|watch|detach|list} against JVMs that run without
 * the agent, on every JDK found: the agent goes in mid-flight, reports, and comes out again without
 * a trace.
 */
class LiveJvmTest {

  private static final String TARGET = "io.resettracer.it.scenarios.LiveTarget";
  private static final String PROBE = "io.resettracer.it.scenarios.ClassBytesProbe";
  private static final String DYNAMIC_LOADING = "-XX:+EnableDynamicAgentLoading";
  private static final String JDK_WARNING = "WARNING: A Java agent has been loaded dynamically";
  private static final Pattern SAFEPOINT = Pattern.compile("Safepoint \"([^\"]+)\".*Total: (\\d+) ns");

  @TestFactory
  Stream<DynamicNode> everyJdk() {
    return Jdks.all().stream().map(jdk -> DynamicContainer.dynamicContainer(jdk.toString(), Stream.of(
        DynamicTest.dynamicTest("attach mid-flight, status, detach restores the bytecode, re-attach,"
            + " watch", () -> lifecycle(jdk)),
        DynamicTest.dynamicTest("20 attach/detach cycles leave no threads or classes behind"
            + (jdk.feature() >= 21 ? ", with " + DYNAMIC_LOADING : ""), () -> cycles(jdk)),
        DynamicTest.dynamicTest("a JVM started with -javaagent: attach is a no-op, status and detach"
            + " work", () -> startedWithJavaagent(jdk)),
        DynamicTest.dynamicTest("each error is one line with its exit code", () -> errors(jdk)))));
  }

  // --- the whole life of an attach --------------------------------------------------------------

  private void lifecycle(Jdks.Jdk jdk) throws Exception {
    Path safepoints = Files.createTempFile(workDir(), "safepoints-" + jdk.feature() + "-", ".log");
    try (LiveProcess target = startTarget(jdk, List.of("-Xlog:safepoint:file=" + safepoints))) {
      String pid = String.valueOf(target.pid());
      AgentCli.Run status = cli(jdk, "status", pid);
      assertEquals(0, status.exitCode(), status.describe());
      assertTrue(status.out().contains("reset-tracer is not active in pid " + pid), status.describe());
      Map<String, String> original = probe(jdk, target);

      // Attach: the connection opened at start predates the agent.
      int pausesBefore = lines(safepoints).size();
      AgentCli.Run attach = cli(jdk, "attach", pid, "logLimit=0");
      assertEquals(0, attach.exitCode(), attach.describe());
      assertTrue(attach.out().contains("loaded reset-tracer"), attach.describe());
      reportPauses(jdk, "attach", attach, safepoints, pausesBefore);
      if (jdk.feature() >= 21) {
        assertTrue(attach.out().contains("note: Java " + jdk.feature() + " printed \"" + JDK_WARNING),
            attach.describe());
        target.awaitErr(0, l -> l.startsWith(JDK_WARNING), 5_000);
      } else {
        assertFalse(attach.out().contains("note:"), attach.describe());
      }
      AgentCli.Run again = cli(jdk, "attach", pid);
      assertEquals(0, again.exitCode(), again.describe());
      assertTrue(again.out().contains("is already active; nothing to do"), again.describe());

      int errMark = target.errSize();
      String early = target.ask("reset-early", "RESET early ").split(" ")[2];
      String earlyLine = target.awaitErr(errMark, l -> l.startsWith("[reset-tracer] reset on"), 5_000);
      assertTrue(earlyLine.contains("127.0.0.1:" + early + " -> "), earlyLine);
      assertTrue(earlyLine.contains("age ≥ ") && earlyLine.contains(", open before the agent saw it"), earlyLine);
      errMark = target.errSize();
      String fresh = target.ask("reset-new", "RESET new ").split(" ")[2];
      String freshLine = target.awaitErr(errMark, l -> l.startsWith("[reset-tracer] reset on"), 5_000);
      assertTrue(freshLine.contains("on client socket read 127.0.0.1:" + fresh + " -> "), freshLine);
      assertFalse(freshLine.contains("open before the agent saw it"), freshLine);

      status = cli(jdk, "status", pid);
      assertEquals(0, status.exitCode(), status.describe());
      assertTrue(status.out().contains("active (loaded by attach)"), status.describe());
      assertTrue(status.out().contains("options:             logLimit=0"), status.describe());
      assertTrue(status.out().contains("resets seen:         2 ("), status.describe());
      // The two resets may still be settling into an incident (2 s of quiet): a count either way.
      assertTrue(Pattern.compile("incidents: {11}[0-9]").matcher(status.out()).find(), status.describe());
      assertTrue(status.out().contains("errors swallowed:    0"), status.describe());
      // Both resets' connections are closed by now, and status talks to the agent over no
      // connection of its own (JMX's used to be counted here): any count.
      assertTrue(Pattern.compile("connections tracked: [0-9]+\n").matcher(status.out()).find(),
          status.describe());

      Map<String, String> woven = probe(jdk, target);
      assertTrue(woven.get("sun.nio.ch.NioSocketImpl").contains("io/resettracer/bootstrap/ResetTracerHooks"),
          "the probe must see the woven bytes, or it proves nothing: " + woven);
      assertFalse(original.get("sun.nio.ch.NioSocketImpl").contains("ResetTracerHooks"));

      // Detach: the original bytecode is back, and a reset goes unseen.
      pausesBefore = lines(safepoints).size();
      AgentCli.Run detach = cli(jdk, "detach", pid);
      assertEquals(0, detach.exitCode(), detach.describe());
      assertTrue(detach.out().contains("classes restored to their original bytecode"), detach.describe());
      reportPauses(jdk, "detach", detach, safepoints, pausesBefore);
      assertRestored(original, probe(jdk, target));
      assertNoAgentLeft(target, pid);
      errMark = target.errSize();
      target.ask("reset-new", "RESET new ");
      target.ask("stats", "STATS ");
      Thread.sleep(300);
      assertTrue(target.err().subList(errMark, target.errSize()).stream()
          .noneMatch(l -> l.startsWith("[reset-tracer] reset")), target.describe());
      status = cli(jdk, "status", pid);
      assertTrue(status.out().contains("is not active"), status.describe());

      // Attach again, and watch the resets live.
      attach = cli(jdk, "attach", pid);
      assertEquals(0, attach.exitCode(), attach.describe());
      watch(jdk, target, pid);
      detach = cli(jdk, "detach", pid);
      assertEquals(0, detach.exitCode(), detach.describe());
      assertRestored(original, probe(jdk, target));
      assertNoAgentLeft(target, pid);
    } finally {
      Files.deleteIfExists(safepoints);
    }
  }

  private void watch(Jdks.Jdk jdk, LiveProcess target, String pid) throws Exception {
    try (LiveProcess watch = LiveProcess.start(AgentCli.command(jdk, "watch", pid))) {
      watch.awaitOut(0, l -> l.startsWith("watching pid " + pid), 30_000);
      List<Long> delays = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        int mark = watch.outSize();
        long before = System.nanoTime();
        String port = target.ask("reset-new", "RESET ").split(" ")[2];
        String line = watch.awaitOut(mark, l -> l.contains("127.0.0.1:" + port + " -> "), 10_000);
        delays.add((System.nanoTime() - before) / 1_000_000);
        assertTrue(line.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} reset on client socket read 127\\.0\\.0\\.1:"
            + port + " -> 127\\.0\\.0\\.1:\\d+: age [^,]+, idle [^;]+; java\\.net\\.SocketException:"
            + " Connection reset; verdict \\w+ \\(\\d+ %\\): .+"), line);
      }
      System.out.printf("[live] %s: watch printed each reset %s ms after it happened%n", jdk, delays);
      // JFR flushes once a second and the remote stream polls once a second when idle: one to two
      // seconds, by their phase, plus what a loaded machine adds.
      assertTrue(delays.stream().allMatch(d -> d < 2_500), "a reset took 2.5 s or more: " + delays);
      assertTrue(target.ask("stats", "STATS ").contains(" recordings=1 "), "the watch's recording");
      watch.stop();
    }
    // The recording is the watch's to remove, Ctrl-C or not: the agent looks for the watching
    // process twice a second and removes the recording once it is gone.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String stats = target.ask("stats", "STATS ");
    while (!stats.contains(" recordings=0 ") && System.nanoTime() < deadline) {
      Thread.sleep(100);
      stats = target.ask("stats", "STATS ");
    }
    assertTrue(stats.contains(" recordings=0 "), target.describe());
  }

  // --- -javaagent ------------------------------------------------------------------------------

  private void startedWithJavaagent(Jdks.Jdk jdk) throws Exception {
    try (LiveProcess target = startTarget(jdk, List.of(ChildJvm.javaagent("logLimit=5")))) {
      String pid = String.valueOf(target.pid());
      AgentCli.Run attach = cli(jdk, "attach", pid);
      assertEquals(0, attach.exitCode(), attach.describe());
      assertTrue(attach.out().contains("(loaded by javaagent) is already active; nothing to do"),
          attach.describe());
      target.ask("reset-new", "RESET new ");
      AgentCli.Run status = cli(jdk, "status", pid);
      assertEquals(0, status.exitCode(), status.describe());
      assertTrue(status.out().contains("active (loaded by javaagent)"), status.describe());
      assertTrue(status.out().contains("options:             logLimit=5"), status.describe());
      assertTrue(status.out().contains("resets seen:         1 ("), status.describe());
      AgentCli.Run detach = cli(jdk, "detach", pid);
      assertEquals(0, detach.exitCode(), detach.describe());
      assertNoAgentLeft(target, pid);
      attach = cli(jdk, "attach", pid);
      assertEquals(0, attach.exitCode(), attach.describe());
      assertTrue(attach.out().contains("loaded reset-tracer"), attach.describe());
      int mark = target.errSize();
      target.ask("reset-new", "RESET new ");
      target.awaitErr(mark, l -> l.startsWith("[reset-tracer] reset on client socket read"), 5_000);
    }
  }

  // --- many cycles ------------------------------------------------------------------------------

  private void cycles(Jdks.Jdk jdk) throws Exception {
    List<String> jvmArgs = jdk.feature() >= 21 ? List.of(DYNAMIC_LOADING) : List.of();
    try (LiveProcess target = startTarget(jdk, jvmArgs);
        URLClassLoader cliLoader = new URLClassLoader(new URL[] {ChildJvm.AGENT_JAR.toUri().toURL()},
            ClassLoader.getSystemClassLoader())) {
      String pid = String.valueOf(target.pid());
      // In this JVM, to keep twenty cycles quick; the other tests launch the command as a process.
      var cli = cliLoader.loadClass("io.resettracer.cli.Cli")
          .getMethod("run", String[].class, PrintStream.class, PrintStream.class);
      String afterWarmUp = null;
      List<String> classesAfterWarmUp = null;
      List<String> classesHalfWay = null;
      long started = System.nanoTime();
      for (int cycle = 1; cycle <= 20; cycle++) {
        for (String command : List.of("attach", "detach")) {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          int code = (Integer) cli.invoke(null, new String[] {command, pid},
              new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
          assertEquals(0, code, "cycle " + cycle + " " + command + ": " + out);
          if (command.equals("attach")) {
            assertFalse(out.toString(StandardCharsets.UTF_8).contains("note:"), out.toString());
            int mark = target.errSize();
            target.ask("reset-new", "RESET new ");
            target.awaitErr(mark, l -> l.startsWith("[reset-tracer] reset on"), 5_000);
          }
        }
        if (cycle == 1) {
          loadedClasses(target); // loads the probe's own classes before the first count
        }
        if (cycle == 2) {
          afterWarmUp = settledStats(target, null);
          classesAfterWarmUp = loadedClasses(target);
        }
        if (cycle == 11) {
          classesHalfWay = loadedClasses(target);
        }
      }
      System.out.printf("[live] %s: 20 attach/detach cycles in %d ms%n", jdk,
          (System.nanoTime() - started) / 1_000_000);
      String last = settledStats(target, afterWarmUp);
      List<String> classesLast = loadedClasses(target);
      List<String> grown = new ArrayList<>(classesLast);
      classesAfterWarmUp.forEach(grown::remove);
      System.out.printf("[live] %s: classes loaded after cycle 2: %d, after cycle 20: %d (class-loading"
          + " MXBean, which counts each retransformation: %d, %d); threads %s%n", jdk,
          classesAfterWarmUp.size(), classesLast.size(), field(afterWarmUp, "classes"),
          field(last, "classes"), threadNames(last));
      // A few classes may come from JIT and reflection warming up; a leak would add one or more per cycle.
      // The JDK's own machinery is counted apart (see reflectionMachinery); anything else that grows
      // is ours to explain.
      List<String> reflection = grown.stream().filter(LiveJvmTest::reflectionMachinery)
          .collect(Collectors.toList());
      grown.removeAll(reflection);
      System.out.printf("[live] %s: over 18 cycles %d classes appeared, and %d JDK reflection"
          + " accessors, method-handle forms and lambdas of retransformed classes (%s)%n", jdk,
          grown.size(), reflection.size(), reflection.stream()
              .collect(Collectors.groupingBy(c -> c, TreeMap::new, Collectors.counting())));
      // A class that first loads late (an array type, a lambda first run) appears once; one that
      // appears again and again is a leak.
      Map<String, Long> perName = grown.stream()
          .collect(Collectors.groupingBy(c -> c, TreeMap::new, Collectors.counting()));
      assertTrue(perName.values().stream().allMatch(n -> n <= 2), "grows with the cycles: " + perName);
      // Classes that load on first use (the common pool, an annotation array type the weaver first
      // meets) appear once, early or late; a leak keeps adding: the last nine cycles must add
      // (almost) nothing beyond the JDK's reflection machinery.
      List<String> lateGrowth = new ArrayList<>(classesLast);
      classesHalfWay.forEach(lateGrowth::remove);
      lateGrowth.removeIf(LiveJvmTest::reflectionMachinery);
      System.out.printf("[live] %s: over the last 9 cycles %d classes appeared: %s%n", jdk,
          lateGrowth.size(), lateGrowth);
      assertTrue(lateGrowth.size() < 9, "classes grew over the last 9 cycles: " + lateGrowth);
      assertTrue(grown.size() < 40, "classes grew over 18 cycles: " + grown);
      assertTrue(reflection.size() < 100, "JDK machinery grew by " + reflection.size());
      assertEquals(threadNames(afterWarmUp), threadNames(last));
      assertTrue(threadNames(last).stream().noneMatch(n -> n.startsWith("reset-tracer")), last);
      assertTrue(target.err().stream().noneMatch(l -> l.startsWith(JDK_WARNING)), target.describe());
      assertNoAgentLeft(target, pid);
    }
  }

  /**
   * The target's stats once its threads have settled: connection threads of the JDK's management
   * agent end a little after the connection does. With {@code expected}, waits until the thread
   * names match it (or a deadline passes).
   */
  private static String settledStats(LiveProcess target, String expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    String previous = target.ask("stats", "STATS ");
    while (System.nanoTime() < deadline) {
      Thread.sleep(500);
      String now = target.ask("stats", "STATS ");
      boolean stable = threadNames(now).equals(threadNames(previous));
      if (stable && (expected == null || threadNames(now).equals(threadNames(expected)))) {
        return now;
      }
      previous = now;
    }
    return previous;
  }

  /**
   * The JDK's reflection accessors and method-handle forms, and the lambdas of the classes that were
   * retransformed: each retransformation makes a new version of the class, whose lambdas are linked
   * anew when it next runs them, and the JVM keeps the earlier versions' lambdas.
   */
  private static boolean reflectionMachinery(String className) {
    return className.startsWith("jdk.internal.reflect.Generated")
        || className.startsWith("java.lang.invoke.LambdaForm$")
        || className.matches("sun\\.nio\\.ch\\.\\w+\\$\\$Lambda");
  }

  /** Live thread names with numbers blanked out, so a pool thread that was replaced matches. */
  private static TreeSet<String> threadNames(String stats) {
    String names = stats.substring(stats.indexOf(" threads=") + 9);
    return Arrays.stream(names.split("\\|")).map(n -> n.replaceAll("\\d+", "#"))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static int field(String stats, String name) {
    Matcher m = Pattern.compile(" " + name + "=(-?\\d+)").matcher(" " + stats.substring(6));
    assertTrue(m.find(), stats);
    return Integer.parseInt(m.group(1));
  }

  // --- errors -------------------------------------------------------------------------------------

  private void errors(Jdks.Jdk jdk) throws Exception {
    expect(jdk, 2, "no command given", new String[0]);
    expect(jdk, 2, "unknown command 'frobnicate'", "frobnicate");
    expect(jdk, 2, "usage: java -jar reset-tracer.jar attach <pid> [options]", "attach");
    expect(jdk, 2, "'abc' is not a process id", "status", "abc");
    long dead = deadPid();
    expect(jdk, 1, "no process with pid " + dead, "attach", String.valueOf(dead));

    Process sleep = new ProcessBuilder("sleep", "60").start();
    try {
      expect(jdk, 1, "pid " + sleep.pid() + " is not a Java virtual machine (sleep)", "attach",
          String.valueOf(sleep.pid()));
      assertTrue(sleep.isAlive(), "a process that is not a JVM must never be signalled");
    } finally {
      sleep.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    try (LiveProcess target = startTarget(jdk, List.of())) {
      String pid = String.valueOf(target.pid());
      expect(jdk, 2, "bad option 'colour=blue': unknown option 'colour'", "attach", pid, "colour=blue");
      expect(jdk, 1, "reset-tracer is not active in pid " + pid + "; nothing to detach", "detach", pid);
      expect(jdk, 1, "reset-tracer is not active in pid " + pid + "; load it with: java -jar ", "watch", pid);
      assertEquals(null, agentProperties(pid).getProperty("io.resettracer.agent"),
          "nothing was loaded");
      if (Files.isExecutable(Path.of("/usr/bin/setpriv")) && "root".equals(System.getProperty("user.name"))) {
        AgentCli.Run other = AgentCli.run(Stream.concat(
            Stream.of("/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"),
            AgentCli.command(jdk, "attach", pid).stream()).collect(Collectors.toList()));
        assertEquals(1, other.exitCode(), other.describe());
        assertEquals("reset-tracer: pid " + pid + " belongs to user root, and a JVM only lets its own user"
            + " attach: run this command as root (e.g. sudo -u root java -jar ...)", other.err(),
            other.describe());
      } else {
        System.out.println("[live] " + jdk + ": another user's JVM not tried (needs root and setpriv)");
      }
    }

    try (LiveProcess closed = startTarget(jdk, List.of("-XX:+DisableAttachMechanism"))) {
      expect(jdk, 1, "pid " + closed.pid() + " does not allow attaching (-XX:+DisableAttachMechanism)",
          "attach", String.valueOf(closed.pid()));
    }

    Path noAttach = runtimeWithoutAttach(jdk);
    if (noAttach != null) {
      AgentCli.Run r = AgentCli.run(new Jdks.Jdk(noAttach, jdk.feature()), "list");
      assertEquals(1, r.exitCode(), r.describe());
      assertTrue(r.err().startsWith("reset-tracer: this Java runtime (" + noAttach + ") has no jdk.attach"
          + " module"), r.describe());
    }
    System.out.println("[live] " + jdk + ": a target older than JDK 17 not tried (none installed)");

    AgentCli.Run list = cli(jdk, "list");
    assertEquals(0, list.exitCode(), list.describe());
    assertTrue(list.stdout().get(0).startsWith("PID"), list.describe());
  }

  private static void expect(Jdks.Jdk jdk, int exitCode, String message, String... args)
      throws Exception {
    AgentCli.Run r = cli(jdk, args);
    assertEquals(exitCode, r.exitCode(), r.describe());
    assertTrue(r.stderr().get(0).startsWith("reset-tracer: " + message), r.describe());
    assertEquals(exitCode == 2 ? 2 : 1, r.stderr().size(), "one line (and a hint for usage): " + r.describe());
  }

  // --- helpers ----------------------------------------------------------------------------------

  private static AgentCli.Run cli(Jdks.Jdk jdk, String... args) throws Exception {
    return AgentCli.run(jdk, args);
  }

  private static LiveProcess startTarget(Jdks.Jdk jdk, List<String> jvmArgs) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(jdk.java().toString());
    command.addAll(jvmArgs);
    command.addAll(List.of("-cp", ChildJvm.SCENARIO_CLASSES.toString(), TARGET));
    LiveProcess p = LiveProcess.start(command);
    try {
      p.awaitOut(0, l -> l.startsWith("READY "), 30_000);
    } catch (AssertionError | InterruptedException e) {
      p.close();
      throw e;
    }
    return p;
  }

  /**
   * No agent properties but the detach's answer, which the command read there, and no thread of
   * ours.
   */
  private static void assertNoAgentLeft(LiveProcess target, String pid) throws Exception {
    Properties agent = agentProperties(pid);
    List<String> left = agent.stringPropertyNames().stream()
        .filter(k -> k.startsWith("io.resettracer")).collect(Collectors.toList());
    assertEquals(1, left.size(), "agent properties left: " + agent);
    assertTrue(left.get(0).startsWith("io.resettracer.agent.reply."), left.toString());
    assertTrue(agent.getProperty(left.get(0)).startsWith("detached: "), agent.toString());
    String stats = target.ask("stats", "STATS ");
    assertTrue(threadNames(stats).stream().noneMatch(n -> n.startsWith("reset-tracer")), stats);
  }

  private static Properties agentProperties(String pid) throws Exception {
    VirtualMachine vm = VirtualMachine.attach(pid);
    try {
      return vm.getAgentProperties();
    } finally {
      vm.detach();
    }
  }

  /**
   * The socket classes' current bytecode, disassembled by the JDK's javap, with constant-pool indices
   * blanked out: a retransformation merges the class's constant pool with the previous version's, so
   * the bytes after a detach may number their constants differently while every instruction is the
   * original one. Captured by a probe agent loaded just for this.
   */
  private static Map<String, String> probe(Jdks.Jdk jdk, LiveProcess target) throws Exception {
    Path out = Files.createTempFile(workDir(), "probe-", ".txt");
    try {
      probeInto(target, out);
      Map<String, String> code = new TreeMap<>();
      for (String line : Files.readAllLines(out)) {
        if (!line.isBlank() && !line.startsWith("class ")) {
          String name = line.split(" ")[0];
          Path file = Path.of(out + "." + name + ".class");
          code.put(name, disassemble(jdk, file));
          Files.deleteIfExists(file);
        }
      }
      assertTrue(code.containsKey("sun.nio.ch.NioSocketImpl"), code.keySet().toString());
      return code;
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /**
   * Every class that was loaded before the first attach has its original code again; one that loaded
   * later (woven as it loaded) calls no hook any more.
   */
  private static void assertRestored(Map<String, String> original, Map<String, String> now) {
    for (Map.Entry<String, String> e : now.entrySet()) {
      if (original.containsKey(e.getKey())) {
        assertEquals(original.get(e.getKey()), e.getValue(), "bytecode of " + e.getKey() + " after detach");
      } else {
        assertFalse(e.getValue().contains("ResetTracerHooks"), e.getKey() + " after detach:\n" + e.getValue());
      }
    }
  }

  private static String disassemble(Jdks.Jdk jdk, Path classFile) throws Exception {
    Process p = new ProcessBuilder(jdk.tool("javap").toString(), "-c", "-p", classFile.toString())
        .redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, text);
    return text.lines().filter(l -> !l.startsWith("Compiled from") && !l.startsWith("Classfile"))
        .map(l -> l.replaceAll("#\\d+", "#"))
        .collect(Collectors.joining("\n"));
  }

  /**
   * The names of the classes loaded in the target, lambda and accessor numbering blanked out. Counted
   * through JVMTI rather than the class-loading MXBean, whose count also grows by one for every class
   * retransformed, a JVM bookkeeping artefact that would hide a real leak.
   */
  private static List<String> loadedClasses(LiveProcess target) throws Exception {
    target.ask("gc", "GC");
    return probeLines(target).stream().filter(l -> l.startsWith("class "))
        .map(l -> l.substring(6).replaceAll("\\$\\$Lambda.*", "\\$\\$Lambda")
            .replaceAll("Accessor\\d+$", "Accessor"))
        .sorted().collect(Collectors.toList());
  }

  private static List<String> probeLines(LiveProcess target) throws Exception {
    Path out = Files.createTempFile(workDir(), "probe-", ".txt");
    try {
      probeInto(target, out);
      return Files.readAllLines(out);
    } finally {
      try (Stream<Path> files = Files.list(workDir())) {
        for (Path f : files.filter(f -> f.getFileName().toString().startsWith(out.getFileName().toString()))
            .collect(Collectors.toList())) {
          Files.deleteIfExists(f);
        }
      }
    }
  }

  private static void probeInto(LiveProcess target, Path out) throws Exception {
    VirtualMachine vm = VirtualMachine.attach(String.valueOf(target.pid()));
    try {
      vm.loadAgent(probeJar().toString(), out.toString());
    } finally {
      vm.detach();
    }
  }

  /** A manifest-only jar: the probe class is on the target's class path already. */
  private static synchronized Path probeJar() throws IOException {
    Path jar = workDir().resolve("class-bytes-probe.jar");
    if (!Files.exists(jar)) {
      Manifest m = new Manifest();
      m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
      m.getMainAttributes().putValue("Agent-Class", PROBE);
      m.getMainAttributes().putValue("Can-Retransform-Classes", "true");
      Path tmp = Files.createTempFile(workDir(), "probe-", ".jar");
      try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(tmp), m)) {
        // the manifest is all it needs
      }
      Files.move(tmp, jar, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    return jar;
  }

  /** A runtime built with jlink from {@code jdk} without jdk.attach, or null if jlink fails. */
  private static Path runtimeWithoutAttach(Jdks.Jdk jdk) throws Exception {
    Path image = workDir().resolve("runtime-noattach-" + jdk.feature());
    if (!Files.exists(image.resolve("bin/java"))) {
      Process p = new ProcessBuilder(jdk.tool("jlink").toString(), "--add-modules",
          "java.base,java.instrument,java.logging,java.management,jdk.jfr", "--output", image.toString())
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        System.out.println("[live] " + jdk + ": jlink failed, the runtime without jdk.attach is not tried: " + out);
        return null;
      }
    }
    return image;
  }

  /** Prints how long the command took and the target's longest pauses; fails on a long one of ours. */
  private static void reportPauses(Jdks.Jdk jdk, String command, AgentCli.Run run, Path safepoints,
      int fromLine) throws IOException {
    Map.Entry<String, Long> any = longestPause(safepoints, fromLine, false);
    Map.Entry<String, Long> ours = longestPause(safepoints, fromLine, true);
    System.out.printf("[live] %s: %s took %d ms from command launch (%s); longest pause in the target"
        + " meanwhile %.2f ms (%s), longest apart from collections %.2f ms (%s)%n", jdk, command,
        run.millis(), run.stdout().get(0), any.getValue() / 1e3, any.getKey(), ours.getValue() / 1e3,
        ours.getKey());
    assertTrue(ours.getValue() < 100_000, "a pause during " + command + ": " + ours);
  }

  /**
   * The longest safepoint logged after line {@code fromLine}: its operation, and its length in µs.
   * With {@code withoutGc}, collections are left out: the agent's allocations can bring one forward,
   * but its length is the collector's, and on a busy machine its own.
   */
  private static Map.Entry<String, Long> longestPause(Path safepointLog, int fromLine,
      boolean withoutGc) throws IOException {
    Map.Entry<String, Long> longest = Map.entry("none", 0L);
    List<String> lines = lines(safepointLog);
    for (String line : lines.subList(Math.min(fromLine, lines.size()), lines.size())) {
      Matcher m = SAFEPOINT.matcher(line);
      if (m.find() && !(withoutGc && m.group(1).contains("Collect"))
          && Long.parseLong(m.group(2)) / 1_000 > longest.getValue()) {
        longest = Map.entry(m.group(1), Long.parseLong(m.group(2)) / 1_000);
      }
    }
    return longest;
  }

  private static List<String> lines(Path file) throws IOException {
    return Files.readAllLines(file);
  }

  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor(10, TimeUnit.SECONDS);
    return p.pid();
  }

  private static Path workDir() throws IOException {
    return Files.createDirectories(ChildJvm.WORK);
  }
}
