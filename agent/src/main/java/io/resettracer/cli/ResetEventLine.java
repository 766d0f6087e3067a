package io.resettracer.cli;

import io.resettracer.model.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import jdk.jfr.consumer.RecordedEvent;

/** One {@code resettracer.ConnectionReset} event as one line of {@code watch} output. */
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
        "%s %s on %s %s %s %s%s%s: age %s, idle %s; %s: %s; verdict %s (%.0f %%): %s",
        TIME.format(e.getStartTime() == null ? Instant.now() : e.getStartTime()),
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
        e.getString("evidence"));
  }

  private static long nanos(Duration d) {
    return d == null ? -1 : d.toNanos();
  }
}
