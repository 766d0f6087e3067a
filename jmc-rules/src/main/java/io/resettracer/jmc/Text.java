package io.resettracer.jmc;

import java.util.Locale;

/**
 * Numbers as the rule's text prints them, and event text made safe for where JMC puts it: the
 * application renders it as HTML, and JfrRulesReport's JSON format copies summary, explanation and
 * solution into JSON strings without escaping, so a quote, backslash or line break from an
 * event would make the whole report invalid.
 */
final class Text {

  private Text() {}

  /** "591 µs", "674 ms", "2.2 s", "3.5 min", "2.1 h". */
  static String duration(long nanos) {
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
    if (s < 120) {
      return String.format(Locale.ROOT, "%.1f s", s);
    }
    if (s < 7200) {
      return String.format(Locale.ROOT, "%.1f min", s / 60);
    }
    return String.format(Locale.ROOT, "%.1f h", s / 3600);
  }

  /** "2.2–2.6 s", or one value when both ends print the same. */
  static String durationRange(long from, long to) {
    return range(duration(from), duration(to));
  }

  /** "512 B", "3.7 MiB". */
  static String bytes(long bytes) {
    if (bytes < 0) {
      return "unknown";
    }
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int i = -1;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
  }

  static String bytesRange(long from, long to) {
    return range(bytes(from), bytes(to));
  }

  /** "85 %"; "85–90 %" for a range. */
  static String percent(double from, double to) {
    return range(percent(from), percent(to));
  }

  static String percent(double value) {
    return value < 0 ? "unknown" : Math.round(value) + " %";
  }

  /** Resets per minute, or per hour when fewer than one a minute: "25/min", "0.4/h". */
  static String rate(double perMinute) {
    if (perMinute >= 10) {
      return String.format(Locale.ROOT, "%d/min", Math.round(perMinute));
    }
    if (perMinute >= 1) {
      return String.format(Locale.ROOT, "%.1f/min", perMinute);
    }
    double perHour = perMinute * 60;
    return perHour >= 10 ? String.format(Locale.ROOT, "%d/h", Math.round(perHour))
        : String.format(Locale.ROOT, "%.1f/h", perHour);
  }

  static String plural(long n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }

  private static String range(String from, String to) {
    if (from.equals(to)) {
      return from;
    }
    int space = to.lastIndexOf(' ');
    String unit = space < 0 ? "" : to.substring(space);
    if (!unit.isEmpty() && from.endsWith(unit)) {
      return from.substring(0, from.length() - unit.length()) + "–" + to;
    }
    return from + "–" + to;
  }

  /**
   * Event text as HTML text that is also a valid JSON string body: markup characters escaped,
   * double quotes turned into single ones, backslashes into slashes, control characters into
   * spaces.
   */
  static String safe(String raw) {
    StringBuilder out = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append('\'');
        case '\\' -> out.append('/');
        default -> out.append(Character.isISOControl(c) ? ' ' : c);
      }
    }
    return out.toString();
  }
}
