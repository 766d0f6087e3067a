package io.resettracer.report;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report as JSON for scripts. Its shape, version {@value #FORMAT} (fields are only ever
 * added; a number the recording did not know is {@code null}; durations in nanoseconds, times in
 * milliseconds since the epoch and as ISO-8601):
 *
 * <pre>{@code
 * { "format": "reset-tracer-report/1", "generator": "reset-tracer 0.1.0", "sources": ["a.jfr"],
 *   "counts": { "resets": 12, "incidents": 2, "peers": 5, "peersCapped": false },
 *   "span": { "firstEpochMillis": ..., "lastEpochMillis": ..., "first": "...Z", "last": "...Z" },
 *   "verdicts": [ { "verdict": "IDLE_TIMEOUT", "resets": 6, "incidents": 0 } ],
 *   "timeline": { "startEpochMillis": ..., "binMillis": 256, "verdicts": ["IDLE_TIMEOUT"],
 *                 "counts": [[3], [0], [1]] },
 *   "peers": [ { "peer": "10.0.0.5:443", "resets": 4, "verdicts": { "IDLE_TIMEOUT": 4 },
 *                "verdict": "IDLE_TIMEOUT", "minIdleNanos": ..., "maxIdleNanos": ...,
 *                "limitNanos": ..., "survivedIdleNanos": ..., "maxIdleSettingNanos": ...,
 *                "catalogue": ["AWS ALB / Classic ELB (60 s)"], "catalogueNanos": 60000000000,
 *                "recommendation": "...",
 *                "idleSampleNanos": [...] } ],
 *   "incidents": [ { "recording": 0, "id": 3, "verdict": "PEER_CRASH", "confidence": 0.9,
 *                    "resets": 4, "peers": 1, "hosts": 1, "peerList": "...",
 *                    "firstResetEpochMillis": ..., "spanNanos": ..., "memberVerdicts": "...",
 *                    "evidence": "...", "recommendation": "..." } ],
 *   "callSites": [ { "frames": ["com.example.Client.fetch(Client.java:42)"], "resets": 4,
 *                    "verdicts": { "IDLE_TIMEOUT": 4 }, "operations": ["read"],
 *                    "exception": "java.net.SocketException: Connection reset",
 *                    "peers": ["10.0.0.5:443"], "threads": ["main"] } ],
 *   "omitted": { "resetsOfOtherPeers": 0, "resetsAtOtherCallSites": 0, "incidents": 0 } }
 * }</pre>
 */
public final class JsonRenderer {

  public static final String FORMAT = "reset-tracer-report/1";

  private final StringBuilder j = new StringBuilder(32 * 1024);

  private JsonRenderer() {}

  public static String render(Report r, String version) {
    return new JsonRenderer().page(r, version);
  }

  private String page(Report r, String version) {
    j.append("{\n  \"format\": ").append(str(FORMAT))
        .append(",\n  \"generator\": ").append(str("reset-tracer " + version))
        .append(",\n  \"sources\": ").append(strings(r.sources()))
        .append(",\n  \"counts\": {\"resets\": ").append(r.resets())
        .append(", \"incidents\": ").append(r.incidentCount())
        .append(", \"peers\": ").append(r.peerCount())
        .append(", \"peersCapped\": ").append(r.peerCountCapped())
        .append("},\n  \"span\": {\"firstEpochMillis\": ").append(known(r.firstMillis()))
        .append(", \"lastEpochMillis\": ").append(known(r.lastMillis()))
        .append(", \"first\": ").append(iso(r.firstMillis()))
        .append(", \"last\": ").append(iso(r.lastMillis())).append("},\n  \"verdicts\": [");
    String sep = "";
    for (Report.VerdictCount v : r.verdicts()) {
      j.append(sep).append("\n    {\"verdict\": ").append(str(v.verdict()))
          .append(", \"resets\": ").append(v.resets())
          .append(", \"incidents\": ").append(v.incidents()).append('}');
      sep = ",";
    }
    j.append(r.verdicts().isEmpty() ? "]" : "\n  ]");
    Report.Timeline t = r.timeline();
    j.append(",\n  \"timeline\": {\"startEpochMillis\": ").append(known(t.startMillis()))
        .append(", \"binMillis\": ").append(t.binMillis())
        .append(", \"verdicts\": ").append(strings(t.verdicts())).append(", \"counts\": [");
    for (int i = 0; i < t.bins(); i++) {
      j.append(i == 0 ? "" : ", ").append('[');
      long[] row = t.counts()[i];
      for (int v = 0; v < row.length; v++) {
        j.append(v == 0 ? "" : ", ").append(row[v]);
      }
      j.append(']');
    }
    j.append("]},\n  \"peers\": [");
    sep = "";
    for (Report.Peer p : r.peers()) {
      j.append(sep).append("\n    {\"peer\": ").append(str(p.peer()))
          .append(", \"resets\": ").append(p.resets())
          .append(", \"verdicts\": ").append(counts(p.verdicts()))
          .append(", \"verdict\": ").append(str(p.verdict()))
          .append(",\n     \"minIdleNanos\": ").append(known(p.minIdleNanos()))
          .append(", \"maxIdleNanos\": ").append(known(p.maxIdleNanos()))
          .append(", \"limitNanos\": ").append(known(p.limitNanos()))
          .append(", \"survivedIdleNanos\": ").append(known(p.survivedNanos()))
          .append(", \"maxIdleSettingNanos\": ").append(known(p.maxIdleSettingNanos()))
          .append(",\n     \"catalogue\": ").append(strings(p.catalogue()))
          .append(", \"catalogueNanos\": ").append(known(p.catalogueNanos()))
          .append(", \"recommendation\": ").append(str(p.recommendation()))
          .append(",\n     \"idleSampleNanos\": [");
      for (int i = 0; i < p.idleSamples().length; i++) {
        j.append(i == 0 ? "" : ", ").append(p.idleSamples()[i]);
      }
      j.append("]}");
      sep = ",";
    }
    j.append(r.peers().isEmpty() ? "]" : "\n  ]").append(",\n  \"incidents\": [");
    sep = "";
    for (IncidentRecord i : r.incidents()) {
      j.append(sep).append("\n    {\"recording\": ").append(i.recording())
          .append(", \"id\": ").append(i.id() > 0 ? Long.toString(i.id()) : "null")
          .append(", \"verdict\": ").append(str(i.verdict()))
          .append(", \"confidence\": ").append(fraction(i.confidence()))
          .append(", \"resets\": ").append(known(i.resets()))
          .append(", \"peers\": ").append(known(i.peers()))
          .append(", \"hosts\": ").append(known(i.hosts()))
          .append(",\n     \"peerList\": ").append(str(i.peerList()))
          .append(", \"firstResetEpochMillis\": ").append(known(i.firstResetMillis()))
          .append(", \"spanNanos\": ").append(known(i.spanNanos()))
          .append(",\n     \"memberVerdicts\": ").append(str(i.memberVerdicts()))
          .append(",\n     \"evidence\": ").append(str(i.evidence()))
          .append(",\n     \"recommendation\": ").append(str(i.recommendation())).append('}');
      sep = ",";
    }
    j.append(r.incidents().isEmpty() ? "]" : "\n  ]").append(",\n  \"callSites\": [");
    sep = "";
    for (Report.CallSite s : r.callSites()) {
      j.append(sep).append("\n    {\"frames\": ").append(strings(s.frames()))
          .append(",\n     \"resets\": ").append(s.resets())
          .append(", \"verdicts\": ").append(counts(s.verdicts()))
          .append(", \"operations\": ").append(strings(s.operations()))
          .append(", \"exception\": ").append(str(s.exception()))
          .append(",\n     \"peers\": ").append(strings(s.peers()))
          .append(", \"threads\": ").append(strings(s.threads())).append('}');
      sep = ",";
    }
    j.append(r.callSites().isEmpty() ? "]" : "\n  ]")
        .append(",\n  \"omitted\": {\"resetsOfOtherPeers\": ").append(r.resetsOfOtherPeers())
        .append(", \"resetsAtOtherCallSites\": ").append(r.resetsAtOtherCallSites())
        .append(", \"incidents\": ").append(r.incidentCount() - r.incidents().size())
        .append("}\n}\n");
    return j.toString();
  }

  private static String known(long v) {
    return v < 0 ? "null" : Long.toString(v);
  }

  private static String fraction(double v) {
    return v < 0 || Double.isNaN(v) || Double.isInfinite(v)
        ? "null" : String.format(Locale.ROOT, "%.3f", v);
  }

  private static String iso(long epochMillis) {
    return epochMillis < 0 ? "null" : str(Instant.ofEpochMilli(epochMillis).toString());
  }

  private static String counts(Map<String, Long> counts) {
    StringBuilder b = new StringBuilder("{");
    String sep = "";
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      b.append(sep).append(str(e.getKey())).append(": ").append(e.getValue());
      sep = ", ";
    }
    return b.append('}').toString();
  }

  private static String strings(List<String> values) {
    StringBuilder b = new StringBuilder("[");
    String sep = "";
    for (String v : values) {
      b.append(sep).append(str(v));
      sep = ", ";
    }
    return b.append(']').toString();
  }

  /** A JSON string: quotes, backslashes and control characters escaped, the rest as is (UTF-8). */
  static String str(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
