package io.resettracer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.resettracer.it.support.ChildJvm;
import io.resettracer.it.support.Jdks;
import io.resettracer.it.support.ScenarioRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** How the agent starts, configures itself and stands down, in child JVMs on every JDK found. */
class AgentStartupTest {

  private static final String PLAIN = "io.resettracer.it.scenarios.PlainResets";

  @TestFactory
  Stream<DynamicNode> everyJdk() {
    return Jdks.all().stream().map(jdk -> DynamicContainer.dynamicContainer(jdk.toString(), Stream.of(
        DynamicTest.dynamicTest("bad options warn once each and the agent carries on",
            () -> badOptions(jdk)),
        DynamicTest.dynamicTest("log=off prints nothing", () -> logOff(jdk)),
        DynamicTest.dynamicTest("logLimit holds lines back", () -> logLimit(jdk)),
        DynamicTest.dynamicTest("a command-line JFR recording holds the events",
            () -> commandLineRecording(jdk)),
        DynamicTest.dynamicTest("a second -javaagent is a no-op", () -> loadedTwice(jdk)),
        DynamicTest.dynamicTest("a runtime without jdk.jfr still logs", () -> withoutJfr(jdk)),
        DynamicTest.dynamicTest("by default the first socket does not wait for the agent",
            () -> earlyConnection(jdk)),
        DynamicTest.dynamicTest("an idle JVM's agent threads sleep", () -> idle(jdk)))));
  }

  private static List<String> agentLines(ChildJvm.Result r) {
    return r.stderr().stream().filter(l -> l.startsWith("[reset-tracer]")).collect(Collectors.toList());
  }

  private static List<String> resetLines(ChildJvm.Result r) {
    return agentLines(r).stream().filter(l -> l.startsWith("[reset-tracer] reset on client socket read"))
        .collect(Collectors.toList());
  }

  private static ChildJvm.Result plain(Jdks.Jdk jdk, List<String> jvmArgs, int resets) throws Exception {
    ChildJvm.Result r = ChildJvm.run(jdk, jvmArgs, PLAIN, List.of(String.valueOf(resets)), 60);
    assertEquals(0, r.exitCode(), r.describe());
    assertTrue(r.stdout().contains("DONE"), r.describe());
    return r;
  }

  private void badOptions(Jdks.Jdk jdk) throws Exception {
    ChildJvm.Result r = plain(jdk, List.of(ChildJvm.javaagent("colour=blue,logWindow=10")), 1);
    List<String> warnings = agentLines(r).stream().filter(l -> l.contains("WARN ignoring option"))
        .collect(Collectors.toList());
    assertEquals(2, warnings.size(), r.describe());
    assertTrue(warnings.get(0).contains("'colour=blue': unknown option 'colour'"), warnings.get(0));
    assertTrue(warnings.get(1).contains("'10' is not a duration"), warnings.get(1));
    assertEquals(1, resetLines(r).size(), "the agent still works:\n" + r.describe());
  }

  private void logOff(Jdks.Jdk jdk) throws Exception {
    ChildJvm.Result r = plain(jdk, List.of(ChildJvm.javaagent("log=off")), 2);
    assertEquals(List.of(), agentLines(r));
    assertEquals(2, r.stdout().stream().filter(l -> l.startsWith("APP-EXCEPTION")).count());
  }

  private void logLimit(Jdks.Jdk jdk) throws Exception {
    ChildJvm.Result r = plain(jdk, List.of(ChildJvm.javaagent("logLimit=2,logWindow=1h")), 5);
    assertEquals(2, resetLines(r).size(), r.describe());
  }

  private void commandLineRecording(Jdks.Jdk jdk) throws Exception {
    Files.createDirectories(ChildJvm.WORK);
    Path jfr = ChildJvm.WORK.resolve("cmdline-" + jdk.feature() + ".jfr");
    Files.deleteIfExists(jfr);
    // On JDK 17 a recording started at launch retransforms the socket classes right after premain:
    // the agent's transformation must survive it.
    plain(jdk, List.of(ChildJvm.javaagent("log=off"),
        "-XX:StartFlightRecording=filename=" + jfr + ",dumponexit=true,settings=default"), 3);
    Process p = new ProcessBuilder(jdk.tool("jfr").toString(), "print", "--stack-depth", "64", "--events",
        "resettracer.ConnectionReset", jfr.toString()).redirectErrorStream(true).start();
    String printed = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor());
    assertEquals(3, printed.split("resettracer.ConnectionReset \\{").length - 1, printed);
    assertTrue(printed.contains("exceptionMessage = \"Connection reset\""), printed);
    assertTrue(printed.contains("bytesWritten = 10 bytes"), printed);
    assertTrue(printed.contains("io.resettracer.it.scenarios.PlainResets.main"), printed);
    Files.deleteIfExists(jfr);
  }

  private void loadedTwice(Jdks.Jdk jdk) throws Exception {
    ChildJvm.Result r = plain(jdk, List.of(ChildJvm.javaagent(""), ChildJvm.javaagent("")), 2);
    assertTrue(agentLines(r).stream().anyMatch(l -> l.contains("already loaded in this JVM; nothing to do")),
        r.describe());
    assertEquals(2, resetLines(r).size(), "one line per reset, not two:\n" + r.describe());
  }

  /**
   * The default start-up: a connection opened before the instrumentation is ready loads its socket
   * class unwoven, and is tracked from its first I/O after the agent's retransformation: its reset
   * is still one event, the application's exception unchanged, and no age is invented for it.
   */
  private void earlyConnection(Jdks.Jdk jdk) throws Exception {
    ScenarioRun run =
        ScenarioRun.ofMain(jdk, "io.resettracer.it.scenarios.EarlyConnectionMain", "startupWait=0ms");
    assertEquals("true", run.facts.get("readyLater"), run.result.describe());
    assertEquals(1, run.events.size(), run.result.describe());
    Map<String, String> e = run.events.get(0);
    assertEquals("Connection reset", e.get("exceptionMessage"), run.result.describe());
    assertEquals(1, run.appExceptions.size(), run.result.describe());
    assertTrue(run.appExceptions.get(0).startsWith(
        "APP-EXCEPTION java.net.SocketException: Connection reset | cause null"), run.result.describe());
    if ("false".equals(run.facts.get("readyAfterOpen"))) {
      // Opened while the class was unwoven: first seen at its next write, so its age is unknown.
      System.out.println("[early] " + jdk + ": connection opened before the agent was ready");
      assertEquals("false", e.get("ageKnown"), run.result.describe());
      assertEquals("5", e.get("bytesWritten"), "counted from the first I/O seen:\n" + run.result.describe());
    } else {
      System.out.println("[early] " + jdk + ": the agent was ready before the first socket");
    }
    assertEquals(0, run.swallowed, run.result.describe());
  }

  /**
   * A JVM with open but quiet connections: the agent's threads (its clock, its background work)
   * must not keep waking up. They woke 23 times a second before the clock learned to sleep and
   * incidents were settled only while one is open; now only the host sample every 5 s remains.
   */
  private void idle(Jdks.Jdk jdk) throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "no /proc/self/task: not Linux");
    long windowMs = 3_000;
    ChildJvm.Result r = ChildJvm.run(jdk, List.of(ChildJvm.javaagent("")),
        "io.resettracer.it.scenarios.IdleMain", List.of(String.valueOf(windowMs)), 60);
    assertEquals(0, r.exitCode(), r.describe());
    assertTrue(r.stdout().contains("DONE"), r.describe());
    Map<String, String> facts = r.stdout().stream().filter(l -> l.startsWith("FACT "))
        .map(l -> l.substring(5).split("=", 2)).collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));
    assertTrue(Long.parseLong(facts.get("agentThreads")) >= 2, "the agent's threads were not found:\n"
        + r.describe());
    long wakeUps = Long.parseLong(facts.get("wakeUps"));
    System.out.println("[idle] " + jdk + ": the agent's threads woke " + wakeUps + " times in "
        + windowMs + " ms of quiet");
    // A host sample may fall into the window (a few switches: file reads); a ticking clock alone
    // made some 60.
    assertTrue(wakeUps <= 6, wakeUps + " wake-ups in " + windowMs + " ms:\n" + r.describe());
  }

  /** A jlinked runtime with the agent's modules but no jdk.jfr: resets are still logged. */
  private void withoutJfr(Jdks.Jdk jdk) throws Exception {
    Path image = ChildJvm.WORK.resolve("runtime-nojfr-" + jdk.feature());
    if (!Files.exists(image.resolve("bin/java"))) {
      Process p = new ProcessBuilder(jdk.tool("jlink").toString(), "--add-modules",
          "java.base,java.instrument,java.logging,java.management", "--output", image.toString())
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      assumeTrue(p.waitFor() == 0, () -> "jlink could not build a runtime: " + out);
    }
    Jdks.Jdk noJfr = new Jdks.Jdk(image, jdk.feature());
    ChildJvm.Result r = plain(noJfr, List.of(ChildJvm.javaagent("")), 1);
    List<String> lines = new ArrayList<>(agentLines(r));
    assertTrue(lines.stream().anyMatch(l -> l.contains("no jdk.jfr module")), r.describe());
    assertEquals(1, resetLines(r).size(), r.describe());
  }
}
