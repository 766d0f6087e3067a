package io.resettracer.report;

import io.resettracer.model.Durations;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Numbers and times as an operator reads them, in one place for every format. */
final class Units {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);
  private static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

  private Units() {}

  static String duration(long nanos) {
    return nanos < 0 ? "–" : nanos == 0 ? "0 s" : Durations.format(nanos);
  }

  /** An axis tick: "100 s" rather than "100.0 s". */
  static String tick(long nanos) {
    return duration(nanos).replace(".0 ", " ");
  }

  static String time(long epochMillis, ZoneId zone) {
    return epochMillis < 0 ? "–" : TIME.format(Instant.ofEpochMilli(epochMillis).atZone(zone));
  }

  static String dateTime(long epochMillis, ZoneId zone) {
    return epochMillis < 0
        ? "–" : DATE_TIME.format(Instant.ofEpochMilli(epochMillis).atZone(zone));
  }

  /** "2026-12-04 17:40:01 – 17:42:30 UTC (2.5 min)". */
  static String span(Report r, ZoneId zone) {
    if (r.firstMillis() < 0) {
      return "no events";
    }
    String end = Instant.ofEpochMilli(r.firstMillis()).atZone(zone).toLocalDate()
        .equals(Instant.ofEpochMilli(r.lastMillis()).atZone(zone).toLocalDate())
        ? time(r.lastMillis(), zone) : dateTime(r.lastMillis(), zone);
    return dateTime(r.firstMillis(), zone) + " – " + end + " " + zoneName(r.firstMillis(), zone)
        + " (" + duration((r.lastMillis() - r.firstMillis()) * 1_000_000) + ")";
  }

  static String zoneName(long epochMillis, ZoneId zone) {
    String offset = Instant.ofEpochMilli(epochMillis).atZone(zone).getOffset().getId();
    return offset.equals("Z") ? "UTC" : "UTC" + offset;
  }

  static String percent(double fraction) {
    return fraction < 0 ? "–" : String.format(Locale.ROOT, "%.0f %%", fraction * 100);
  }

  static String plural(long n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }
}
