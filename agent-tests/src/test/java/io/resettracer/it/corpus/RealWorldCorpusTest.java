package io.resettracer.it.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.resettracer.it.support.ChildJvm;
import io.resettracer.it.support.Jdks;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The real-world corpus ({@link Setups}): real servers and middleboxes in labs of network
 * namespaces, real client libraries under the agent, on every JDK found. Each setup must really
 * produce resets (the agent's events, none of its errors swallowed); every event is then scored
 * against the setup's true cause. Prints, per JDK, the confusion matrix (true cause by verdict) and
 * each cause's accuracy, and over the whole corpus a calibration table: of the verdicts named with
 * at least 60, 70, 80, 90 % confidence, how many were right. Each run's output stays in
 * {@code target/corpus/<jdk>/<setup>.out} (its events' facts and evidence) for study.
 */
class RealWorldCorpusTest {

  private static final long RUN_TIMEOUT_SECONDS = 120;
  /** Two labs at a time: the machine has two cores, and every setup spends most time asleep. */
  private static final int PARALLEL = 2;
  private static final AtomicInteger LAB_INDEX = new AtomicInteger();
  /** Named verdicts at a confidence floor below which no share is judged. */
  private static final int CALIBRATION_SAMPLE = 20;
  private static final Path OUT = ChildJvm.WORK.resolveSibling("corpus");
  private static final Set<String> RESET_FAMILY = Set.of("Connection reset", "Broken pipe",
      "Connection timed out", "end of stream", "unexpected end of stream",
      "Unexpected end of stream");

  /** A setup's run on one JDK, parsed. */
  record Run(Setups.Setup setup, Jdks.Jdk jdk, List<Map<String, String>> events,
      List<Map<String, String>> incidents, List<String> appFailures, List<String> appOk,
      long swallowed, long millis, String output) {}

  private static final List<Run> RUNS = Collections.synchronizedList(new ArrayList<>());
  private static ExecutorService executor;
  private static long startNanos;

  @TestFactory
  Stream<DynamicNode> everySetupOnEveryJdk() {
    String why = Lab.unavailable();
    List<Jdks.Jdk> jdks = Jdks.all();
    if (why != null) {
      System.out.println("[corpus] skipped: " + why);
      return Stream.of(DynamicTest.dynamicTest("corpus", () -> assumeTrue(false,
          "the real-world corpus is skipped: " + why)));
    }
    assertFalse(jdks.isEmpty(), "no JDK found to run child JVMs on");
    // -Dcorpus.only=<regex> and -Dcorpus.jdk=<feature> run a part of the corpus, to study a setup.
    String only = System.getProperty("corpus.only", ".*");
    String oneJdk = System.getProperty("corpus.jdk", "");
    List<Setups.Setup> setups = Setups.ALL.stream().filter(s -> s.name().matches(only)).toList();
    jdks = jdks.stream().filter(j -> oneJdk.isEmpty() || oneJdk.equals("" + j.feature())).toList();
    startNanos = System.nanoTime();
    executor = Executors.newFixedThreadPool(PARALLEL);
    Map<String, Future<Run>> futures = new LinkedHashMap<>();
    // Interleaved, so that two labs at a time are mostly different setups.
    for (Setups.Setup s : setups) {
      for (Jdks.Jdk jdk : jdks) {
        futures.put(jdk.feature() + "/" + s.name(), executor.submit(() -> run(jdk, s)));
      }
    }
    return jdks.stream().map(jdk -> DynamicContainer.dynamicContainer(jdk.toString(),
        setups.stream().map(s -> DynamicTest.dynamicTest(s.name(), () -> {
          Run r = futures.get(jdk.feature() + "/" + s.name()).get(2 * RUN_TIMEOUT_SECONDS,
              TimeUnit.SECONDS);
          check(r);
        }))));
  }

  private static Run run(Jdks.Jdk jdk, Setups.Setup setup) throws Exception {
    long t0 = System.nanoTime();
    try (Lab lab = new Lab(1 + LAB_INDEX.getAndIncrement() % 150, setup.hosts())) {
      Setups.Plan plan = setup.builder().build(lab);
      Path jfr = lab.dir.resolve("client.jfr");
      List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", lab.client,
          jdk.java().toString(), ChildJvm.javaagent("log=info"), "-Xshare:auto",
          "-cp", ChildJvm.SCENARIO_CLASSES + ChildJvm.LIBRARIES,
          CorpusClient.class.getName(), plan.lib(), jfr.toString(), plan.steps()));
      command.addAll(plan.targets());
      command.add("conns=" + plan.conns());
      Path dir = OUT.resolve("jdk" + jdk.feature());
      Files.createDirectories(dir);
      Path err = dir.resolve(setup.name() + ".err");
      Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
      List<String> lines = new ArrayList<>();
      Thread watchdog = new Thread(() -> {
        try {
          if (!p.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      watchdog.setDaemon(true);
      watchdog.start();
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
          StandardCharsets.UTF_8)); Writer toClient = new java.io.OutputStreamWriter(
              p.getOutputStream(), StandardCharsets.UTF_8)) {
        String line;
        while ((line = in.readLine()) != null) {
          lines.add(line);
          if (line.startsWith("ACTION ")) {
            String name = line.substring(7);
            Setups.Action a = plan.actions().get(name);
            if (a == null) {
              throw new AssertionError(setup.name() + " has no action " + name);
            }
            a.run();
            lines.add("ACTED " + name + " t=" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime()
                - t0) + "ms");
            toClient.write("GO " + name + "\n");
            toClient.flush();
          }
        }
      } finally {
        if (p.isAlive()) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
        }
        p.waitFor(10, TimeUnit.SECONDS);
      }
      String output = String.join("\n", lines);
      Files.writeString(dir.resolve(setup.name() + ".out"), output + "\n--- lab logs\n"
          + lab.logs());
      if (p.exitValue() != 0 || !lines.contains("DONE")) {
        throw new AssertionError(setup.name() + " on " + jdk + " failed (exit " + p.exitValue()
            + "):\n" + output + "\n--- stderr\n" + Files.readString(err) + "\n" + lab.logs());
      }
      Run r = parse(setup, jdk, lines, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
          output);
      RUNS.add(r);
      return r;
    }
  }

  private static Run parse(Setups.Setup setup, Jdks.Jdk jdk, List<String> lines, long millis,
      String output) {
    List<Map<String, String>> events = new ArrayList<>();
    List<Map<String, String>> incidents = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    List<String> ok = new ArrayList<>();
    long swallowed = -1;
    for (String line : lines) {
      if (line.startsWith("EVENT ")) {
        events.add(fields(line.substring(6)));
      } else if (line.startsWith("INCIDENT ")) {
        incidents.add(fields(line.substring(9)));
      } else if (line.startsWith("APP-FAILURE ")) {
        failures.add(line);
      } else if (line.startsWith("APP-OK ")) {
        ok.add(line);
      } else if (line.startsWith("SWALLOWED ")) {
        swallowed = Long.parseLong(line.substring(10).trim());
      }
    }
    return new Run(setup, jdk, events, incidents, failures, ok, swallowed, millis, output);
  }

  private static Map<String, String> fields(String tabSeparated) {
    Map<String, String> e = new LinkedHashMap<>();
    for (String field : tabSeparated.split("\t")) {
      int eq = field.indexOf('=');
      e.put(field.substring(0, eq), field.substring(eq + 1));
    }
    return e;
  }

  /** The physics happened: resets the agent saw, nothing it swallowed, every failure seen. */
  private static void check(Run r) {
    String name = r.setup().name() + " on " + r.jdk();
    System.out.printf(Locale.ROOT, "[corpus] %-34s JDK %d: %2d events %s, %2d app failures,"
            + " %2d ok, %5.1f s%n", r.setup().name(), r.jdk().feature(), r.events().size(),
        verdicts(r.events()), r.appFailures().size(), r.appOk().size(), r.millis() / 1000.0);
    assertEquals(0, r.swallowed(), "the agent swallowed errors in " + name + ":\n" + r.output());
    long resetFailures = r.appFailures().stream().filter(RealWorldCorpusTest::resetFamily).count();
    // Random loss decides for itself whether a connection is reset or only times out; when
    // nothing of the reset family happened at all, this run has nothing to judge, and says so.
    org.junit.jupiter.api.Assumptions.assumeTrue(resetFailures > 0 || !r.events().isEmpty(),
        name + ": no reset happened this time (the application saw only "
            + r.appFailures().size() + " other failures)");
    assertFalse(r.events().isEmpty(), name + " produced no reset event:\n" + r.output());
  }

  private static boolean resetFamily(String appFailure) {
    return RESET_FAMILY.stream().anyMatch(appFailure::contains);
  }

  private static Map<String, Integer> verdicts(List<Map<String, String>> events) {
    Map<String, Integer> counts = new TreeMap<>();
    for (Map<String, String> e : events) {
      counts.merge(e.get("verdict"), 1, Integer::sum);
    }
    return counts;
  }

  @AfterAll
  static void report() throws IOException {
    if (executor == null) {
      return;
    }
    executor.shutdownNow();
    List<Run> runs;
    synchronized (RUNS) {
      runs = new ArrayList<>(RUNS);
    }
    if (runs.isEmpty()) {
      return;
    }
    StringBuilder report = new StringBuilder();
    report.append(String.format(Locale.ROOT, "[corpus] %d runs in %.0f s (%d at a time)%n",
        runs.size(), (System.nanoTime() - startNanos) / 1e9, PARALLEL));
    Map<Integer, List<Run>> byJdk = new TreeMap<>();
    runs.forEach(r -> byJdk.computeIfAbsent(r.jdk().feature(), f -> new ArrayList<>()).add(r));
    byJdk.forEach((jdk, list) -> report.append(confusion("JDK " + jdk, list)));
    report.append(calibration(runs));
    System.out.print(report);
    Files.createDirectories(OUT);
    Files.writeString(OUT.resolve("report.txt"), report);
    assertCalibrated(runs);
  }

  /**
   * A confidence must mean what it says: of the verdicts named with at least 60, 70, 80 or 90 %,
   * at least that share right (judged once at least {@link #CALIBRATION_SAMPLE} are named).
   */
  private static void assertCalibrated(List<Run> runs) {
    for (int floor : new int[] {60, 70, 80, 90}) {
      int named = 0;
      int right = 0;
      for (Run r : runs) {
        for (Map<String, String> e : r.events()) {
          if (!e.get("verdict").equals("UNKNOWN")
              && Double.parseDouble(e.get("confidence")) * 100 + 1e-6 >= floor) {
            named++;
            right += e.get("verdict").equals(r.setup().cause()) ? 1 : 0;
          }
        }
      }
      if (named >= CALIBRATION_SAMPLE) {
        assertTrue(right * 100 >= floor * named, "verdicts named at " + floor + " % or more were"
            + " right " + right + " times of " + named + ": see target/corpus/report.txt");
      }
    }
  }

  /** True cause (rows) by verdict (columns), with each cause's share right. */
  static String confusion(String title, List<Run> runs) {
    Map<String, Map<String, Integer>> matrix = new TreeMap<>();
    Set<String> verdicts = new TreeSet<>();
    int right = 0;
    int all = 0;
    for (Run r : runs) {
      Map<String, Integer> row = matrix.computeIfAbsent(r.setup().cause(), c -> new TreeMap<>());
      for (Map<String, String> e : r.events()) {
        String v = e.get("verdict");
        row.merge(v, 1, Integer::sum);
        verdicts.add(v);
        all++;
        right += v.equals(r.setup().cause()) ? 1 : 0;
      }
    }
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
        "[corpus] %s: reset events, true cause (rows) by verdict (columns); %d of %d right"
            + " (%.0f %%)%n", title, right, all, all == 0 ? 0 : 100.0 * right / all));
    b.append(String.format("%-20s", "cause \\ verdict"));
    for (String v : verdicts) {
      b.append(String.format(" %9.9s", v));
    }
    b.append("     right\n");
    matrix.forEach((cause, row) -> {
      b.append(String.format("%-20s", cause));
      int n = 0;
      for (String v : verdicts) {
        b.append(String.format(" %9d", row.getOrDefault(v, 0)));
        n += row.getOrDefault(v, 0);
      }
      b.append(String.format(Locale.ROOT, "  %6.0f %%%n",
          n == 0 ? 0 : 100.0 * row.getOrDefault(cause, 0) / n));
    });
    return b.toString();
  }

  /** Of the named verdicts at or above each confidence, the share that was right. */
  static String calibration(List<Run> runs) {
    int[] floors = {60, 70, 80, 90};
    int[] named = new int[floors.length];
    int[] right = new int[floors.length];
    int[] bandNamed = new int[floors.length];
    int[] bandRight = new int[floors.length];
    for (Run r : runs) {
      for (Map<String, String> e : r.events()) {
        if (e.get("verdict").equals("UNKNOWN")) {
          continue;
        }
        double c = Double.parseDouble(e.get("confidence")) * 100;
        boolean ok = e.get("verdict").equals(r.setup().cause());
        for (int i = 0; i < floors.length; i++) {
          if (c + 1e-6 >= floors[i]) {
            named[i]++;
            right[i] += ok ? 1 : 0;
            if (i == floors.length - 1 || c + 1e-6 < floors[i + 1]) {
              bandNamed[i]++;
              bandRight[i] += ok ? 1 : 0;
            }
          }
        }
      }
    }
    StringBuilder b = new StringBuilder(
        "[corpus] calibration, every JDK: named verdicts at or above a confidence, and right\n");
    b.append("confidence   named  right   share   | in band      named  right   share\n");
    for (int i = 0; i < floors.length; i++) {
      String band = floors[i] + (i == floors.length - 1 ? "–100" : "–" + floors[i + 1]) + " %";
      b.append(String.format(Locale.ROOT, "≥ %d %%     %6d %6d %6s %s | %-10s %6d %6d %6s%n",
          floors[i], named[i], right[i], share(right[i], named[i]),
          named[i] == 0 || right[i] * 100 >= floors[i] * named[i] ? " " : "!", band,
          bandNamed[i], bandRight[i], share(bandRight[i], bandNamed[i])));
    }
    return b.toString();
  }

  private static String share(int right, int named) {
    return named == 0 ? "-" : String.format(Locale.ROOT, "%.0f %%", 100.0 * right / named);
  }
}
