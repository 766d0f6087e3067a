package io.resettracer.it.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.resettracer.it.support.ChildJvm;
import io.resettracer.it.support.Jdks;
import io.resettracer.it.support.LiveProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * OpenTelemetry export end to end: the agent in a child JVM sends OTLP/HTTP protobuf to a receiver
 * on loopback that decodes it with OpenTelemetry's own proto classes. A reset inside the
 * application's own span carries that span's ids in its log record and JFR event; the metrics carry
 * the semantic-convention attributes; the OTEL_* settings (here in their system-property form) name
 * the service, the resource and the headers. An endpoint that is down or never answers slows no
 * application call and not the JVM's exit; the agent says once that export fails and counts the
 * dropped records.
 */
class OtlpExportTest {

  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN = "00f067aa0ba902b7";

  @Test
  void resetsAndIncidentsReachACollectorWithTheFailingSpan() throws Exception {
    for (Jdks.Jdk jdk : Jdks.all()) {
      exportTo(jdk);
    }
  }

  private void exportTo(Jdks.Jdk jdk) throws Exception {
    Path dir = Files.createTempDirectory(Files.createDirectories(ChildJvm.WORK), "otlp-");
    Path recording = dir.resolve("resets.jfr");
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      List<String> jvm = List.of(
          "-XX:StartFlightRecording=filename=" + recording,
          "-Dotel.metric.export.interval=500",
          "-Dotel.blrp.schedule.delay=200",
          "-Dotel.service.name=checkout",
          "-Dotel.resource.attributes=deployment.environment.name=test,team=payments%20core",
          "-Dotel.exporter.otlp.headers=x-fleet-token=s3cret",
          "-Dfleet.tracing=true",
          ChildJvm.javaagent("otlp=" + receiver.endpoint() + ",log=debug"));
      try (LiveProcess app = FleetProcess.start(jdk, jvm)) {
        app.awaitErr(0, l -> l.contains("resets carry the span active on the failing thread"),
            30_000);
        String first = app.ask("reset", "RESET ");
        String second = app.ask("reset-in-span " + TRACE + " " + SPAN, "RESET ");
        int clientPort = Integer.parseInt(second.split(" ")[1]);

        LogRecord reset = receiver.awaitRecord(
            r -> r.getEventName().equals("resettracer.reset")
                && r.getAttributesList().stream().anyMatch(kv -> kv.getKey().equals(
                    "network.local.port") && kv.getValue().getIntValue() == clientPort), 30);
        Map<String, Object> a = OtlpReceiver.attributes(reset.getAttributesList());
        System.out.printf("[fleet] %s: reset record %s trace %s span %s%n", jdk, a,
            HexFormat.of().formatHex(reset.getTraceId().toByteArray()),
            HexFormat.of().formatHex(reset.getSpanId().toByteArray()));
        assertEquals(TRACE, HexFormat.of().formatHex(reset.getTraceId().toByteArray()), jdk + "");
        assertEquals(SPAN, HexFormat.of().formatHex(reset.getSpanId().toByteArray()), jdk + "");
        assertEquals(13, reset.getSeverityNumberValue(), jdk + ": WARN");
        assertTrue(reset.getTimeUnixNano() > 0 && reset.getObservedTimeUnixNano() > 0, jdk + "");
        assertEquals("connection_reset", a.get("error.type"), jdk + ": " + a);
        assertEquals("tcp", a.get("network.transport"), jdk + ": " + a);
        assertEquals("127.0.0.1", a.get("server.address"), jdk + ": " + a);
        assertEquals("127.0.0.1", a.get("network.peer.address"), jdk + ": " + a);
        assertEquals("java.net.SocketException", a.get("exception.type"), jdk + ": " + a);
        assertTrue(String.valueOf(a.get("exception.stacktrace")).contains("FleetTarget"),
            jdk + ": " + a);
        assertEquals("main", a.get("thread.name"), jdk + ": " + a);
        for (String key : List.of("resettracer.verdict", "resettracer.confidence",
            "resettracer.evidence", "resettracer.recommendation", "resettracer.idle_time",
            "resettracer.connection.age", "resettracer.bytes_written", "resettracer.exchanges",
            "resettracer.incident.id", "resettracer.role", "resettracer.operation")) {
          assertTrue(a.containsKey(key), jdk + ": " + key + " in " + a);
        }
        assertFalse(String.valueOf(a.get("resettracer.evidence")).isEmpty(), jdk + ": " + a);
        long serverPort = (Long) a.get("server.port");

        // The first reset ran outside any span: no ids.
        int firstPort = Integer.parseInt(first.split(" ")[1]);
        LogRecord plain = receiver.awaitRecord(
            r -> r.getEventName().equals("resettracer.reset")
                && r.getAttributesList().stream().anyMatch(kv -> kv.getKey().equals(
                    "network.local.port") && kv.getValue().getIntValue() == firstPort), 30);
        assertTrue(plain.getTraceId().isEmpty() && plain.getSpanId().isEmpty(), jdk + "");

        Metric resets = receiver.awaitMetric("resettracer.resets",
            m -> m.getSum().getDataPointsList().stream().mapToLong(NumberDataPoint::getAsInt)
                .sum() == 2, 30);
        assertTrue(resets.getSum().getIsMonotonic(), jdk + "");
        assertEquals(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE,
            resets.getSum().getAggregationTemporality(), jdk + "");
        assertEquals("{reset}", resets.getUnit(), jdk + "");
        for (NumberDataPoint p : resets.getSum().getDataPointsList()) {
          Map<String, Object> pa = OtlpReceiver.attributes(p.getAttributesList());
          System.out.printf("[fleet] %s: resettracer.resets %s = %d%n", jdk, pa, p.getAsInt());
          assertEquals("connection_reset", pa.get("error.type"), jdk + ": " + pa);
          assertEquals("tcp", pa.get("network.transport"), jdk + ": " + pa);
          assertEquals("127.0.0.1", pa.get("server.address"), jdk + ": " + pa);
          assertEquals(serverPort, pa.get("server.port"), jdk + ": " + pa);
          assertTrue(pa.containsKey("resettracer.verdict"), jdk + ": " + pa);
          assertTrue(
              p.getStartTimeUnixNano() > 0 && p.getTimeUnixNano() >= p.getStartTimeUnixNano(),
              jdk + "");
        }
        Metric idle = receiver.awaitMetric("resettracer.reset.idle_time",
            m -> m.getHistogram().getDataPointsList().stream()
                .mapToLong(HistogramDataPoint::getCount).sum() == 2, 30);
        assertEquals("s", idle.getUnit(), jdk + "");
        HistogramDataPoint h = idle.getHistogram().getDataPoints(0);
        assertEquals(h.getExplicitBoundsCount() + 1, h.getBucketCountsCount(), jdk + "");

        // Two resets of one peer within a second are a burst: one incident once it settles.
        LogRecord incident = receiver.awaitRecord(
            r -> r.getEventName().equals("resettracer.incident"), 30);
        Map<String, Object> ia = OtlpReceiver.attributes(incident.getAttributesList());
        System.out.printf("[fleet] %s: incident record %s%n", jdk, ia);
        assertEquals(2L, ia.get("resettracer.incident.resets"), jdk + ": " + ia);
        Metric incidents = receiver.awaitMetric("resettracer.incidents",
            m -> m.getSum().getDataPointsList().stream().mapToLong(NumberDataPoint::getAsInt)
                .sum() == 1, 30);
        assertEquals("{incident}", incidents.getUnit(), jdk + "");

        var resource = OtlpReceiver.attributes(
            receiver.metrics().get(0).getResourceMetrics(0).getResource().getAttributesList());
        assertEquals("checkout", resource.get("service.name"), jdk + ": " + resource);
        assertEquals("test", resource.get("deployment.environment.name"), jdk + ": " + resource);
        assertEquals("payments core", resource.get("team"), jdk + ": " + resource);
        assertEquals("io.resettracer",
            receiver.logs().get(0).getResourceLogs(0).getScopeLogs(0).getScope().getName(),
            jdk + "");
        for (Map<String, String> headers : receiver.headers()) {
          assertEquals("s3cret", headers.get("x-fleet-token"), jdk + ": " + headers);
          assertEquals("application/x-protobuf", headers.get("content-type"), jdk + ": " + headers);
        }
        assertTrue(receiver.problems().isEmpty(), jdk + ": " + receiver.problems());
        assertEquals("SWALLOWED 0", app.ask("swallowed", "SWALLOWED "),
            jdk + ": no error swallowed");
        app.send("exit");
        assertTrue(app.awaitExit(30), jdk + ": the application exits");
      }
      String event = jfrPrint(jdk, recording);
      assertTrue(event.contains("traceId = \"" + TRACE + "\"")
          && event.contains("spanId = \"" + SPAN + "\""),
          jdk + ": the JFR event carries the span:\n" + event);
    } finally {
      PrometheusScrapeTest.deleteTree(dir);
    }
  }

  static final Path OTEL_AGENT = Path.of(System.getProperty("resettracer.otelAgent",
      "target/jmx-exporter/opentelemetry-javaagent.jar")).toAbsolutePath();

  /**
   * The OpenTelemetry Java agent alone (the application has no OpenTelemetry of its own) traces an
   * HTTP request that meets a reset: the reset's record carries that agent's span, the one it
   * exports itself for the request.
   */
  @Test
  void aResetCarriesTheSpanOfTheOpenTelemetryJavaAgent() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(OTEL_AGENT),
        "the OpenTelemetry Java agent is missing at " + OTEL_AGENT + " (the build copies it there)");
    for (Jdks.Jdk jdk : Jdks.all()) {
      try (OtlpReceiver receiver = new OtlpReceiver()) {
        List<String> command = List.of(jdk.java().toString(),
            "-javaagent:" + OTEL_AGENT,
            "-Dotel.traces.exporter=logging", "-Dotel.metrics.exporter=none",
            "-Dotel.logs.exporter=none", "-Dotel.bsp.schedule.delay=200",
            "-Dotel.blrp.schedule.delay=200",
            ChildJvm.javaagent("otlp=" + receiver.endpoint() + ",log=debug"),
            // No libraries: the application has no OpenTelemetry API of its own.
            "-cp", ChildJvm.SCENARIO_CLASSES.toString(), HttpResetTarget.class.getName());
        try (LiveProcess app = LiveProcess.start(command)) {
          app.awaitOut(0, l -> l.startsWith("READY "), 120_000);
          app.awaitErr(0, l -> l.contains("resets carry the span active on the failing thread"),
              60_000);
          String reset = app.ask("http-reset", "RESET ");
          assertTrue(reset.contains("SocketException"), jdk + ": " + reset);
          LogRecord record = receiver.awaitRecord(
              r -> r.getEventName().equals("resettracer.reset") && !r.getTraceId().isEmpty(), 30);
          String trace = HexFormat.of().formatHex(record.getTraceId().toByteArray());
          String span = HexFormat.of().formatHex(record.getSpanId().toByteArray());
          String exported = app.awaitErr(0,
              l -> l.contains("LoggingSpanExporter") && l.contains(trace), 30_000);
          System.out.printf("[fleet] %s: reset in the OpenTelemetry agent's span %s %s; it exported:"
              + " %s%n", jdk, trace, span, exported);
          assertTrue(exported.contains(span), jdk + ": the same span: " + exported);
          assertEquals("SWALLOWED 0", app.ask("swallowed", "SWALLOWED "),
              jdk + ": no error swallowed");
          app.send("exit");
          assertTrue(app.awaitExit(60), jdk + ": exits");
        }
      }
    }
  }

  @Test
  void anEndpointThatIsDownOrSlowHoldsUpNothing() throws Exception {
    for (Jdks.Jdk jdk : Jdks.all()) {
      // Down: nothing listens on the port.
      int closed = FleetProcess.freePort();
      unreachable(jdk, "http://127.0.0.1:" + closed, "down");
      // Slow: a server that accepts connections and never answers.
      try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
        List<Socket> held = new ArrayList<>();
        Thread acceptor = new Thread(() -> {
          try {
            while (true) {
              Socket s = silent.accept();
              synchronized (held) {
                held.add(s);
              }
            }
          } catch (java.io.IOException e) {
            // closed at the end of the test
          }
        }, "silent-collector");
        acceptor.setDaemon(true);
        acceptor.start();
        try {
          unreachable(jdk, "http://127.0.0.1:" + silent.getLocalPort(), "slow");
        } finally {
          synchronized (held) {
            for (Socket s : held) {
              s.close();
            }
          }
        }
      }
    }
  }

  private void unreachable(Jdks.Jdk jdk, String endpoint, String how) throws Exception {
    List<String> jvm = List.of(
        "-Dotel.metric.export.interval=300",
        "-Dotel.blrp.schedule.delay=100",
        "-Dotel.exporter.otlp.timeout=1000",
        ChildJvm.javaagent("otlp=" + endpoint));
    try (LiveProcess app = FleetProcess.start(jdk, jvm)) {
      for (int i = 0; i < 3; i++) {
        String reset = app.ask("reset", "RESET ");
        assertTrue(FleetProcess.callMillis(reset) < 1000,
            jdk + ", " + how + ": the failing call is not held up: " + reset);
      }
      app.awaitErr(0, l -> l.contains("OpenTelemetry export to " + endpoint), 30_000);
      // Time for a few more failed exports: still one line.
      app.ask("reset", "RESET ");
      Thread.sleep(2_500);
      long told = app.err().stream().filter(l -> l.contains("OpenTelemetry export to")).count();
      assertEquals(1, told, jdk + ", " + how + ": said once\n" + app.describe());
      assertEquals("SWALLOWED 0", app.ask("swallowed", "SWALLOWED "), jdk + ", " + how);
      long exitAsked = System.nanoTime();
      app.send("exit");
      assertTrue(app.awaitExit(30), jdk + ", " + how + ": exits");
      long exitMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - exitAsked);
      String summary = app.err().stream().filter(l -> l.contains("at exit:")).findFirst()
          .orElse("");
      System.out.printf("[fleet] %s, endpoint %s: exit took %d ms; %s%n", jdk, how, exitMillis,
          summary);
      assertTrue(exitMillis < 5_000, jdk + ", " + how + ": the exit is not held up: " + exitMillis);
      // Every reset and every incident is a record that never got through, and is counted.
      java.util.regex.Matcher m = java.util.regex.Pattern.compile(
          "at exit: (\\d+) resets judged.*, (\\d+) incidents;.* (\\d+) left out by OtlpOutput")
          .matcher(summary);
      assertTrue(m.find(), jdk + ", " + how + ": " + app.describe());
      assertEquals(4, Long.parseLong(m.group(1)), jdk + ", " + how + ": " + summary);
      assertEquals(Long.parseLong(m.group(1)) + Long.parseLong(m.group(2)),
          Long.parseLong(m.group(3)),
          jdk + ", " + how + ": every dropped record counted: " + summary);
    }
  }

  private static String jfrPrint(Jdks.Jdk jdk, Path recording) throws Exception {
    Process p = new ProcessBuilder(jdk.tool("jfr").toString(), "print", "--events",
        "resettracer.ConnectionReset", recording.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("jfr print timed out");
    }
    return out;
  }
}
