package io.resettracer.jmc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real recordings for the rule: each of the project's sample apps run once, in a child JVM under
 * the agent jar with a JFR recording, exactly as demo.sh runs them; and two controls, a JVM with
 * the agent and no reset, and one without the agent. Made on first use and shared by every test
 * class of the run; kept in target/recordings to open in JMC afterwards.
 */
final class SampleRecordings {

  /** One demo scenario: its name in demo.sh, its main class, the verdict it reproduces. */
  record Scenario(String name, String mainClass, String cause, boolean needsNamespace) {}

  static final List<Scenario> SCENARIOS = List.of(
      new Scenario("idle-timeout", "IdleTimeoutSample", "IDLE_TIMEOUT", false),
      new Scenario("keepalive-mismatch", "KeepaliveMismatchSample", "KEEPALIVE_MISMATCH", false),
      new Scenario("peer-crash", "PeerCrashSample", "PEER_CRASH", false),
      new Scenario("resource-exhaustion", "ResourceExhaustionSample", "RESOURCE_EXHAUSTION",
          false),
      new Scenario("network-device", "NetworkDeviceSample", "NETWORK_DEVICE", false),
      new Scenario("large-payload", "LargePayloadSample", "LARGE_PAYLOAD", false),
      new Scenario("network-instability", "NetworkInstabilitySample", "NETWORK_INSTABILITY",
          true),
      new Scenario("thin-evidence", "ThinEvidenceSample", "UNKNOWN", false));

  static final Path AGENT_JAR =
      property("resettracer.agentJar", "../agent/target/reset-tracer.jar");
  static final Path SAMPLE_CLASSES =
      property("resettracer.sampleClasses", "../sample-apps/target/classes");
  static final Path DIR = property("resettracer.recordings", "target/recordings");
  private static final long TIMEOUT_SECONDS = 90;

  /** A recording, or why there is none (the scenario cannot run here). */
  record Recording(Path file, String skipped) {}

  private static final Map<String, Recording> made = new HashMap<>();

  private SampleRecordings() {}

  /** The scenario's recording, made on first use. */
  static synchronized Recording of(Scenario s) throws IOException, InterruptedException {
    Recording r = made.get(s.name());
    if (r == null) {
      r = record(s);
      made.put(s.name(), r);
    }
    return r;
  }

  /** A JVM under the agent whose connection works and closes cleanly: no reset at all. */
  static synchronized Path quietWithAgent() throws IOException, InterruptedException {
    return control("quiet-with-agent", true);
  }

  /** The same JVM without the agent: the recording knows none of its event types. */
  static synchronized Path withoutAgent() throws IOException, InterruptedException {
    return control("without-agent", false);
  }

  private static Path control(String name, boolean agent) throws IOException,
      InterruptedException {
    Recording r = made.get(name);
    if (r == null) {
      String classes = Path.of(QuietMain.class.getProtectionDomain().getCodeSource().getLocation()
          .getPath()).toString();
      r = run(name, List.of(), agent, classes, QuietMain.class.getName());
      made.put(name, r);
    }
    return r.file();
  }

  private static Recording record(Scenario s) throws IOException, InterruptedException {
    List<String> launcher = List.of();
    if (s.needsNamespace()) {
      String why = namespaceUnavailable();
      if (why != null) {
        return new Recording(null, why);
      }
      launcher = List.of("unshare", "-n");
    }
    assertTrue(Files.isDirectory(SAMPLE_CLASSES), "sample apps not built: " + SAMPLE_CLASSES);
    return run(s.name(), launcher, true, SAMPLE_CLASSES.toString(),
        "io.resettracer.samples." + s.mainClass());
  }

  private static Recording run(String name, List<String> launcher, boolean agent,
      String classPath, String mainClass) throws IOException, InterruptedException {
    Files.createDirectories(DIR);
    Path jfr = DIR.resolve(name + ".jfr");
    Path log = DIR.resolve(name + ".log");
    Files.deleteIfExists(jfr);
    List<String> command = new ArrayList<>(launcher);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (agent) {
      assertTrue(Files.isRegularFile(AGENT_JAR), "agent jar not built: " + AGENT_JAR);
      // The samples open their connections in their first milliseconds: the agent holds them
      // up until its hooks are in, as demo.sh does.
      command.add("-javaagent:" + AGENT_JAR + "=startupWait=10s,log=warn");
    }
    command.add("-XX:StartFlightRecording=filename=" + jfr + ",dumponexit=true,settings=default");
    command.add("-Xshare:auto");
    command.addAll(List.of("-cp", classPath, mainClass));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    try {
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new AssertionError(name + " did not finish in " + TIMEOUT_SECONDS + " s: "
            + command + "\n" + Files.readString(log, StandardCharsets.UTF_8));
      }
    } finally {
      // A sample's peers are child processes of its own; none may outlive a failed run.
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    List<String> output = Files.readAllLines(log, StandardCharsets.UTF_8);
    for (String line : output) {
      if (line.startsWith("SKIP ")) {
        return new Recording(null, line.substring(5));
      }
    }
    assertEquals(0, p.exitValue(), name + " failed: " + command + "\n" + String.join("\n", output));
    assertTrue(Files.size(jfr) > 0, name + " left no recording: " + jfr);
    return new Recording(jfr, null);
  }

  /** Why a private network namespace with iptables cannot be had here, or null. */
  private static String namespaceUnavailable() throws IOException, InterruptedException {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "needs root for a private network namespace";
    }
    for (String tool : List.of("unshare", "ip", "iptables")) {
      if (!onPath(tool)) {
        return tool + " is not installed";
      }
    }
    Process p = new ProcessBuilder("unshare", "-n", "true").redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      return "unshare -n does not work here";
    }
    return null;
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    for (String dir : List.of("/usr/sbin", "/sbin")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  private static Path property(String name, String fallback) {
    return Path.of(System.getProperty(name, fallback)).toAbsolutePath().normalize();
  }
}
