package io.resettracer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.resettracer.it.support.ChildJvm;
import io.resettracer.it.support.Jdks;
import io.resettracer.it.support.ScenarioRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every sample app, under the agent, on every JDK found: the sample must reproduce its cause for
 * real (the resets happen, with the operation, failure, idle time and byte counts the cause
 * implies, and the application's own output shows them), and the agent's verdict must name that
 * cause. The physics is asserted first, so a verdict failure always means the classifier disagreed
 * with a reset that really had the intended shape. Prints a confusion matrix, true cause against
 * verdict, over every event of every JDK.
 */
class CauseVerdictsTest {

  private static final long MS = 1_000_000L;
  private static final long SAMPLE_TIMEOUT_SECONDS = 60;
  /** Generous: a loaded 2-core machine can stall a thread for a while. */
  private static final long TIMING_SLACK_MS = 1_000;
  /** How close together the resets of a burst (a crash, a firewall's policy change) must be. */
  private static final long BURST_WINDOW_MS = 1_000;

  private static final Pattern APP_FAILURE = Pattern.compile("FAILED on (\\w+): (.*)$");
  private static final Pattern IDLE = Pattern.compile("idle +(\\d+) ms");

  /** true cause → verdict → events, over every JDK. */
  private static final Map<String, Map<String, Integer>> CONFUSION = new TreeMap<>();

  /** One sample app: its class, the cause it reproduces, and the physics that cause implies. */
  private record Sample(String name, String cause, boolean needsNamespace, Physics physics) {
    String className() {
      return "io.resettracer.samples." + name;
    }
  }

  private interface Physics {
    void check(ScenarioRun run, List<AppFailure> app) throws Exception;
  }

  /** A failure as the application reported it: the operation, the exception, the idle before. */
  private record AppFailure(String operation, String exception, long idleMs) {}

  private static final List<Sample> SAMPLES = List.of(
      new Sample("IdleTimeoutSample", "IDLE_TIMEOUT", false, CauseVerdictsTest::idleTimeout),
      new Sample("KeepaliveMismatchSample", "KEEPALIVE_MISMATCH", false,
          CauseVerdictsTest::keepaliveMismatch),
      new Sample("PeerCrashSample", "PEER_CRASH", false, CauseVerdictsTest::peerCrash),
      new Sample("ResourceExhaustionSample", "RESOURCE_EXHAUSTION", false,
          CauseVerdictsTest::resourceExhaustion),
      new Sample("NetworkDeviceSample", "NETWORK_DEVICE", false, CauseVerdictsTest::networkDevice),
      new Sample("LargePayloadSample", "LARGE_PAYLOAD", false, CauseVerdictsTest::largePayload),
      new Sample("NetworkInstabilitySample", "NETWORK_INSTABILITY", true,
          CauseVerdictsTest::networkInstability),
      new Sample("ConnectionLifetimeSample", "CONNECTION_LIFETIME", false,
          CauseVerdictsTest::connectionLifetime),
      new Sample("RequestLimitSample", "REQUEST_LIMIT", false, CauseVerdictsTest::requestLimit),
      new Sample("ThinEvidenceSample", "UNKNOWN", false, CauseVerdictsTest::thinEvidence));

  /** Causes whose resets come as one burst, which the agent may judge as one incident. */
  private static final Set<String> BURST_CAUSES = Set.of("PEER_CRASH", "NETWORK_DEVICE");

  @TestFactory
  Stream<DynamicNode> everySampleOnEveryJdk() {
    List<Jdks.Jdk> jdks = Jdks.all();
    assertFalse(jdks.isEmpty(), "no JDK found to run child JVMs on");
    assertTrue(Files.isDirectory(ScenarioRun.SAMPLE_CLASSES),
        "sample classes not built: " + ScenarioRun.SAMPLE_CLASSES);
    return jdks.stream().map(jdk -> DynamicContainer.dynamicContainer(jdk.toString(),
        SAMPLES.stream().map(s -> DynamicTest.dynamicTest(s.name(), () -> run(jdk, s)))));
  }

  private void run(Jdks.Jdk jdk, Sample sample) throws Exception {
    List<String> launcher = List.of();
    if (sample.needsNamespace()) {
      String why = NamespaceSupport.unavailable();
      assumeTrue(why == null, () -> sample.name() + " skipped on " + jdk + ": " + why);
      launcher = List.of("unshare", "-n");
    }
    ScenarioRun run = ScenarioRun.ofSample(jdk, sample.className(), launcher,
        SAMPLE_TIMEOUT_SECONDS);
    assumeTrue(run.skipped == null,
        () -> sample.name() + " skipped on " + jdk + ": " + run.skipped);

    assertEquals(sample.cause(), run.expected, "the sample's EXPECT line:\n" + run.describe());
    assertEquals(0, run.swallowed, "the agent swallowed errors:\n" + run.describe());
    assertFalse(run.events.isEmpty(), "no reset events:\n" + run.describe());
    for (Map<String, String> e : run.events) {
      assertEquals("client", e.get("role"), "only the client carries the agent: " + e);
    }
    record(sample.cause(), run);
    List<AppFailure> app = appFailures(run);
    sample.physics().check(run, app);
    System.out.printf("[%s on JDK %d] %d reset event(s): %s; verdicts %s; incidents %s%n",
        sample.name(), jdk.feature(), run.events.size(), shapes(run.events),
        counts(run.events, e -> e.get("verdict")), counts(run.incidents, e -> e.get("verdict")));

    String majority = majority(run.events);
    boolean incidentAgrees = BURST_CAUSES.contains(sample.cause()) && !run.incidents.isEmpty()
        && sample.cause().equals(majority(run.incidents));
    assertTrue(sample.cause().equals(majority) || incidentAgrees,
        sample.name() + " on " + jdk + ": majority verdict " + majority + ", expected "
            + sample.cause() + (run.incidents.isEmpty() ? "" : "; incidents "
            + counts(run.incidents, e -> e.get("verdict"))) + "\nevidence: "
            + run.events.stream().map(e -> e.get("verdict") + ": " + e.get("evidence"))
                .collect(Collectors.joining("\n  ", "\n  ", "")));
  }

  // --- The physics of each cause, as the JVM sees it --------------------------------------------

  /** Write ok, then "Connection reset" on the reply read, after idles just above the limit only. */
  private static void idleTimeout(ScenarioRun run, List<AppFailure> app) {
    long limit = 2_000;
    assertTrue(app.size() >= 3, "reuses past the balancer's limit fail:\n" + run.describe());
    assertEquals(app.size(), run.events.size(), "one event per reset reuse:\n" + run.describe());
    for (AppFailure f : app) {
      assertEquals("read", f.operation());
      assertEquals("java.net.SocketException: Connection reset", f.exception());
      assertTrue(f.idleMs() > limit, "the application reset only above the limit: " + f);
    }
    for (long ok : okIdles(run)) {
      assertTrue(ok < limit, "every reuse below the limit works; one at " + ok + " ms");
    }
    for (Map<String, String> e : run.events) {
      assertShape(e, "read", "reset");
      long idle = millis(e, "idleTime");
      assertTrue(idle >= limit && idle < limit + 600 + TIMING_SLACK_MS,
          "idle " + idle + " ms: just above the balancer's " + limit + " ms");
      assertTrue(number(e, "exchanges") >= 1 && number(e, "bytesRead") > 0, e.toString());
      assertTrue(number(e, "writtenSinceRead") > 0, "the request was in flight: " + e);
    }
  }

  /**
   * A stale reuse after the server's 1 s keep-alive: a GET reads end of stream, a POST's body
   * write meets "Broken pipe"; one event per stale connection, whichever form it took.
   */
  /**
   * What a server that retires its connections by a limit of its own leaves, whatever the limit:
   * each of the 4 pooled connections fails once, on its next request, by end of stream, one event
   * each, never idle near any limit.
   */
  private static void retiredOnceEachWhileBusy(ScenarioRun run, List<AppFailure> app) {
    assertEquals(4, app.size(), "each pooled connection retired once:\n" + run.describe());
    assertEquals(app.size(), run.events.size(), "one event per failure:\n" + run.describe());
    for (Map<String, String> e : run.events) {
      assertShape(e, "read", "premature-eof");
      assertTrue(millis(e, "idleTime") < 1_000, "busy, not idle: " + e);
    }
  }

  /**
   * The server retires each connection after the first reply past 1.5 s of age: every pooled
   * connection fails once, on its next request, by end of stream; busy (no idle near any limit),
   * after differing numbers of exchanges, at about one age.
   */
  private static void connectionLifetime(ScenarioRun run, List<AppFailure> app) {
    retiredOnceEachWhileBusy(run, app);
    java.util.Set<Long> exchanges = new java.util.TreeSet<>();
    for (Map<String, String> e : run.events) {
      long age = millis(e, "connectionAge");
      assertTrue(age >= 1_500 && age < 2_300 + TIMING_SLACK_MS, "about one age: " + age + " ms");
      exchanges.add(number(e, "exchanges"));
    }
    assertTrue(exchanges.size() >= 3, "after differing numbers of exchanges: " + exchanges);
  }

  /**
   * The server ends each connection after 4 requests: every pooled connection fails once, on its
   * fifth request, by end of stream; busy, at differing ages, always after 4 exchanges.
   */
  private static void requestLimit(ScenarioRun run, List<AppFailure> app) {
    retiredOnceEachWhileBusy(run, app);
    java.util.Set<Long> ages = new java.util.TreeSet<>();
    for (Map<String, String> e : run.events) {
      assertEquals(4, number(e, "exchanges"), "after exactly the limit: " + e);
      ages.add(millis(e, "connectionAge") / 100);
    }
    assertTrue(ages.size() >= 3, "at differing ages (100 ms buckets): " + ages);
  }

  private static void keepaliveMismatch(ScenarioRun run, List<AppFailure> app) throws IOException {
    long keepAlive = 1_000;
    List<AppFailure> eofs = app.stream().filter(f -> f.exception().contains("end of stream"))
        .toList();
    List<AppFailure> writes = app.stream().filter(f -> f.operation().equals("write")).toList();
    assertTrue(eofs.size() >= 2, "stale GETs read end of stream:\n" + run.describe());
    assertEquals(app.size(), eofs.size() + writes.size(), "no other failure forms: " + app);
    for (AppFailure f : eofs) {
      assertEquals("read", f.operation());
    }
    for (AppFailure f : writes) {
      assertEquals("java.net.SocketException: Broken pipe", f.exception());
    }
    for (AppFailure f : app) {
      assertTrue(f.idleMs() > keepAlive, "only reuses past the keep-alive fail: " + f);
    }
    for (long ok : okIdles(run)) {
      assertTrue(ok < keepAlive, "every reuse within the keep-alive works; one at " + ok + " ms");
    }
    assertEquals(writes.size() + eofs.size(), run.events.size(),
        "one event per stale reuse, end of stream and broken pipe alike:\n" + run.describe());
    for (Map<String, String> e : run.events) {
      if (e.get("operation").equals("read")) {
        assertShape(e, "read", "premature-eof");
      } else {
        assertShape(e, "write", "broken-pipe");
      }
      long idle = millis(e, "idleTime");
      assertTrue(idle >= keepAlive && idle < keepAlive + 700 + TIMING_SLACK_MS,
          "idle " + idle + " ms: just above the server's keep-alive");
      assertTrue(number(e, "exchanges") >= 1, "a reused connection: " + e);
    }
  }

  /** Four outstanding requests reset together; refused reconnects, then one that works. */
  private static void peerCrash(ScenarioRun run, List<AppFailure> app) {
    List<AppFailure> resets = app.stream().filter(f -> f.operation().equals("read")).toList();
    assertEquals(4, resets.size(), run.describe());
    for (AppFailure f : resets) {
      assertEquals("java.net.SocketException: Connection reset", f.exception());
    }
    assertTrue(app.stream().anyMatch(f -> f.operation().equals("connect")
        && f.exception().equals("java.net.ConnectException: Connection refused")),
        "reconnects are refused while the server is down:\n" + run.describe());
    assertTrue(run.result.stdout().stream().anyMatch(l -> l.matches("reconnect \\d+ +ok: .*")),
        "a reconnect works once the server is back:\n" + run.describe());
    assertEquals(4, run.events.size(), run.describe());
    for (Map<String, String> e : run.events) {
      assertShape(e, "read", "reset");
      assertTrue(number(e, "writtenSinceRead") > 0, "a request was outstanding: " + e);
    }
    assertBurst(run.events);
    assertEquals(1, distinct(run.events, "remotePort").size(), "all to the one server");
  }

  /** Brand-new connections, connect and write ok, reset on the first read with 0 bytes read. */
  private static void resourceExhaustion(ScenarioRun run, List<AppFailure> app) {
    assertTrue(app.size() >= 3, run.describe());
    for (AppFailure f : app) {
      assertEquals("read", f.operation());
      assertEquals("java.net.SocketException: Connection reset", f.exception());
    }
    assertTrue(run.result.stdout().stream().anyMatch(l -> l.startsWith("old conn  ok: still")),
        "the older connection keeps working:\n" + run.describe());
    assertEquals(app.size(), run.events.size(), run.describe());
    for (Map<String, String> e : run.events) {
      assertShape(e, "read", "reset");
      assertEquals(0, number(e, "bytesRead"), "nothing ever read: " + e);
      assertEquals(0, number(e, "exchanges"), e.toString());
      assertTrue(number(e, "bytesWritten") > 0, "the request was written: " + e);
      assertTrue(millis(e, "connectionAge") < TIMING_SLACK_MS, "a brand-new connection: " + e);
    }
    assertBurst(run.events);
    assertEquals(1, distinct(run.events, "remotePort").size(), "all to the one endpoint");
  }

  /** Every flow to four hosts reset at the same instant; new connections work. */
  private static void networkDevice(ScenarioRun run, List<AppFailure> app) {
    assertEquals(8, app.size(), run.describe());
    for (AppFailure f : app) {
      assertTrue(f.exception().startsWith("java.net.SocketException: Connection reset"),
          f.toString());
    }
    assertEquals(4, run.result.stdout().stream().filter(l -> l.contains(" new conn  ok: ")).count(),
        "each host takes new connections right after:\n" + run.describe());
    assertEquals(8, run.events.size(), run.describe());
    for (Map<String, String> e : run.events) {
      assertEquals("reset", e.get("failure"), e.toString());
      assertTrue(number(e, "exchanges") >= 3, "busy, established connections: " + e);
    }
    assertEquals(Set.of("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"),
        distinct(run.events, "remoteAddress"), "four different peers");
    assertBurst(run.events);
  }

  /** Writes fail mid-upload with megabytes written since the last read, at similar offsets. */
  private static void largePayload(ScenarioRun run, List<AppFailure> app) {
    assertEquals(3, app.size(), run.describe());
    for (AppFailure f : app) {
      assertEquals("write", f.operation());
      assertTrue(f.exception().endsWith("Broken pipe")
          || f.exception().endsWith("Connection reset by peer"), f.toString());
    }
    assertEquals(3, run.events.size(), run.describe());
    long least = Long.MAX_VALUE;
    long most = 0;
    for (Map<String, String> e : run.events) {
      assertEquals("write", e.get("operation"), e.toString());
      assertTrue(Set.of("broken-pipe", "reset").contains(e.get("failure")), e.toString());
      long inFlight = number(e, "writtenSinceRead");
      assertTrue(inFlight > 1024 * 1024, "over the server's 1 MiB limit in flight: " + e);
      least = Math.min(least, inFlight);
      most = Math.max(most, inFlight);
    }
    assertTrue(most <= 2 * least, "similar offsets: " + least + " to " + most + " B");
  }

  /** Blocked reads end in "Connection timed out" after retransmissions, on two peers. */
  private static void networkInstability(ScenarioRun run, List<AppFailure> app) {
    assertEquals(4, app.size(), run.describe());
    for (AppFailure f : app) {
      assertEquals("read", f.operation());
      assertEquals("java.net.SocketException: Connection timed out", f.exception());
    }
    assertTrue(run.result.stdout().stream().anyMatch(l -> l.matches(
        "retransmitted segments so far: [1-9]\\d*")), "the lossy path retransmits:\n"
        + run.describe());
    assertEquals(4, run.events.size(), run.describe());
    for (Map<String, String> e : run.events) {
      assertShape(e, "read", "timed-out");
    }
    assertEquals(2, distinct(run.events, "remoteAddress").size(), "both peers affected");
  }

  /** One reset on a young connection that was busy a moment before. */
  private static void thinEvidence(ScenarioRun run, List<AppFailure> app) {
    assertEquals(1, app.size(), run.describe());
    assertEquals("java.net.SocketException: Connection reset", app.get(0).exception());
    assertEquals(1, run.events.size(), run.describe());
    Map<String, String> e = run.events.get(0);
    assertShape(e, "read", "reset");
    assertEquals(3, number(e, "exchanges"), e.toString());
    assertTrue(millis(e, "idleTime") < TIMING_SLACK_MS, "no pause: " + e);
    assertTrue(millis(e, "connectionAge") < 2 * TIMING_SLACK_MS, "a young connection: " + e);
  }

  // --- Helpers -----------------------------------------------------------------------------------

  private static void assertShape(Map<String, String> e, String operation, String failure) {
    assertEquals(operation, e.get("operation"), e.toString());
    assertEquals(failure, e.get("failure"), e.toString());
  }

  /** All events within {@link #BURST_WINDOW_MS} of each other. */
  private static void assertBurst(List<Map<String, String>> events) {
    List<Long> at = events.stream().map(e -> number(e, "startEpochMillis")).sorted().toList();
    long spread = at.get(at.size() - 1) - at.get(0);
    assertTrue(spread < BURST_WINDOW_MS, "one burst: the resets spread over " + spread + " ms");
  }

  private static List<AppFailure> appFailures(ScenarioRun run) {
    List<AppFailure> failures = new ArrayList<>();
    for (String line : run.result.stdout()) {
      Matcher m = APP_FAILURE.matcher(line);
      if (m.find()) {
        Matcher idle = IDLE.matcher(line);
        failures.add(new AppFailure(m.group(1), m.group(2),
            idle.find() ? Long.parseLong(idle.group(1)) : -1));
      }
    }
    return failures;
  }

  /** The idle times of the reuses that worked. */
  private static List<Long> okIdles(ScenarioRun run) {
    List<Long> idles = new ArrayList<>();
    for (String line : run.result.stdout()) {
      Matcher m = IDLE.matcher(line);
      if (m.find() && line.contains("  ok: ")) {
        idles.add(Long.parseLong(m.group(1)));
      }
    }
    assertFalse(idles.isEmpty(), "some reuses work:\n" + run.describe());
    return idles;
  }

  private static long number(Map<String, String> e, String field) {
    return Long.parseLong(e.get(field));
  }

  private static long millis(Map<String, String> e, String field) {
    return number(e, field) / MS;
  }

  private static Set<String> distinct(List<Map<String, String>> events, String field) {
    return events.stream().map(e -> e.get(field)).collect(Collectors.toCollection(TreeSet::new));
  }

  private static String shapes(List<Map<String, String>> events) {
    return counts(events, e -> e.get("operation") + "/" + e.get("failure") + " idle "
        + millis(e, "idleTime") / 100 * 100 + "+ ms").toString();
  }

  private static Map<String, Integer> counts(Collection<Map<String, String>> events,
      Function<Map<String, String>, String> key) {
    Map<String, Integer> counts = new TreeMap<>();
    for (Map<String, String> e : events) {
      counts.merge(String.valueOf(key.apply(e)), 1, Integer::sum);
    }
    return counts;
  }

  /** The most frequent verdict; a tie names no verdict, so it can match no cause. */
  private static String majority(List<Map<String, String>> events) {
    Map<String, Integer> counts = counts(events, e -> e.get("verdict"));
    int most = counts.values().stream().max(Integer::compare).orElse(0);
    List<String> top = counts.entrySet().stream().filter(c -> c.getValue() == most)
        .map(Map.Entry::getKey).toList();
    return top.size() == 1 ? top.get(0) : "a tie of " + top;
  }

  private static synchronized void record(String cause, ScenarioRun run) {
    Map<String, Integer> row = CONFUSION.computeIfAbsent(cause, c -> new TreeMap<>());
    for (Map<String, String> e : run.events) {
      row.merge(e.get("verdict"), 1, Integer::sum);
    }
  }

  @AfterAll
  static synchronized void printConfusionMatrix() {
    if (CONFUSION.isEmpty()) {
      return;
    }
    Set<String> verdicts = new TreeSet<>();
    CONFUSION.values().forEach(row -> verdicts.addAll(row.keySet()));
    StringBuilder table = new StringBuilder(
        "[cause verdicts] reset events, true cause (rows) by verdict (columns), every JDK:\n");
    table.append(String.format("%-22s", "cause \\ verdict"));
    verdicts.forEach(v -> table.append(String.format(" %20s", v)));
    table.append('\n');
    CONFUSION.forEach((cause, row) -> {
      table.append(String.format("%-22s", cause));
      verdicts.forEach(v -> table.append(String.format(" %20d", row.getOrDefault(v, 0))));
      table.append('\n');
    });
    System.out.print(table);
  }

  /** Whether a sample may run in a network namespace of its own here, and if not, why. */
  private static final class NamespaceSupport {
    private static String unavailable;
    private static boolean checked;

    static synchronized String unavailable() throws InterruptedException {
      if (!checked) {
        checked = true;
        unavailable = probe();
        System.out.println("[cause verdicts] private network namespaces: "
            + (unavailable == null ? "available" : "unavailable, " + unavailable));
      }
      return unavailable;
    }

    private static String probe() throws InterruptedException {
      if (!"root".equals(System.getProperty("user.name"))) {
        return "needs root (unshare -n, iptables)";
      }
      for (String tool : List.of("unshare", "ip", "iptables")) {
        if (!onPath(tool)) {
          return tool + " is not installed";
        }
      }
      try {
        Process p = new ProcessBuilder("unshare", "-n", "iptables", "-L", "INPUT", "-n")
            .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return "unshare -n iptables did not finish";
        }
        return p.exitValue() == 0 ? null : "unshare -n iptables failed: " + out.trim();
      } catch (IOException e) {
        return "cannot run unshare: " + e.getMessage();
      }
    }

    private static boolean onPath(String tool) {
      String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin";
      Set<String> seen = new HashSet<>();
      for (String dir : path.split(java.io.File.pathSeparator)) {
        if (!dir.isEmpty() && seen.add(dir) && Files.isExecutable(Path.of(dir, tool))) {
          return true;
        }
      }
      return false;
    }
  }
}
