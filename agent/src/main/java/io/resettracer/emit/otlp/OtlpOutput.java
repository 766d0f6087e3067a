package io.resettracer.emit.otlp;

import io.resettracer.bootstrap.ResetTracerHooks;
import io.resettracer.classify.Classification;
import io.resettracer.classify.Incident;
import io.resettracer.emit.ClassifiedReset;
import io.resettracer.emit.ResetOutput;
import io.resettracer.log.AgentLog;
import io.resettracer.model.FailureKind;
import io.resettracer.model.ResetFacts;
import io.resettracer.model.Role;
import io.resettracer.track.SpanCapture;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * OpenTelemetry export over OTLP/HTTP with protobuf bodies: counters and a histogram of resets and
 * incidents, and one log record (an event) per reset and per incident. The pipeline's thread only
 * adds to the counters and queues encoded records (bounded; past the bound a record is dropped and
 * counted); the export thread sends them in batches, records every {@code
 * otel.blrp.schedule.delay} and metrics every {@code otel.metric.export.interval}. An endpoint that
 * is down, refuses or is slow holds up only that thread: the agent says once that export fails,
 * keeps counting what it drops, and says when export works again. Nothing is retried: the metrics
 * are cumulative, so the next export that gets through carries every count.
 *
 * <p>Written by hand rather than with OpenTelemetry's SDK: three instruments and two event kinds
 * need a few hundred lines and no dependency, where the SDK and its exporter would add megabytes to
 * the agent and its class loading to start-up, beside an application's own SDK of another version.
 */
public final class OtlpOutput implements ResetOutput {

  private static final Logger log = AgentLog.get(OtlpOutput.class);

  static final String SCOPE = "io.resettracer";
  static final String RESETS = "resettracer.resets";
  static final String IDLE = "resettracer.reset.idle_time";
  static final String INCIDENTS = "resettracer.incidents";
  /** {@code server.address} for every peer past the configured number of distinct ones. */
  static final String OTHER = "_other";
  /** Seconds: a load balancer's and NAT's idle timeouts fall between these. */
  static final double[] IDLE_BOUNDS = {
    0.1, 1, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200
  };
  /** When the application's tracing API is looked for: seconds after start, then every 5 min. */
  private static final long[] SPAN_LOOKS_SECONDS = {1, 5, 15, 60};
  private static final long SPAN_LOOK_EVERY_NANOS = TimeUnit.MINUTES.toNanos(5);
  private static final int MAX_FRAMES = 24;

  private final OtlpSettings settings;
  private final ProtoWriter resource;
  private final ProtoWriter scope;
  private final Supplier<Class<?>[]> loadedClasses;
  private final long startEpochNanos = epochNanos();

  // Guarded by this: the pipeline's thread adds, the export thread reads.
  private final Map<Map<String, Object>, long[]> resets = new HashMap<>();
  private final Map<Map<String, Object>, OtlpRequests.Histogram> idle = new HashMap<>();
  private final Map<Map<String, Object>, long[]> incidents = new HashMap<>();
  private final Set<String> peers = new HashSet<>();
  private final ArrayDeque<byte[]> records = new ArrayDeque<>();
  private boolean stopping;

  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong exported = new AtomicLong();
  /** Records in the request being sent: its outcome or the exit counts them, whichever is first. */
  private final AtomicLong inFlight = new AtomicLong();
  private volatile boolean failing;
  private volatile String spanOrigin = "";
  private final Thread exporter;

  /**
   * @param loadedClasses the JVM's loaded classes, looked through now and then for the
   *     application's OpenTelemetry API until found
   */
  public OtlpOutput(OtlpSettings settings, String version, Supplier<Class<?>[]> loadedClasses) {
    this.settings = settings;
    this.loadedClasses = loadedClasses;
    Map<String, String> r = new LinkedHashMap<>(settings.resource);
    r.putIfAbsent("process.pid", String.valueOf(ProcessHandle.current().pid()));
    r.putIfAbsent("telemetry.distro.name", "reset-tracer");
    this.resource = OtlpRequests.resource(r);
    this.scope = OtlpRequests.scope(SCOPE, version);
    settings.warnings.forEach(log::warn);
    exporter = new Thread(this::run, "reset-tracer-otlp");
    exporter.setDaemon(true);
    exporter.start();
  }

  /** Where metrics go, for the start-up line. */
  public String describe() {
    return settings.metricsUrl + " and " + settings.logsUrl;
  }

  @Override
  public void reset(ClassifiedReset r) {
    ResetFacts f = r.facts();
    Classification c = r.classification();
    String errorType = errorType(f.kind());
    String verdict = verdict(c.verdict().name());
    long now = epochNanos();
    byte[] record = resetRecord(r, errorType, verdict, now);
    synchronized (this) {
      Map<String, Object> series = new LinkedHashMap<>();
      series.put("error.type", errorType);
      series.put("resettracer.verdict", verdict);
      series.put("network.transport", "tcp");
      if (f.role() == Role.CLIENT && !f.remoteAddress().isEmpty()) {
        if (peers.contains(f.remoteAddress()) || peers.size() < settings.maxPeers) {
          peers.add(f.remoteAddress());
          series.put("server.address", f.remoteAddress());
          series.put("server.port", (long) f.remotePort());
        } else {
          series.put("server.address", OTHER);
        }
      }
      resets.computeIfAbsent(series, k -> new long[1])[0]++;
      Map<String, Object> idleSeries = new LinkedHashMap<>();
      idleSeries.put("error.type", errorType);
      idleSeries.put("resettracer.verdict", verdict);
      idle.computeIfAbsent(idleSeries, k -> new OtlpRequests.Histogram(IDLE_BOUNDS.length))
          .record(f.idleNanos() / 1e9, IDLE_BOUNDS);
      queue(record);
    }
  }

  @Override
  public void incident(Incident i) {
    String verdict = verdict(i.verdict().name());
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("resettracer.verdict", verdict);
    a.put("resettracer.confidence", fraction(i.confidence()));
    a.put("resettracer.incident.id", i.id());
    a.put("resettracer.incident.resets", (long) i.resets());
    a.put("resettracer.incident.peers", (long) i.peers());
    a.put("resettracer.incident.hosts", (long) i.hosts());
    a.put("resettracer.incident.peer_list", i.peerList());
    a.put("resettracer.incident.span", i.spanNanos() / 1e9);
    a.put("resettracer.incident.member_verdicts", i.memberVerdicts().toString());
    a.put("resettracer.evidence", i.evidence());
    a.put("resettracer.recommendation", i.recommendation());
    String body = String.format(Locale.ROOT, "%d resets of %s: %s (%.0f %%): %s", i.resets(),
        i.peerList(), i.verdict(), i.confidence() * 100, i.evidence());
    byte[] record = OtlpRequests.logRecord("resettracer.incident",
        TimeUnit.MILLISECONDS.toNanos(i.firstEpochMillis()), epochNanos(),
        OtlpRequests.SEVERITY_WARN, "WARN", body, a, null, null);
    synchronized (this) {
      Map<String, Object> series = new LinkedHashMap<>();
      series.put("resettracer.verdict", verdict);
      incidents.computeIfAbsent(series, k -> new long[1])[0]++;
      queue(record);
    }
  }

  private byte[] resetRecord(ClassifiedReset r, String errorType, String verdict, long now) {
    ResetFacts f = r.facts();
    Classification c = r.classification();
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("error.type", errorType);
    a.put("network.transport", "tcp");
    if (!f.remoteAddress().isEmpty()) {
      a.put("network.peer.address", f.remoteAddress());
      a.put("network.peer.port", (long) f.remotePort());
      if (f.role() == Role.CLIENT) {
        a.put("server.address", f.remoteAddress());
        a.put("server.port", (long) f.remotePort());
      } else {
        a.put("client.address", f.remoteAddress());
        a.put("client.port", (long) f.remotePort());
      }
    }
    if (!f.localAddress().isEmpty()) {
      a.put("network.local.address", f.localAddress());
      a.put("network.local.port", (long) f.localPort());
    }
    if (!f.exceptionClass().isEmpty()) {
      a.put("exception.type", f.exceptionClass());
      a.put("exception.message", f.exceptionMessage());
    }
    a.put("exception.stacktrace", stackText(r.stack()));
    if (r.thread() != null) {
      a.put("thread.name", r.thread().getName());
      a.put("thread.id", r.thread().getId());
    }
    a.put("resettracer.verdict", verdict);
    a.put("resettracer.confidence", fraction(c.confidence()));
    a.put("resettracer.evidence", c.evidence());
    a.put("resettracer.recommendation", c.recommendation());
    a.put("resettracer.role", f.role().label());
    a.put("resettracer.transport", f.transport().label());
    a.put("resettracer.operation", f.operation().label());
    a.put("resettracer.connection.age", f.connectionAgeNanos() / 1e9);
    a.put("resettracer.connection.age_known", f.ageKnown());
    a.put("resettracer.idle_time", f.idleNanos() / 1e9);
    a.put("resettracer.bytes_read", f.bytesRead());
    a.put("resettracer.bytes_written", f.bytesWritten());
    a.put("resettracer.written_since_read", f.writtenSinceRead());
    a.put("resettracer.exchanges", f.exchanges());
    a.put("resettracer.incident.id", r.burstId());
    String body = String.format(Locale.ROOT, "%s %s %s: %s (%.0f %%): %s", f.kind().label(),
        f.role() == Role.CLIENT ? "to" : "from", f.peer(), c.verdict(), c.confidence() * 100,
        c.evidence());
    return OtlpRequests.logRecord("resettracer.reset",
        TimeUnit.MILLISECONDS.toNanos(f.epochMillis()), now, OtlpRequests.SEVERITY_WARN, "WARN",
        body, a, r.span() == null ? null : r.span().traceId(),
        r.span() == null ? null : r.span().spanId());
  }

  /** Guarded by this. */
  private void queue(byte[] record) {
    if (records.size() >= settings.logQueueSize) {
      dropped.incrementAndGet();
      return;
    }
    records.addLast(record);
    if (records.size() >= settings.logBatchSize) {
      notifyAll();
    }
  }

  /** At exit, the last counts and records go out, unless export has been failing. */
  @Override
  public void flush(boolean detaching) {
    synchronized (this) {
      stopping = true;
      if (!detaching && failing) {
        // Not sent and never to be: counted, so that the exit line tells the whole loss.
        dropped.addAndGet(records.size() + inFlight.getAndSet(0));
        records.clear();
      }
      notifyAll();
    }
    // At exit, an export that has been failing is not waited for at all.
    if (Thread.currentThread() != exporter && (detaching || !failing)) {
      try {
        // At exit a second at most: a slow endpoint must not hold up the JVM's end.
        exporter.join(detaching ? 5_000 : 1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (detaching) {
      SpanCapture.install(null);
    }
  }

  @Override
  public long dropped() {
    return dropped.get();
  }

  /** Records and metric exports that reached the endpoint. */
  public long exported() {
    return exported.get();
  }

  private void run() {
    long start = System.nanoTime();
    long nextMetrics = start + TimeUnit.MILLISECONDS.toNanos(settings.metricIntervalMillis);
    long nextRecords = start + TimeUnit.MILLISECONDS.toNanos(settings.logDelayMillis);
    int spanLook = 0;
    long nextSpanLook = start + TimeUnit.SECONDS.toNanos(SPAN_LOOKS_SECONDS[0]);
    boolean last = false;
    while (!last) {
      try {
        synchronized (this) {
          long now = System.nanoTime();
          long until = Math.min(nextMetrics, nextRecords);
          if (spanOrigin.isEmpty()) {
            until = Math.min(until, nextSpanLook);
          }
          while (!stopping && records.size() < settings.logBatchSize && until - now > 0) {
            TimeUnit.NANOSECONDS.timedWait(this, until - now);
            now = System.nanoTime();
          }
          last = stopping;
        }
        long now = System.nanoTime();
        if (spanOrigin.isEmpty() && (now - nextSpanLook >= 0 || last)) {
          lookForTracing();
          spanLook++;
          nextSpanLook = now + (spanLook < SPAN_LOOKS_SECONDS.length
              ? TimeUnit.SECONDS.toNanos(
                  SPAN_LOOKS_SECONDS[spanLook] - SPAN_LOOKS_SECONDS[spanLook - 1])
              : SPAN_LOOK_EVERY_NANOS);
        }
        if (last && failing) {
          break; // an endpoint that is down must not hold up the JVM's exit
        }
        if (now - nextRecords >= 0 || last || recordsQueued() >= settings.logBatchSize) {
          exportRecords();
          nextRecords = now + TimeUnit.MILLISECONDS.toNanos(settings.logDelayMillis);
        }
        if (now - nextMetrics >= 0 || last) {
          exportMetrics();
          nextMetrics = now + TimeUnit.MILLISECONDS.toNanos(settings.metricIntervalMillis);
        }
      } catch (InterruptedException e) {
        return;
      } catch (Throwable t) {
        ResetTracerHooks.swallow(t);
      }
    }
  }

  private synchronized int recordsQueued() {
    return records.size();
  }

  private void lookForTracing() {
    try {
      SpanSource s = SpanSource.find(loadedClasses.get());
      if (s != null) {
        SpanCapture.install(s);
        spanOrigin = s.origin();
        log.debug("resets carry the span active on the failing thread, read through {}",
            s.origin());
      }
    } catch (Throwable t) {
      ResetTracerHooks.swallow(t);
      spanOrigin = "unusable: " + t;
      log.warn("found OpenTelemetry's API but cannot read its spans; resets carry no trace ids",
          t);
    }
  }

  private void exportRecords() {
    while (true) {
      List<byte[]> batch = new ArrayList<>();
      synchronized (this) {
        while (batch.size() < settings.logBatchSize && !records.isEmpty()) {
          batch.add(records.pollFirst());
        }
      }
      if (batch.isEmpty()) {
        return;
      }
      byte[] body = OtlpRequests.logsRequest(resource, scope, batch);
      inFlight.set(batch.size());
      boolean sent = send(settings.logsUrl, settings.logsHeaders, body);
      long n = inFlight.getAndSet(0);
      if (sent) {
        exported.addAndGet(n);
      } else {
        dropped.addAndGet(n);
        return; // the rest waits for the next turn, or is dropped when the queue overflows
      }
    }
  }

  private void exportMetrics() {
    Map<Map<String, Object>, long[]> resetCopy = new LinkedHashMap<>();
    Map<Map<String, Object>, OtlpRequests.Histogram> idleCopy = new LinkedHashMap<>();
    Map<Map<String, Object>, long[]> incidentCopy = new LinkedHashMap<>();
    synchronized (this) {
      resets.forEach((k, v) -> resetCopy.put(k, v.clone()));
      idle.forEach((k, v) -> idleCopy.put(k, v.copy()));
      incidents.forEach((k, v) -> incidentCopy.put(k, v.clone()));
    }
    if (resetCopy.isEmpty() && incidentCopy.isEmpty()) {
      return; // nothing seen yet: an idle JVM sends nothing
    }
    long now = epochNanos();
    List<ProtoWriter> metrics = new ArrayList<>();
    if (!resetCopy.isEmpty()) {
      metrics.add(OtlpRequests.counter(RESETS,
          "TCP connections aborted under the application, by failure and judged cause",
          "{reset}", resetCopy, startEpochNanos, now));
      metrics.add(OtlpRequests.histogram(IDLE,
          "How long a connection sat unused before the exchange that met the reset", "s",
          IDLE_BOUNDS, idleCopy, startEpochNanos, now));
    }
    if (!incidentCopy.isEmpty()) {
      metrics.add(OtlpRequests.counter(INCIDENTS,
          "Bursts of resets judged as one, by judged cause", "{incident}", incidentCopy,
          startEpochNanos, now));
    }
    if (send(settings.metricsUrl, settings.metricsHeaders,
        OtlpRequests.metricsRequest(resource, scope, metrics.toArray(new ProtoWriter[0])))) {
      exported.incrementAndGet();
    }
  }

  /** One POST; true when the endpoint took it. Says once that export fails, once that it works. */
  private boolean send(URI url, Map<String, String> headers, byte[] body) {
    String problem;
    try {
      // No proxy: the application's ProxySelector is its code, not to be run on the agent's thread.
      HttpURLConnection c = (HttpURLConnection) url.toURL().openConnection(Proxy.NO_PROXY);
      int timeout = (int) Math.min(Integer.MAX_VALUE, settings.timeoutMillis);
      c.setConnectTimeout(timeout);
      c.setReadTimeout(timeout);
      c.setDoOutput(true);
      c.setRequestMethod("POST");
      c.setFixedLengthStreamingMode(body.length);
      c.setRequestProperty("Content-Type", "application/x-protobuf");
      headers.forEach(c::setRequestProperty);
      try (OutputStream out = c.getOutputStream()) {
        out.write(body);
      }
      int status = c.getResponseCode();
      try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
        if (in != null) {
          in.readAllBytes(); // read to the end, so that the connection is kept for the next export
        }
      }
      if (status / 100 == 2) {
        if (failing) {
          failing = false;
          log.info("OpenTelemetry export to {} works again ({} dropped so far)", url,
              dropped.get());
        }
        return true;
      }
      problem = "HTTP " + status;
    } catch (IOException | RuntimeException e) {
      problem = e.toString();
    }
    if (!failing) {
      failing = true;
      log.warn("OpenTelemetry export to {} fails ({}); what cannot be sent is dropped and counted",
          url, problem);
    }
    return false;
  }

  static String errorType(FailureKind kind) {
    switch (kind) {
      case RESET:
        return "connection_reset";
      case BROKEN_PIPE:
        return "broken_pipe";
      case TIMED_OUT:
        return "timed_out";
      case UNREACHABLE:
        return "unreachable";
      case PREMATURE_EOF:
        return "premature_eof";
      default:
        throw new IllegalArgumentException("no error.type for " + kind);
    }
  }

  /** The float as it prints (0.65), not as its binary value widens (0.6499999761581421). */
  private static double fraction(float f) {
    return Double.parseDouble(Float.toString(f));
  }

  static String verdict(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  private static String stackText(StackTraceElement[] stack) {
    StringBuilder b = new StringBuilder();
    int n = Math.min(stack.length, MAX_FRAMES);
    for (int i = 0; i < n; i++) {
      b.append("\tat ").append(stack[i]).append('\n');
    }
    if (stack.length > n) {
      b.append("\t... ").append(stack.length - n).append(" more\n");
    }
    return b.toString();
  }

  private static long epochNanos() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
