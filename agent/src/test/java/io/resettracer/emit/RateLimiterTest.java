package io.resettracer.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RateLimiterTest {

  @Test
  void permitsUpToTheLimitPerWindowAndCountsTheRest() {
    RateLimiter r = new RateLimiter(2, 1000);
    assertEquals(0, r.tryAcquire(0));
    assertEquals(0, r.tryAcquire(10));
    assertEquals(-1, r.tryAcquire(20));
    assertEquals(-1, r.tryAcquire(30));
    assertEquals(2, r.pendingDropped());
    assertEquals(2, r.tryAcquire(1000)); // the next window says what was dropped
    assertEquals(0, r.tryAcquire(1001));
  }

  @Test
  void zeroMeansUnlimited() {
    RateLimiter r = new RateLimiter(0, 1000);
    for (int i = 0; i < 10_000; i++) {
      assertEquals(0, r.tryAcquire(i));
    }
  }
}
