package io.resettracer.emit.otlp;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Where and how to export, from the agent's {@code otlp} option and the standard OpenTelemetry
 * settings, each read as a system property ({@code otel.service.name}) first and as an environment
 * variable ({@code OTEL_SERVICE_NAME}) second, as OpenTelemetry's own SDK reads them: service name,
 * resource attributes, headers (general and per signal), the export timeout, the metric export
 * interval and the log batch settings. Read once at start; values that do not parse become warnings
 * and their defaults stay.
 */
public final class OtlpSettings {

  static final String DEFAULT_ENDPOINT = "http://localhost:4318";

  final URI metricsUrl;
  final URI logsUrl;
  final Map<String, String> metricsHeaders;
  final Map<String, String> logsHeaders;
  /** The resource's attributes, {@code service.name} first. */
  final Map<String, String> resource;
  final long timeoutMillis;
  final long metricIntervalMillis;
  final long logDelayMillis;
  final int logQueueSize;
  final int logBatchSize;
  /** Distinct {@code server.address} values in metrics before the rest become "_other". */
  final int maxPeers;
  final List<String> warnings = new ArrayList<>();

  private final UnaryOperator<String> properties;
  private final UnaryOperator<String> environment;

  /**
   * @param option the {@code otlp} option: an endpoint such as {@code http://127.0.0.1:4318}, or
   *     {@code on} for {@code OTEL_EXPORTER_OTLP_ENDPOINT} (default {@value #DEFAULT_ENDPOINT})
   */
  public static OtlpSettings of(String option, int maxPeers) {
    return new OtlpSettings(option, maxPeers, System::getProperty, System::getenv);
  }

  OtlpSettings(
      String option, int maxPeers, UnaryOperator<String> properties,
      UnaryOperator<String> environment) {
    this.properties = properties;
    this.environment = environment;
    this.maxPeers = maxPeers;
    String protocol = setting("otel.exporter.otlp.protocol");
    if (protocol != null && !protocol.equals("http/protobuf")) {
      warnings.add("OpenTelemetry export speaks http/protobuf only, not " + protocol);
    }
    String base =
        "on".equalsIgnoreCase(option) || "true".equalsIgnoreCase(option)
            ? orElse(setting("otel.exporter.otlp.endpoint"), DEFAULT_ENDPOINT)
            : option;
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    URI check = URI.create(base);
    if (!"http".equals(check.getScheme()) && !"https".equals(check.getScheme())) {
      throw new IllegalArgumentException(
          "the OTLP endpoint must be an http:// or https:// address, not '" + option + "'");
    }
    metricsUrl = signalUrl("metrics", base);
    logsUrl = signalUrl("logs", base);
    Map<String, String> headers = pairs("otel.exporter.otlp.headers");
    metricsHeaders = merged(headers, pairs("otel.exporter.otlp.metrics.headers"));
    logsHeaders = merged(headers, pairs("otel.exporter.otlp.logs.headers"));
    Map<String, String> attributes = pairs("otel.resource.attributes");
    String service = setting("otel.service.name");
    if (service == null || service.isBlank()) {
      service = attributes.getOrDefault("service.name", "unknown_service:java");
    }
    Map<String, String> r = new LinkedHashMap<>();
    r.put("service.name", service);
    attributes.forEach(r::putIfAbsent);
    resource = java.util.Collections.unmodifiableMap(r);
    timeoutMillis = millis("otel.exporter.otlp.timeout", 10_000);
    metricIntervalMillis = millis("otel.metric.export.interval", 60_000);
    logDelayMillis = millis("otel.blrp.schedule.delay", 1_000);
    logQueueSize = (int) Math.min(100_000, millis("otel.blrp.max.queue.size", 2048));
    logBatchSize = (int) Math.min(logQueueSize, millis("otel.blrp.max.export.batch.size", 512));
  }

  /** A signal's own endpoint is used as it is; the general one gets {@code /v1/<signal>}. */
  private URI signalUrl(String signal, String base) {
    String own = setting("otel.exporter.otlp." + signal + ".endpoint");
    return URI.create(own != null && !own.isBlank() ? own : base + "/v1/" + signal);
  }

  /** The system property first, then the environment variable of the same name. */
  String setting(String property) {
    String v = properties.apply(property);
    if (v == null) {
      v = environment.apply(property.toUpperCase(Locale.ROOT).replace('.', '_'));
    }
    return v == null ? null : v.trim();
  }

  private long millis(String property, long fallback) {
    String v = setting(property);
    if (v == null || v.isEmpty()) {
      return fallback;
    }
    try {
      long n = Long.parseLong(v);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // told below
    }
    warnings.add("ignoring " + property + "=" + v + ": not a positive whole number");
    return fallback;
  }

  /** {@code key=value,key=value}, values percent-decoded, as OpenTelemetry's settings have them. */
  private Map<String, String> pairs(String property) {
    Map<String, String> m = new LinkedHashMap<>();
    String v = setting(property);
    if (v == null || v.isEmpty()) {
      return m;
    }
    for (String item : v.split(",")) {
      int eq = item.indexOf('=');
      if (eq <= 0) {
        if (!item.isBlank()) {
          warnings.add("ignoring '" + item.trim() + "' in " + property + ": not key=value");
        }
        continue;
      }
      try {
        m.put(item.substring(0, eq).trim(),
            URLDecoder.decode(item.substring(eq + 1).trim(), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        warnings.add("ignoring '" + item.trim() + "' in " + property + ": " + e.getMessage());
      }
    }
    return m;
  }

  private static Map<String, String> merged(Map<String, String> general, Map<String, String> own) {
    Map<String, String> m = new LinkedHashMap<>(general);
    m.putAll(own);
    return Map.copyOf(m);
  }

  private static String orElse(String v, String fallback) {
    return v == null || v.isBlank() ? fallback : v;
  }
}
