package io.resettracer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.resettracer.it.support.AgentCli;
import io.resettracer.it.support.ChildJvm;
import io.resettracer.it.support.Jdks;
import io.resettracer.it.support.ScenarioRun;
import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code report} on recordings of real resets: sample apps reproduce their causes under the agent
 * in a child JVM on each JDK found; the jar's command, on each JDK, reads every recording into its
 * three formats with the numbers the JDK's own reader counts; a headless Chromium renders the page
 * with no console error, its charts drawn. The page and its screenshot stay in {@code
 * target/report/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportTest {

  static final Path OUT = ChildJvm.WORK.resolveSibling("report");

  /** Every cause that needs no network namespace: the report's picture of a bad day. */
  private static final List<String> ALL_SAMPLES = List.of("IdleTimeoutSample",
      "KeepaliveMismatchSample", "PeerCrashSample", "NetworkDeviceSample", "LargePayloadSample",
      "ResourceExhaustionSample");
  /** On the other JDKs, enough for an idle chart and an incident. */
  private static final List<String> FEW_SAMPLES = List.of("IdleTimeoutSample", "PeerCrashSample");

  /** What each recording holds, as the JDK's reader counted it in the child. */
  private record Recorded(Jdks.Jdk jdk, Path file, long resets, long incidents, long peers) {}

  private final List<Recorded> recordings = new ArrayList<>();

  @BeforeAll
  void recordRealResets() throws Exception {
    Files.createDirectories(OUT);
    List<Jdks.Jdk> jdks = Jdks.all();
    assertFalse(jdks.isEmpty(), "no JDK found to run child JVMs on");
    for (Jdks.Jdk jdk : jdks) {
      List<String> samples = recordings.isEmpty() ? ALL_SAMPLES : FEW_SAMPLES;
      Path jfr = OUT.resolve("samples-jdk" + jdk.feature() + ".jfr");
      Files.deleteIfExists(jfr);
      List<String> args = new ArrayList<>();
      args.add(jfr.toString());
      samples.forEach(s -> args.add("io.resettracer.samples." + s));
      ChildJvm.Result r = ChildJvm.run(List.of(), jdk,
          ScenarioRun.SAMPLE_CLASSES + File.pathSeparator + ChildJvm.SCENARIO_CLASSES,
          List.of(ChildJvm.javaagent("log=warn"), "-Xshare:auto"),
          "io.resettracer.it.scenarios.RecordSamplesMain", args, 120);
      assertTrue(r.exitCode() == 0 && r.stdout().contains("DONE"), r.describe());
      assertTrue(r.stdout().contains("SWALLOWED 0"),
          "the agent swallowed errors:\n" + r.describe());
      recordings.add(new Recorded(jdk, jfr, count(r, "RESETS"), count(r, "INCIDENTS"),
          count(r, "PEERS")));
    }
    assertTrue(recordings.get(0).resets() >= 20, "the samples reset: " + recordings.get(0));
  }

  @Test
  void everyJdkReadsEveryRecordingIntoEachFormat() throws Exception {
    for (Jdks.Jdk reader : Jdks.all()) {
      for (Recorded rec : recordings) {
        String on = rec.file().getFileName() + " read on " + reader;
        AgentCli.Run text =
            AgentCli.run(reader, "report", rec.file().toString(), "--format", "text");
        assertEquals(0, text.exitCode(), on + "\n" + text.describe());
        assertTrue(text.out().startsWith("Connection resets: " + rec.resets() + " resets, "
            + rec.incidents() + " incident" + (rec.incidents() == 1 ? "" : "s") + ", " + rec.peers()
            + " peer"), on + "\n" + text.out());
        assertTrue(text.out().contains("\nFailing call sites\n"), on);
        assertTrue(text.out().contains("    at io.resettracer.samples."),
            "the samples' frames, not the agent's: " + on + "\n" + text.out());
        assertFalse(text.out().contains("at io.resettracer.track.")
            || text.out().contains("at io.resettracer.emit."), on + "\n" + text.out());

        AgentCli.Run json =
            AgentCli.run(reader, "report", rec.file().toString(), "--format", "json");
        assertEquals(0, json.exitCode(), on + "\n" + json.describe());
        String j = json.out().strip();
        assertTrue(j.startsWith("{") && j.endsWith("}"), on);
        assertTrue(j.contains("\"counts\": {\"resets\": " + rec.resets() + ", \"incidents\": "
            + rec.incidents() + ", \"peers\": " + rec.peers() + ","), on + "\n" + j);

        Path html = OUT.resolve(rec.file().getFileName() + "-on-jdk" + reader.feature() + ".html");
        AgentCli.Run page = AgentCli.run(reader, "report", rec.file().toString(), "-o",
            html.toString());
        assertEquals(0, page.exitCode(), on + "\n" + page.describe());
        assertTrue(page.out().startsWith("wrote " + html + ": " + rec.resets() + " resets"), on);
        System.out.printf("[report] %s: %d resets, %d incidents, %d peers; html %d kB in %d ms%n",
            on, rec.resets(), rec.incidents(), rec.peers(), Files.size(html) / 1024,
            page.millis());
      }
    }
  }

  @Test
  void thePageRendersInAHeadlessBrowserWithItsCharts() throws Exception {
    Path chromium = chromium();
    assumeTrue(chromium != null, "chromium is not installed (.ci/run installs Debian's package): "
        + "the page was not rendered in a browser");
    Recorded rec = recordings.get(0);
    Path html = OUT.resolve("report.html");
    AgentCli.Run page = AgentCli.run(rec.jdk(), "report", rec.file().toString(), "-o",
        html.toString());
    assertEquals(0, page.exitCode(), page.describe());

    Path png = OUT.resolve("report.png");
    Files.deleteIfExists(png);
    Browser shot = browse(chromium, "--screenshot=" + png, "--window-size=1280,2000",
        html.toUri().toString());
    assertTrue(Files.isRegularFile(png), "no screenshot:\n" + shot.describe());
    assertEquals(List.of(1280, 2000), pngSize(png), "the screenshot's size");
    assertTrue(Files.size(png) > 50_000, "a screenshot with something on it: " + Files.size(png));

    Browser dom = browse(chromium, "--dump-dom", "--enable-logging=stderr", "--v=0",
        html.toUri().toString());
    String d = dom.out();
    assertTrue(d.contains("<h1>Connection resets</h1>"), "the page's DOM:\n" + dom.describe());
    int charts = count(d, "<svg class=\"chart\"");
    assertTrue(charts >= 3, "the timeline and the idle charts of the idle-timeout and keep-alive "
        + "peers: " + charts);
    assertTrue(count(d, "<rect ") >= rec.resets() / 4, "bars drawn: " + count(d, "<rect "));
    assertTrue(d.contains("learnt limit") && d.contains("max idle ≤"), "the idle limits drawn");
    for (String verdict : List.of("IDLE_TIMEOUT", "KEEPALIVE_MISMATCH", "PEER_CRASH")) {
      assertTrue(d.contains(verdict), verdict);
    }
    for (String line : dom.err()) {
      assertFalse(line.contains("CONSOLE") || line.contains("Uncaught")
              || line.contains("Failed to load resource") || line.contains("Refused to"),
          "the browser complained: " + line);
    }
    System.out.println("[report] screenshot " + png + " (" + Files.size(png) / 1024 + " kB), "
        + charts + " charts");
  }

  // --- Support ---------------------------------------------------------------------------------

  private static long count(ChildJvm.Result r, String key) {
    for (String line : r.stdout()) {
      if (line.startsWith(key + " ")) {
        return Long.parseLong(line.substring(key.length() + 1).trim());
      }
    }
    throw new AssertionError("no " + key + " line:\n" + r.describe());
  }

  private static int count(String text, String what) {
    Matcher m = Pattern.compile(Pattern.quote(what)).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  private static Path chromium() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
      for (String name : List.of("chromium", "chromium-browser")) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return p;
        }
      }
    }
    return null;
  }

  /** What a browser run printed. */
  private record Browser(List<String> outLines, List<String> err) {
    String out() {
      return String.join("\n", outLines);
    }

    String describe() {
      return "--- stdout\n" + out() + "\n--- stderr\n" + String.join("\n", err);
    }
  }

  /**
   * One headless Chromium run with a profile of its own, no network of its own making (no
   * updates, sync or background fetches) and a deadline; its renderer and helper processes go
   * with it.
   */
  private static Browser browse(Path chromium, String... args) throws Exception {
    Path profile = Files.createTempDirectory(OUT, "chromium-");
    List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless",
        "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--user-data-dir=" + profile));
    command.addAll(Arrays.asList(args));
    Path out = Files.createTempFile(OUT, "chromium-", ".out");
    Path err = Files.createTempFile(OUT, "chromium-", ".err");
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
        .redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    try {
      if (!p.waitFor(90, TimeUnit.SECONDS)) {
        throw new AssertionError("chromium still running after 90 s: " + command);
      }
      return new Browser(Files.readAllLines(out, StandardCharsets.UTF_8),
          Files.readAllLines(err, StandardCharsets.UTF_8));
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
      deleteTree(profile);
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** Best effort: a profile left behind under target/ costs nothing but is said. */
  private static void deleteTree(Path dir) {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.out.println("[report] could not delete the browser profile " + dir + ": " + e);
    }
  }

  /** The width and height in a PNG's header. */
  private static List<Integer> pngSize(Path png) throws IOException {
    try (InputStream in = Files.newInputStream(png);
        DataInputStream data = new DataInputStream(in)) {
      byte[] signature = new byte[16];
      data.readFully(signature);
      return List.of(data.readInt(), data.readInt());
    }
  }
}
