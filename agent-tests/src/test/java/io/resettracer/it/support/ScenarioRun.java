package io.resettracer.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One scenario run in a child JVM, parsed: its facts, exceptions, events and agent health. */
public final class ScenarioRun {

  public final ChildJvm.Result result;
  public final Map<String, String> facts = new HashMap<>();
  public final List<String> appExceptions = new ArrayList<>();
  public final List<Map<String, String>> events = new ArrayList<>();
  /** {@code resettracer.ResetIncident} events, from sample runs, when the agent records them. */
  public final List<Map<String, String>> incidents = new ArrayList<>();
  /** The verdict a sample app says it reproduces. */
  public String expected;
  public long swallowed = -1;
  /** Connections the agent still tracked when the scenario had finished; -1 if not reported. */
  public long tracked = -1;
  /** The JDK socket classes that carried the agent's state field, comma-separated. */
  public String stateFields = "";
  /** Connections whose state the agent kept in their own field; -1 if not reported. */
  public long ownState = -1;
  public String skipped;

  private ScenarioRun(ChildJvm.Result result) {
    this.result = result;
    for (String line : result.stdout()) {
      if (line.startsWith("FACT ")) {
        String kv = line.substring(5);
        int eq = kv.indexOf('=');
        facts.put(kv.substring(0, eq), kv.substring(eq + 1));
      } else if (line.startsWith("APP-EXCEPTION ") || line.equals("APP-OK")) {
        appExceptions.add(line);
      } else if (line.startsWith("EVENT ")) {
        events.add(fields(line.substring(6)));
      } else if (line.startsWith("INCIDENT ")) {
        incidents.add(fields(line.substring(9)));
      } else if (line.startsWith("EXPECT ") && expected == null) {
        expected = line.substring(7).trim();
      } else if (line.startsWith("TRACKED ")) {
        tracked = Long.parseLong(line.substring(8).trim());
      } else if (line.startsWith("STATE-FIELDS ")) {
        stateFields = line.substring(13).trim();
      } else if (line.startsWith("OWN-STATE ")) {
        ownState = Long.parseLong(line.substring(10).trim());
      } else if (line.startsWith("SWALLOWED ")) {
        swallowed = Long.parseLong(line.substring(10).trim());
      } else if (line.startsWith("SKIP ")) {
        skipped = line.substring(5);
      }
    }
  }

  private static Map<String, String> fields(String tabSeparated) {
    Map<String, String> e = new LinkedHashMap<>();
    for (String field : tabSeparated.split("\t")) {
      int eq = field.indexOf('=');
      e.put(field.substring(0, eq), field.substring(eq + 1));
    }
    return e;
  }

  /**
   * Runs a sample app's main class with the agent and a recording, behind {@code launcher} (empty,
   * or {@code unshare -n}); its class path is the sample classes and the runner, never the agent's.
   */
  public static ScenarioRun ofSample(Jdks.Jdk jdk, String sampleClass, List<String> launcher,
      long timeoutSeconds) throws IOException, InterruptedException {
    Files.createDirectories(ChildJvm.WORK);
    String name = sampleClass.substring(sampleClass.lastIndexOf('.') + 1);
    Path jfr = Files.createTempFile(ChildJvm.WORK, name + "-", ".jfr");
    String classPath = SAMPLE_CLASSES + java.io.File.pathSeparator + ChildJvm.SCENARIO_CLASSES;
    ChildJvm.Result r = ChildJvm.run(launcher, jdk, classPath,
        List.of(ChildJvm.javaagent("log=warn"), "-Xshare:auto"),
        "io.resettracer.it.scenarios.SampleMain", List.of(sampleClass, jfr.toString()),
        timeoutSeconds);
    Files.deleteIfExists(jfr);
    ScenarioRun run = new ScenarioRun(r);
    if (r.exitCode() != 0 || !r.stdout().contains("DONE")) {
      throw new AssertionError(name + " on " + jdk + " failed:\n" + r.describe());
    }
    return run;
  }

  public static final Path SAMPLE_CLASSES = Path.of(System.getProperty("resettracer.sampleClasses",
      "../sample-apps/target/classes")).toAbsolutePath().normalize();

  /**
   * Runs a main class of the scenarios' own, with the agent (given options) and a recording file
   * for it as its only argument.
   */
  public static ScenarioRun ofMain(Jdks.Jdk jdk, String mainClass, String agentOptions)
      throws IOException, InterruptedException {
    Files.createDirectories(ChildJvm.WORK);
    String name = mainClass.substring(mainClass.lastIndexOf('.') + 1);
    Path jfr = Files.createTempFile(ChildJvm.WORK, name + "-", ".jfr");
    ChildJvm.Result r = ChildJvm.run(jdk, List.of(ChildJvm.javaagent(agentOptions)), mainClass,
        List.of(jfr.toString()), 90);
    Files.deleteIfExists(jfr);
    ScenarioRun run = new ScenarioRun(r);
    if (r.exitCode() != 0 || !r.stdout().contains("DONE")) {
      throw new AssertionError(name + " on " + jdk + " failed:\n" + r.describe());
    }
    return run;
  }

  /** Runs {@code scenario} with the agent (given options) or, with {@code agentOptions == null}, without. */
  public static ScenarioRun of(Jdks.Jdk jdk, String scenario, String agentOptions, List<String> extraJvmArgs)
      throws IOException, InterruptedException {
    Files.createDirectories(ChildJvm.WORK);
    Path jfr = Files.createTempFile(ChildJvm.WORK, scenario + "-", ".jfr");
    List<String> jvmArgs = new ArrayList<>(extraJvmArgs);
    if (agentOptions != null) {
      jvmArgs.add(ChildJvm.javaagent(agentOptions));
    }
    jvmArgs.add("-Dscenario.keystore=" + Keystore.path(jdk));
    ChildJvm.Result r = ChildJvm.run(jdk, jvmArgs, "io.resettracer.it.scenarios.ScenarioMain",
        List.of(scenario, jfr.toString()), 90);
    Files.deleteIfExists(jfr);
    ScenarioRun run = new ScenarioRun(r);
    if (r.exitCode() != 0 || !r.stdout().contains("DONE")) {
      throw new AssertionError(scenario + " on " + jdk + " failed:\n" + r.describe());
    }
    return run;
  }

  public long fact(String key) {
    String v = facts.get(key);
    if (v == null) {
      throw new AssertionError("scenario printed no fact " + key + ":\n" + result.describe());
    }
    return Long.parseLong(v);
  }

  public String describe() {
    return result.describe();
  }

  /** A throwaway PKCS12 key pair for the TLS scenario, made once per JDK with its own keytool. */
  static final class Keystore {
    private static final Map<Path, Path> made = new HashMap<>();

    static synchronized Path path(Jdks.Jdk jdk) throws IOException, InterruptedException {
      Path existing = made.get(jdk.home());
      if (existing != null) {
        return existing;
      }
      Path ks = ChildJvm.WORK.resolve("tls-" + jdk.feature() + ".p12");
      Files.deleteIfExists(ks);
      Process p = new ProcessBuilder(jdk.tool("keytool").toString(), "-genkeypair", "-alias", "test",
          "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost", "-validity", "2",
          "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", "changeit",
          "-keypass", "changeit").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (p.waitFor() != 0) {
        throw new IOException("keytool failed: " + out);
      }
      made.put(jdk.home(), ks);
      return ks;
    }
  }
}
