package io.resettracer.report;

import static io.resettracer.report.Resets.S;
import static io.resettracer.report.Resets.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The three formats, rendered from a report built of plain records. */
class RenderersTest {

  private static final ZoneId UTC = ZoneId.of("UTC");

  private static Report sample() {
    ReportBuilder b = new ReportBuilder();
    b.source("app.jfr");
    String rec = "keep connections to 10.0.0.5:443 idle below the hop's limit: set the pool's max"
        + " idle to ≤ 315 s";
    for (int i = 0; i < 6; i++) {
      b.add(Resets.idle(T0 + i * 60_000, "IDLE_TIMEOUT", "10.0.0.5:443", (351 + i) * S, 340 * S,
          rec));
    }
    b.add(new ResetRecord(T0 + 100_000, "PEER_CRASH", 0.7, "10.0.0.9:8443", 0, -1, "read",
        "java.net.SocketException", "Connection <reset> & \"gone\"",
        "<script>alert(1)</script>", "restart it",
        List.of("com.example.Orders.place(Orders.java:7)"), "pool-1", 3));
    b.add(Resets.incident(3, "PEER_CRASH", T0 + 99_000, 2_000_000));
    return b.build();
  }

  @Test
  void theHtmlPageNeedsNothingElseAndDrawsItsCharts() {
    String html = HtmlRenderer.render(sample(), "1.2.3", UTC);
    assertTrue(html.startsWith("<!DOCTYPE html>"));
    for (String outside : new String[] {"<script", "http:", "https:", "url(", "@import", "<link",
        "<img", "<iframe", "@font-face"}) {
      assertFalse(html.contains(outside), "the page must not load or run anything: " + outside);
    }
    assertEquals(2, count(html, "<svg class=\"chart\""), "the timeline and one peer's idle chart");
    assertTrue(html.contains("learnt limit 351.0 s"), "the limit drawn on the idle chart");
    assertTrue(html.contains("max idle ≤ 315.0 s"), "the recommended setting drawn");
    assertTrue(html.contains("known default 350.0 s"), "the catalogue value drawn");
    assertTrue(html.contains("survived 340.0 s"));
    assertTrue(html.contains("AWS NAT Gateway / NLB / Network Firewall (350 s)"));
    assertTrue(html.contains("#3 "), "the incident by its id");
    assertTrue(html.contains("at com.example.Orders.place(Orders.java:7)"));
    assertTrue(html.contains("Connection &lt;reset&gt; &amp; &quot;gone&quot;"), "escaped");
    assertFalse(html.contains("<script>alert"), "event text is escaped");
  }

  @Test
  void theTextFormatIsATableForATerminal() {
    String text = TextRenderer.render(sample(), UTC);
    assertTrue(text.startsWith("Connection resets: 7 resets, 1 incident, 2 peers\n"), text);
    assertTrue(text.contains("\n  IDLE_TIMEOUT       6          0\n"), text);
    assertTrue(text.contains("\n  PEER_CRASH         1          1\n"), text);
    assertTrue(text.contains("  10.0.0.5:443        6  IDLE_TIMEOUT×6  351.0 s – 356.0 s"),
        text);
    assertTrue(text.contains("340.0 s   351.0 s  ≤ 315.0 s"), text);
    assertTrue(text.contains("#3 PEER_CRASH 85 %  "), text);
    assertTrue(text.contains("    at com.example.Pool.reuse(Pool.java:10)\n"), text);
  }

  @Test
  void theJsonFormatIsValidAndCarriesTheNumbers() {
    String json = JsonRenderer.render(sample(), "1.2.3");
    JsonCheck.valid(json);
    assertTrue(json.contains("\"format\": \"reset-tracer-report/1\""));
    assertTrue(json.contains("\"counts\": {\"resets\": 7, \"incidents\": 1, \"peers\": 2"), json);
    assertTrue(json.contains("\"limitNanos\": 351000000000"), json);
    assertTrue(json.contains("\"survivedIdleNanos\": 340000000000"), json);
    assertTrue(json.contains("\"maxIdleSettingNanos\": 315000000000"), json);
    assertTrue(json.contains("\"exception\": \"java.net.SocketException: Connection <reset> & "
        + "\\\"gone\\\"\""), json);
  }

  @Test
  void anEmptyReportSaysWhatToCheck() {
    Report empty = new ReportBuilder().build();
    assertTrue(HtmlRenderer.render(empty, "1", UTC).contains("No reset-tracer events"));
    assertTrue(TextRenderer.render(empty, UTC).contains("No reset-tracer events"));
    String json = JsonRenderer.render(empty, "1");
    JsonCheck.valid(json);
    assertTrue(json.contains("\"first\": null"), json);
  }

  @Test
  void jsonStringsEscapeWhatJsonRequires() {
    String s = JsonRenderer.str("a\"b\\c\nd\u0001e\u2028f");
    assertEquals("\"a\\\"b\\\\c\\nd\\u0001e\\u2028f\"", s);
    JsonCheck.valid(s);
  }

  private static int count(String text, String what) {
    Matcher m = Pattern.compile(Pattern.quote(what)).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
