package io.resettracer.model;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Fixed-point numbers for evidence text, as {@code String.format(Locale.ROOT, "%.1f", v)} writes
 * them (the shortest decimal form of the double, rounded half up), without the formatter. Evidence
 * is written for every reset judged, and in a storm that is hundreds a second on the agent's thread:
 * the formatter's parsing (a regular expression per call on JDK 17), its locale lookups and their
 * compilation by the JIT were most of what judging a reset cost in a storm's first seconds.
 */
public final class Decimals {

  private Decimals() {}

  /** {@code v} with {@code places} digits after the point; "NaN", "Infinity" as they are. */
  public static String fixed(double v, int places) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return Double.toString(v);
    }
    boolean negative = Double.doubleToRawLongBits(v) < 0; // "-0.0" too, as the formatter has it
    String digits = BigDecimal.valueOf(Math.abs(v)).setScale(places, RoundingMode.HALF_UP)
        .toPlainString();
    return negative ? "-" + digits : digits;
  }
}
