package io.resettracer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the command line decides before it touches any JVM. */
class CliTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpListsEveryCommandAndTheExitCodes() {
    assertEquals(0, run("help"));
    String usage = out.toString(StandardCharsets.UTF_8);
    for (String command : new String[] {"list", "attach <pid> [options]", "status <pid>", "watch <pid>",
        "detach <pid>", "exit codes: 0 success, 1", "-XX:+EnableDynamicAgentLoading"}) {
      assertTrue(usage.contains(command), command);
    }
  }

  @Test
  void usageErrorsExitWithTwoAndOneLinePlusAHint() {
    assertEquals(2, run());
    assertEquals("reset-tracer: no command given\ntry: java -jar reset-tracer.jar help\n", err());
    err.reset();
    assertEquals(2, run("attach", "12x"));
    assertTrue(err().startsWith("reset-tracer: '12x' is not a process id\n"), err());
    err.reset();
    assertEquals(2, run("status", "1", "2"));
    assertTrue(err().startsWith("reset-tracer: usage: java -jar reset-tracer.jar status <pid>\n"), err());
  }

  @Test
  void badOptionsAreRefusedBeforeAnyAttach() {
    // pid 1 is never attached to: the options are checked first.
    assertEquals(2, run("attach", "1", "log=loud"));
    assertTrue(err().startsWith("reset-tracer: bad option 'log=loud': 'loud' is not a log level"), err());
  }

  @Test
  void aTargetOlderThanJdk17IsRefused() throws CliFailure {
    CliFailure f = assertThrows(CliFailure.class, () -> TargetJvm.requireSupported(42, "1.8"));
    assertEquals(1, f.exitCode);
    assertEquals("pid 42 runs Java 1.8; reset-tracer needs JDK 17 or later in the target: load it"
        + " with -javaagent after an upgrade", f.getMessage());
    assertThrows(CliFailure.class, () -> TargetJvm.requireSupported(1, "11"));
    assertEquals(21, TargetJvm.requireSupported(1, "21"));
  }

  @Test
  void presenceReadsAsVersionAndMode() {
    assertEquals("0.1.0 (loaded by attach)", AttachCommand.describe("0.1.0 attach"));
  }

  @Test
  void statusPrintsEveryCountTheAgentPublishes() {
    java.util.Properties p = new java.util.Properties();
    p.setProperty("io.resettracer.agent", "0.1.0 attach");
    p.setProperty("io.resettracer.status.version", "0.1.0");
    p.setProperty("io.resettracer.status.mode", "attach");
    p.setProperty("io.resettracer.status.options", "");
    p.setProperty("io.resettracer.count.trackedConnections", "4");
    p.setProperty("io.resettracer.count.resetsPerVerdict", "3");
    p.setProperty("io.resettracer.count.resetsPerVerdict.IDLE_TIMEOUT", "2");
    p.setProperty("io.resettracer.count.resetsPerVerdict.UNKNOWN", "1");
    p.setProperty("io.resettracer.count.incidentsPerVerdict", "0");
    p.setProperty("io.resettracer.count.swallowedErrors", "0");
    p.setProperty("io.resettracer.status.firstSwallowedError", "");
    // One the agent added later: shown without a change here.
    p.setProperty("io.resettracer.count.droppedEvents", "17");
    StatusCommand.print(42, p, new PrintStream(out, true, StandardCharsets.UTF_8));
    assertEquals(String.join("\n",
        "pid 42: reset-tracer 0.1.0 active (loaded by attach)",
        "  options:             (defaults)",
        "  connections tracked: 4",
        "  resets seen:         3 (IDLE_TIMEOUT 2, UNKNOWN 1)",
        "  incidents:           0",
        "  errors swallowed:    0",
        "  dropped events:      17",
        ""), out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aDuplicatedOptionIsRefusedBeforeAnyAttach() {
    assertEquals(2, run("attach", "1", "logLimit=1,logLimit=2"));
    assertTrue(err().startsWith("reset-tracer: option 'logLimit' is given more than once"), err());
  }
}
