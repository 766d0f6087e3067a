package io.resettracer.it.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.resettracer.it.support.ChildJvm;
import io.resettracer.it.support.Jdks;
import io.resettracer.it.support.LiveProcess;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The fleet's JMX path end to end: the Prometheus JMX exporter's own Java agent runs in the same
 * JVM as reset-tracer and serves the MBean's counters on a loopback port; a real Prometheus server,
 * started here on loopback, scrapes it; a PromQL query over Prometheus' HTTP API returns the resets
 * per verdict after a real reset, every verdict present, the one seen at 1.
 */
class PrometheusScrapeTest {

  /** Every verdict the agent names, each a series from the start (at 0 until seen). */
  private static final java.util.Set<String> VERDICTS = java.util.Set.of("IDLE_TIMEOUT",
      "KEEPALIVE_MISMATCH", "PEER_CRASH", "RESOURCE_EXHAUSTION", "NETWORK_DEVICE", "LARGE_PAYLOAD",
      "NETWORK_INSTABILITY", "CONNECTION_LIFETIME", "REQUEST_LIMIT", "UNKNOWN");


  static final Path EXPORTER = Path.of(System.getProperty("resettracer.jmxExporter",
      "target/jmx-exporter/jmx_prometheus_javaagent.jar")).toAbsolutePath();

  /** The exporter's rules that docs/fleet.md gives: one metric per counter family, a label each. */
  static final String EXPORTER_CONFIG = String.join("\n",
      "includeObjectNames: [\"io.resettracer:*\"]",
      "rules:",
      "  - pattern: 'io.resettracer<type=ResetTracer><>ResetsByVerdict_(\\w+)'",
      "    name: resettracer_resets",
      "    type: COUNTER",
      "    labels:",
      "      verdict: \"$1\"",
      "  - pattern: 'io.resettracer<type=ResetTracer><>ResetsByKind_(\\w+)'",
      "    name: resettracer_resets_by_kind",
      "    type: COUNTER",
      "    labels:",
      "      kind: \"$1\"",
      "  - pattern: 'io.resettracer<type=ResetTracer><>IncidentsByVerdict_(\\w+)'",
      "    name: resettracer_incidents",
      "    type: COUNTER",
      "    labels:",
      "      verdict: \"$1\"",
      "  - pattern: 'io.resettracer<type=ResetTracer><>(TrackedConnections|SwallowedErrors|Shed|DroppedByOutputs|OutputErrors)'",
      "    name: resettracer_$1",
      "    type: GAUGE",
      "");

  private static final Pattern SAMPLE =
      Pattern.compile("\\{\"metric\":\\{([^}]*)\\},\"value\":\\[[0-9.]+,\"([^\"]+)\"\\]\\}");

  @Test
  void prometheusScrapesResetsPerVerdictThroughTheJmxExporter() throws Exception {
    String prometheus = findOnPath("prometheus");
    assumeTrue(prometheus != null,
        "no prometheus binary on the PATH (.ci/run installs Debian's prometheus package)");
    assumeTrue(Files.isRegularFile(EXPORTER),
        "the JMX exporter's agent jar is missing at " + EXPORTER + " (the build copies it there)");
    for (Jdks.Jdk jdk : Jdks.all()) {
      scrape(jdk, prometheus);
    }
  }

  private void scrape(Jdks.Jdk jdk, String prometheusBinary) throws Exception {
    Path dir = Files.createTempDirectory(Files.createDirectories(ChildJvm.WORK), "prometheus-");
    try {
      int exporterPort = FleetProcess.freePort();
      Path exporterConfig = Files.writeString(dir.resolve("exporter.yaml"), EXPORTER_CONFIG);
      List<String> jvm = List.of(
          "-javaagent:" + EXPORTER + "=127.0.0.1:" + exporterPort + ":" + exporterConfig,
          ChildJvm.javaagent(""));
      try (LiveProcess app = FleetProcess.start(jdk, jvm)) {
        String reset = app.ask("reset", "RESET ");
        assertTrue(reset.endsWith("SocketException"), jdk + ": the read met the reset: " + reset);
        int prometheusPort = FleetProcess.freePort();
        Path config = Files.writeString(dir.resolve("prometheus.yml"), String.join("\n",
            "global:",
            "  scrape_interval: 1s",
            "  evaluation_interval: 1s",
            "scrape_configs:",
            "  - job_name: resettracer",
            "    static_configs:",
            "      - targets: ['127.0.0.1:" + exporterPort + "']",
            ""));
        Process server = new ProcessBuilder(prometheusBinary,
            "--config.file=" + config,
            "--storage.tsdb.path=" + dir.resolve("data"),
            "--web.listen-address=127.0.0.1:" + prometheusPort)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
        try {
          Map<String, Double> perVerdict = awaitPerVerdict(prometheusPort, dir, app);
          System.out.printf(
              "[fleet] %s: Prometheus query resettracer_resets_total by verdict: %s%n", jdk,
              perVerdict);
          assertEquals(VERDICTS, perVerdict.keySet(), jdk + ": every verdict present: " + perVerdict);
          assertEquals(1.0, perVerdict.values().stream().mapToDouble(Double::doubleValue).sum(),
              jdk + ": the one reset, under its verdict: " + perVerdict);
          Map<String, Double> perKind = query(prometheusPort,
              "sum by (kind) (resettracer_resets_by_kind_total)", "kind");
          assertEquals(1.0, perKind.get("RESET"), jdk + ": by failure kind: " + perKind);
        } finally {
          server.destroy();
          if (!server.waitFor(10, TimeUnit.SECONDS)) {
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          }
        }
        assertEquals("SWALLOWED 0", app.ask("swallowed", "SWALLOWED "),
            jdk + ": no error swallowed");
        app.send("exit");
        assertTrue(app.awaitExit(30), jdk + ": the application exits");
      }
    } finally {
      deleteTree(dir);
    }
  }

  /** Polls PromQL until a scrape after the reset's judgement is stored, a minute at most. */
  private Map<String, Double> awaitPerVerdict(int port, Path dir, LiveProcess app)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Map<String, Double> last = Map.of();
    while (System.nanoTime() < deadline) {
      try {
        last = query(port, "resettracer_resets_total", "verdict");
        if (last.values().stream().mapToDouble(Double::doubleValue).sum() >= 1) {
          return last;
        }
      } catch (IOException e) {
        // Prometheus is still starting
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no resets per verdict in Prometheus within 60 s; last answer " + last
        + "\n--- prometheus log\n" + Files.readString(dir.resolve("prometheus.log"))
        + "\n--- application\n" + app.describe());
  }

  /** The query's samples, value by the given label. */
  static Map<String, Double> query(int port, String promql, String label)
      throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> response = client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
            + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
            .timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("HTTP " + response.statusCode() + ": " + response.body());
    }
    Map<String, Double> values = new TreeMap<>();
    Matcher m = SAMPLE.matcher(response.body());
    Pattern labelPattern = Pattern.compile("\"" + label + "\":\"([^\"]*)\"");
    while (m.find()) {
      Matcher l = labelPattern.matcher(m.group(1));
      values.put(l.find() ? l.group(1) : "", Double.parseDouble(m.group(2)));
    }
    return values;
  }

  static String findOnPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    List<Path> all = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(all::add);
    }
    for (Path p : all) {
      Files.deleteIfExists(p);
    }
  }
}
