package io.resettracer.emit.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resettracer.model.FailureKind;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OtlpSettingsTest {

  @Test
  void theStandardSettingsComeFromTheEnvironmentAndSystemPropertiesWin() {
    Map<String, String> env = Map.of(
        "OTEL_SERVICE_NAME", "from-env",
        "OTEL_RESOURCE_ATTRIBUTES", "service.name=ignored,k8s.pod.name=web-1,team=a%20b",
        "OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20t0ken,x-a=1",
        "OTEL_EXPORTER_OTLP_LOGS_HEADERS", "x-a=2",
        "OTEL_METRIC_EXPORT_INTERVAL", "15000");
    Map<String, String> props = Map.of("otel.service.name", "from-property");
    OtlpSettings s = new OtlpSettings("http://collector:4318/", 7, props::get, env::get);
    assertEquals("http://collector:4318/v1/metrics", s.metricsUrl.toString());
    assertEquals("http://collector:4318/v1/logs", s.logsUrl.toString());
    assertEquals("from-property", s.resource.get("service.name"));
    assertEquals("web-1", s.resource.get("k8s.pod.name"));
    assertEquals("a b", s.resource.get("team"));
    assertEquals(Map.of("authorization", "Bearer t0ken", "x-a", "1"), s.metricsHeaders);
    assertEquals(Map.of("authorization", "Bearer t0ken", "x-a", "2"), s.logsHeaders);
    assertEquals(15_000, s.metricIntervalMillis);
    assertEquals(10_000, s.timeoutMillis);
    assertEquals(7, s.maxPeers);
    assertTrue(s.warnings.isEmpty(), s.warnings.toString());
  }

  @Test
  void onTakesTheEndpointFromTheSettingsOrTheDefault() {
    Map<String, String> env = Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "https://otel.example:4318",
        "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "https://metrics.example/custom");
    OtlpSettings s = new OtlpSettings("on", 100, k -> null, env::get);
    assertEquals("https://metrics.example/custom", s.metricsUrl.toString());
    assertEquals("https://otel.example:4318/v1/logs", s.logsUrl.toString());
    OtlpSettings d = new OtlpSettings("on", 100, k -> null, k -> null);
    assertEquals("http://localhost:4318/v1/logs", d.logsUrl.toString());
    assertEquals("unknown_service:java", d.resource.get("service.name"));
  }

  @Test
  void whatDoesNotParseIsAWarningAndTheDefaultStays() {
    Map<String, String> env = Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc",
        "OTEL_BLRP_SCHEDULE_DELAY", "soon", "OTEL_RESOURCE_ATTRIBUTES", "novalue");
    OtlpSettings s = new OtlpSettings("http://127.0.0.1:4318", 100, k -> null, env::get);
    assertEquals(1_000, s.logDelayMillis);
    assertEquals(3, s.warnings.size(), s.warnings.toString());
    assertThrows(IllegalArgumentException.class,
        () -> new OtlpSettings("127.0.0.1:4318", 100, k -> null, k -> null));
  }

  @Test
  void everyFailureKindHasAnErrorType() {
    for (FailureKind k : FailureKind.values()) {
      assertTrue(OtlpOutput.errorType(k).matches("[a-z_]+"), k.name());
    }
  }
}
