package io.resettracer.emit.otlp;

import java.util.Map;

/**
 * Builds the OTLP messages ({@code opentelemetry/proto/...}, the field numbers are theirs): the
 * export requests for metrics and logs, and the parts they share. Protocol buffers forbid nothing
 * here that an older receiver would trip on: unknown fields are skipped by every reader.
 */
final class OtlpRequests {

  static final int TEMPORALITY_CUMULATIVE = 2;
  static final int SEVERITY_WARN = 13;

  private OtlpRequests() {}

  /** {@code KeyValue}: a string, a whole number, a fraction or a truth value. */
  static ProtoWriter keyValue(String key, Object value) {
    ProtoWriter any = new ProtoWriter();
    if (value instanceof Long || value instanceof Integer) {
      any.int64Always(3, ((Number) value).longValue());
    } else if (value instanceof Double || value instanceof Float) {
      any.doubleAlways(4, ((Number) value).doubleValue());
    } else if (value instanceof Boolean) {
      any.boolAlways(2, (Boolean) value);
    } else {
      any.stringAlways(1, String.valueOf(value));
    }
    return new ProtoWriter().string(1, key).message(2, any);
  }

  static void attributes(ProtoWriter into, int field, Map<String, ?> attributes) {
    for (Map.Entry<String, ?> e : attributes.entrySet()) {
      into.message(field, keyValue(e.getKey(), e.getValue()));
    }
  }

  /** {@code Resource}. */
  static ProtoWriter resource(Map<String, String> attributes) {
    ProtoWriter r = new ProtoWriter();
    attributes(r, 1, attributes);
    return r;
  }

  /** {@code InstrumentationScope}. */
  static ProtoWriter scope(String name, String version) {
    return new ProtoWriter().string(1, name).string(2, version);
  }

  /** {@code Metric} holding a monotonic cumulative {@code Sum} of whole numbers. */
  static ProtoWriter counter(
      String name, String description, String unit, Map<Map<String, Object>, long[]> series,
      long startNanos, long nowNanos) {
    ProtoWriter sum = new ProtoWriter();
    for (Map.Entry<Map<String, Object>, long[]> s : series.entrySet()) {
      ProtoWriter point = new ProtoWriter()
          .fixed64(2, startNanos)
          .fixed64(3, nowNanos)
          .fixed64Always(6, s.getValue()[0]);
      attributes(point, 7, s.getKey());
      sum.message(1, point);
    }
    sum.uint64(2, TEMPORALITY_CUMULATIVE).bool(3, true);
    return new ProtoWriter().string(1, name).string(2, description).string(3, unit).message(7, sum);
  }

  /** {@code Metric} holding a cumulative explicit-bucket {@code Histogram}. */
  static ProtoWriter histogram(
      String name, String description, String unit, double[] bounds,
      Map<Map<String, Object>, Histogram> series, long startNanos, long nowNanos) {
    ProtoWriter h = new ProtoWriter();
    for (Map.Entry<Map<String, Object>, Histogram> s : series.entrySet()) {
      Histogram v = s.getValue();
      ProtoWriter point = new ProtoWriter()
          .fixed64(2, startNanos)
          .fixed64(3, nowNanos)
          .fixed64Always(4, v.count)
          .doubleAlways(5, v.sum)
          .packedFixed64(6, v.buckets.clone())
          .packedDouble(7, bounds);
      attributes(point, 9, s.getKey());
      point.doubleAlways(11, v.min).doubleAlways(12, v.max);
      h.message(1, point);
    }
    h.uint64(2, TEMPORALITY_CUMULATIVE);
    return new ProtoWriter().string(1, name).string(2, description).string(3, unit).message(9, h);
  }

  /** {@code ExportMetricsServiceRequest} with one resource and one scope. */
  static byte[] metricsRequest(ProtoWriter resource, ProtoWriter scope, ProtoWriter... metrics) {
    ProtoWriter scopeMetrics = new ProtoWriter().message(1, scope);
    for (ProtoWriter m : metrics) {
      scopeMetrics.message(2, m);
    }
    ProtoWriter resourceMetrics = new ProtoWriter().message(1, resource).message(2, scopeMetrics);
    return new ProtoWriter().message(1, resourceMetrics).toByteArray();
  }

  /**
   * {@code LogRecord}, encoded, to wait in the queue as bytes.
   *
   * @param traceId 32 hex digits or null
   * @param spanId 16 hex digits or null
   */
  static byte[] logRecord(
      String eventName, long timeNanos, long observedNanos, int severity, String severityText,
      String body, Map<String, Object> attributes, String traceId, String spanId) {
    ProtoWriter r = new ProtoWriter()
        .fixed64(1, timeNanos)
        .uint64(2, severity)
        .string(3, severityText)
        .message(5, new ProtoWriter().stringAlways(1, body));
    attributes(r, 6, attributes);
    byte[] trace = hex(traceId, 16);
    byte[] span = hex(spanId, 8);
    if (trace != null && span != null) {
      r.bytes(9, trace).bytes(10, span);
    }
    r.fixed64(11, observedNanos).string(12, eventName);
    return r.toByteArray();
  }

  /** {@code ExportLogsServiceRequest} with one resource and one scope. */
  static byte[] logsRequest(ProtoWriter resource, ProtoWriter scope, Iterable<byte[]> records) {
    ProtoWriter scopeLogs = new ProtoWriter().message(1, scope);
    for (byte[] r : records) {
      scopeLogs.message(2, r);
    }
    ProtoWriter resourceLogs = new ProtoWriter().message(1, resource).message(2, scopeLogs);
    return new ProtoWriter().message(1, resourceLogs).toByteArray();
  }

  /** Lowercase or uppercase hex of exactly {@code bytes} bytes, or null when it is not that. */
  static byte[] hex(String s, int bytes) {
    if (s == null || s.length() != bytes * 2) {
      return null;
    }
    byte[] b = new byte[bytes];
    for (int i = 0; i < bytes; i++) {
      int hi = Character.digit(s.charAt(2 * i), 16);
      int lo = Character.digit(s.charAt(2 * i + 1), 16);
      if (hi < 0 || lo < 0) {
        return null;
      }
      b[i] = (byte) ((hi << 4) | lo);
    }
    return b;
  }

  /** One histogram series: counts per bucket (one more than bounds), sum, min and max. */
  static final class Histogram {
    final long[] buckets;
    long count;
    double sum;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;

    Histogram(int bounds) {
      buckets = new long[bounds + 1];
    }

    void record(double value, double[] bounds) {
      int i = 0;
      while (i < bounds.length && value > bounds[i]) {
        i++;
      }
      buckets[i]++;
      count++;
      sum += value;
      min = Math.min(min, value);
      max = Math.max(max, value);
    }

    Histogram copy() {
      Histogram h = new Histogram(buckets.length - 1);
      System.arraycopy(buckets, 0, h.buckets, 0, buckets.length);
      h.count = count;
      h.sum = sum;
      h.min = min;
      h.max = max;
      return h;
    }
  }
}
