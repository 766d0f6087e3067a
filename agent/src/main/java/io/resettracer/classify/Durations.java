package io.resettracer.classify;

import java.util.Locale;

/** Human-readable durations for evidence and log lines: "350.2 s", "12 ms", "3.0 min". */
public final class Durations {

  private Durations() {}

  public static String format(long nanos) {
    if (nanos < 0) {
      return "unknown";
    }
    double ms = nanos / 1e6;
    if (ms < 1) {
      return String.format(Locale.ROOT, "%d µs", nanos / 1000);
    }
    if (ms < 1000) {
      return String.format(Locale.ROOT, "%d ms", Math.round(ms));
    }
    double s = ms / 1000;
    if (s < 600) {
      return String.format(Locale.ROOT, "%.1f s", s);
    }
    return String.format(Locale.ROOT, "%.1f min", s / 60);
  }
}
