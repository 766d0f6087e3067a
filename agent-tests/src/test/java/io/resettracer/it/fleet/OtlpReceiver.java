package io.resettracer.it.fleet;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An OTLP/HTTP receiver on loopback that decodes what it is sent with OpenTelemetry's own proto
 * classes, as a collector would, and keeps it for the test. A body that does not decode answers 400
 * and fails the test.
 */
final class OtlpReceiver implements AutoCloseable {

  private final HttpServer server;
  private final List<ExportMetricsServiceRequest> metrics = new ArrayList<>();
  private final List<ExportLogsServiceRequest> logs = new ArrayList<>();
  private final List<Map<String, String>> headers = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();

  OtlpReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setExecutor(Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "otlp-receiver");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/v1/metrics", e -> receive(e, true));
    server.createContext("/v1/logs", e -> receive(e, false));
    server.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void receive(HttpExchange e, boolean isMetrics) throws IOException {
    byte[] body;
    try (InputStream in = e.getRequestBody()) {
      body = in.readAllBytes();
    }
    byte[] answer;
    int status = 200;
    synchronized (this) {
      Map<String, String> h = new LinkedHashMap<>();
      e.getRequestHeaders()
          .forEach((k, v) -> h.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
      h.put(":path", e.getRequestURI().getPath());
      headers.add(h);
      try {
        if (isMetrics) {
          metrics.add(ExportMetricsServiceRequest.parseFrom(body));
          answer = ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
        } else {
          logs.add(ExportLogsServiceRequest.parseFrom(body));
          answer = ExportLogsServiceResponse.getDefaultInstance().toByteArray();
        }
      } catch (IOException ex) {
        problems.add(e.getRequestURI() + ": " + ex);
        status = 400;
        answer = new byte[0];
      }
      notifyAll();
    }
    e.getResponseHeaders().add("Content-Type", "application/x-protobuf");
    e.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
    if (answer.length > 0) {
      e.getResponseBody().write(answer);
    }
    e.close();
  }

  /** The first log record that matches, waiting up to {@code seconds}. */
  synchronized LogRecord awaitRecord(Predicate<LogRecord> matches, long seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      for (ExportLogsServiceRequest r : logs) {
        for (var rl : r.getResourceLogsList()) {
          for (var sl : rl.getScopeLogsList()) {
            for (LogRecord l : sl.getLogRecordsList()) {
              if (matches.test(l)) {
                return l;
              }
            }
          }
        }
      }
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        throw new AssertionError("no matching log record within " + seconds + " s; got " + logs
            + " problems " + problems);
      }
      wait(left);
    }
  }

  /** The newest metric of {@code name} that matches, waiting up to {@code seconds}. */
  synchronized Metric awaitMetric(String name, Predicate<Metric> matches, long seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      for (int i = metrics.size() - 1; i >= 0; i--) {
        for (var rm : metrics.get(i).getResourceMetricsList()) {
          for (var sm : rm.getScopeMetricsList()) {
            for (Metric m : sm.getMetricsList()) {
              if (m.getName().equals(name) && matches.test(m)) {
                return m;
              }
            }
          }
        }
      }
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        throw new AssertionError("no matching metric " + name + " within " + seconds + " s; got "
            + metrics + " problems " + problems);
      }
      wait(left);
    }
  }

  synchronized List<ExportMetricsServiceRequest> metrics() {
    return List.copyOf(metrics);
  }

  synchronized List<ExportLogsServiceRequest> logs() {
    return List.copyOf(logs);
  }

  synchronized List<Map<String, String>> headers() {
    return List.copyOf(headers);
  }

  synchronized List<String> problems() {
    return List.copyOf(problems);
  }

  /** Attributes as a map of plain values (string, long, double, boolean). */
  static Map<String, Object> attributes(List<KeyValue> kvs) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (KeyValue kv : kvs) {
      AnyValue v = kv.getValue();
      Object o;
      switch (v.getValueCase()) {
        case STRING_VALUE:
          o = v.getStringValue();
          break;
        case INT_VALUE:
          o = v.getIntValue();
          break;
        case DOUBLE_VALUE:
          o = v.getDoubleValue();
          break;
        case BOOL_VALUE:
          o = v.getBoolValue();
          break;
        default:
          o = v.toString();
      }
      m.put(kv.getKey(), o);
    }
    return m;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
