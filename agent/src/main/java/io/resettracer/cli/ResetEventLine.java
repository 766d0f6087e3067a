package io.resettracer.cli;

import io.resettracer.model.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import jdk.jfr.ValueDescriptor;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;

/**
 * One {@code resettracer.ConnectionReset} or {@code resettracer.ResetIncident} event as one line of
 * {@code watch} output: text for a person, or one JSON object for a script.
 */
final class ResetEventLine {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneId.systemDefault());

  private ResetEventLine() {}

  static String format(RecordedEvent e) {
    String role = e.getString("role");
    String local = e.getString("localAddress");
    String remote = e.getString("remoteAddress");
    long age = nanos(e.getDuration("connectionAge"));
    return String.format(
        Locale.ROOT,
        "%s %s on %s %s %s %s%s%s: age %s, idle %s; %s: %s; verdict %s (%.0f %%): %s%s",
        TIME.format(failedAt(e)),
        e.getString("failure"),
        role,
        e.getString("transport"),
        e.getString("operation"),
        local == null || local.isEmpty() ? "?" : local + ":" + e.getInt("localPort"),
        "server".equals(role) ? " <- " : " -> ",
        remote == null || remote.isEmpty() ? "unknown peer" : remote + ":" + e.getInt("remotePort"),
        e.getBoolean("ageKnown")
            ? Durations.format(age)
            : "≥ " + Durations.format(age) + ", open before the agent saw it",
        Durations.format(nanos(e.getDuration("idleTime"))),
        e.getString("exceptionClass"),
        e.getString("exceptionMessage"),
        e.getString("verdict"),
        e.getFloat("confidence") * 100,
        e.getString("evidence"),
        fix(e));
  }

  /** An incident: the burst judged as a whole, with its fix. */
  static String incident(RecordedEvent e) {
    return String.format(
        Locale.ROOT,
        "%s incident %d: %d resets of %s within %s; verdict %s (%.0f %%): %s%s",
        TIME.format(e.getStartTime() == null ? Instant.now() : e.getStartTime()),
        e.hasField("incidentId") ? e.getLong("incidentId") : 0,
        e.getInt("resets"),
        e.getString("peerList"),
        Durations.format(nanos(e.getDuration("span"))),
        e.getString("verdict"),
        e.getFloat("confidence") * 100,
        e.getString("evidence"),
        fix(e));
  }

  /** Every field of the event but its JFR stack and thread, as one JSON object. */
  static String json(RecordedEvent e) {
    StringBuilder b = new StringBuilder("{\"event\":");
    quote(b, e.getEventType().getName());
    for (ValueDescriptor f : e.getFields()) {
      String name = f.getName();
      if (name.equals("stackTrace") || name.equals("eventThread")) {
        continue;
      }
      Object v = e.getValue(name);
      b.append(',');
      quote(b, name);
      b.append(':');
      if (v instanceof RecordedThread) {
        quote(b, ((RecordedThread) v).getJavaName());
      } else if (v instanceof Number && !"jdk.jfr.Timespan".equals(timespan(f))) {
        b.append(v);
      } else if (v instanceof Boolean) {
        b.append(v);
      } else if (v == null) {
        b.append("null");
      } else if ("jdk.jfr.Timespan".equals(timespan(f))) {
        Duration d = e.getDuration(name);
        b.append(d == null ? "null" : String.valueOf(d.toNanos()));
      } else if ("jdk.jfr.Timestamp".equals(timespan(f))) {
        Instant t = e.getInstant(name);
        quote(b, String.valueOf(t));
      } else {
        quote(b, String.valueOf(v));
      }
    }
    return b.append('}').toString();
  }

  /** The unit annotation of a field, timespan or timestamp, or "". */
  private static String timespan(ValueDescriptor f) {
    for (jdk.jfr.AnnotationElement a : f.getAnnotationElements()) {
      String t = a.getTypeName();
      if (t.equals("jdk.jfr.Timespan") || t.equals("jdk.jfr.Timestamp")) {
        return t;
      }
    }
    return "";
  }

  private static void quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': b.append("\\\""); break;
        case '\\': b.append("\\\\"); break;
        case '\n': b.append("\\n"); break;
        case '\r': b.append("\\r"); break;
        case '\t': b.append("\\t"); break;
        default:
          if (c < 0x20) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
      }
    }
    b.append('"');
  }

  private static String fix(RecordedEvent e) {
    String r = e.hasField("recommendation") ? e.getString("recommendation") : null;
    return r == null || r.isEmpty() ? "" : "; fix: " + r;
  }

  /** When the call failed: the event is recorded once judged, a moment later. */
  private static Instant failedAt(RecordedEvent e) {
    if (e.hasField("failedAt")) {
      Instant t = e.getInstant("failedAt");
      if (t != null && t.toEpochMilli() > 0) {
        return t;
      }
    }
    return e.getStartTime() == null ? Instant.now() : e.getStartTime();
  }

  private static long nanos(Duration d) {
    return d == null ? -1 : d.toNanos();
  }
}
