package io.resettracer.model;

/** Human-readable durations for evidence and log lines: "350.2 s", "12 ms", "3.0 min". */
public final class Durations {

  private Durations() {}

  public static String format(long nanos) {
    if (nanos < 0) {
      return "unknown";
    }
    double ms = nanos / 1e6;
    if (ms < 1) {
      return nanos / 1000 + " µs";
    }
    if (ms < 1000) {
      return Math.round(ms) + " ms";
    }
    double s = ms / 1000;
    if (s < 600) {
      return Decimals.fixed(s, 1) + " s";
    }
    return Decimals.fixed(s / 60, 1) + " min";
  }

  /** "2.1–3.0 s", or one value when both ends print the same. */
  public static String range(long fromNanos, long toNanos) {
    String from = format(fromNanos);
    String to = format(toNanos);
    if (from.equals(to)) {
      return from;
    }
    String unit = to.substring(to.indexOf(' '));
    if (from.endsWith(unit)) {
      return from.substring(0, from.length() - unit.length()) + "–" + to;
    }
    return from + "–" + to;
  }

  /** A setting an operator can type: "1.8 s", "340 s" (whole seconds from 10 s up). */
  public static String setting(long nanos) {
    double s = nanos / 1e9;
    if (s >= 10) {
      return (long) Math.floor(s) + " s";
    }
    if (s >= 1) {
      return Decimals.fixed(Math.floor(s * 10) / 10, 1) + " s";
    }
    return Math.max(1, (long) Math.floor(s * 1000)) + " ms";
  }
}
