package io.resettracer.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The I/O path's clock: ticks while read, sleeps while not, and never hands out a stale time. */
class CoarseClockTest {

  private final AtomicLong field = new AtomicLong();

  /** Reads the time as the tracker does. */
  private long read(CoarseClock clock) {
    long t = field.get();
    return CoarseClock.unread(t) ? clock.firstRead() : t;
  }

  @Test
  void sleepsWhenNobodyReadsAndWakesOnTheNextRead() throws Exception {
    CoarseClock clock = new CoarseClock(field::set, field::get);
    try {
      assertTrue(awaitAsleep(clock, true), "the ticker kept ticking with no reader");
      long tickWhileAsleep = field.get();
      Thread.sleep(3 * CoarseClock.TICK_MILLIS);
      assertEquals(tickWhileAsleep, field.get(), "an asleep clock published a tick");

      long before = System.nanoTime();
      long t = read(clock);
      // A sleeping clock's last tick is long stale: the reader gets the precise time instead.
      assertTrue(t >= (before & ~1L), "the first read after a quiet spell was stale");
      assertEquals(0, t & 1, "a time handed out carries the unread bit");
      assertTrue(awaitAsleep(clock, false), "the read did not wake the ticker");
    } finally {
      clock.stop();
    }
  }

  @Test
  void keepsTickingWhileRead() throws Exception {
    CoarseClock clock = new CoarseClock(field::set, field::get);
    try {
      long end = System.nanoTime() + 20 * CoarseClock.TICK_MILLIS * 1_000_000;
      long ticksSeen = 0;
      long last = -1;
      while (System.nanoTime() < end) {
        long raw = field.get();
        if (CoarseClock.unread(raw) && raw != last) {
          ticksSeen++;
          last = raw;
        }
        long t = read(clock);
        long lag = System.nanoTime() - t;
        // A tick is at most one tick old when read (plus scheduling delay on a busy machine).
        assertTrue(lag < 10 * CoarseClock.TICK_MILLIS * 1_000_000, "read a time " + lag + " ns old");
        Thread.sleep(5);
      }
      assertTrue(ticksSeen >= 5, "only " + ticksSeen + " ticks in 20 tick lengths of reading");
    } finally {
      clock.stop();
    }
  }

  @Test
  void stopEndsTheThreadEvenWhileAsleep() throws Exception {
    CoarseClock clock = new CoarseClock(field::set, field::get);
    assertTrue(awaitAsleep(clock, true));
    clock.stop();
    assertTrue(clock.stopped(), "the clock thread stayed");
  }

  private static boolean awaitAsleep(CoarseClock clock, boolean asleep) throws InterruptedException {
    long end = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < end) {
      if (clock.asleep() == asleep) {
        return true;
      }
      Thread.sleep(5);
    }
    return false;
  }
}
