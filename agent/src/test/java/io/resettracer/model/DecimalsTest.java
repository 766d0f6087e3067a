package io.resettracer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The evidence's numbers read as the formatter wrote them before. */
class DecimalsTest {

  @Test
  void writesWhatTheFormatterWrites() {
    double[] edges = {0, -0.0, 0.05, 0.15, 0.25, 0.35, 0.45, 1.05, 2.675, 9.95, 99.95, 0.04, -0.04,
        -1.25, 1e-5, 123456789.25, 1e22, 55.000004f, Double.NaN, Double.POSITIVE_INFINITY};
    for (double v : edges) {
      same(v);
    }
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < 20_000; i++) {
      same(r.nextDouble(0, 2000)); // per-mille shares, percentages, seconds, KiB
      same(r.nextLong(0, 20_000) / 1000.0); // the classifier's scores × 100
      same((float) r.nextDouble(0, 1) * 100);
    }
  }

  @Test
  void durationsAndSizesKeepTheirShape() {
    assertEquals("350 µs", Durations.format(350_400));
    assertEquals("12 ms", Durations.format(12_400_000));
    assertEquals("350.2 s", Durations.format(350_200_000_000L));
    assertEquals("12.0 min", Durations.format(720_000_000_000L));
    assertEquals("1.8 s", Durations.setting(1_890_000_000L));
    assertEquals("340 s", Durations.setting(340_900_000_000L));
    assertEquals("512 B", Sizes.format(512));
    assertEquals("4.2 MiB", Sizes.format(4_404_019));
  }

  private static void same(double v) {
    assertEquals(String.format(Locale.ROOT, "%.1f", v), Decimals.fixed(v, 1), "%.1f of " + v);
    assertEquals(String.format(Locale.ROOT, "%.0f", v), Decimals.fixed(v, 0), "%.0f of " + v);
  }
}
