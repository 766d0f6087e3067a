package io.resettracer.emit;

/**
 * At most {@code limit} permits per {@code windowNanos}, counting what it refuses so that the next
 * permitted output can say how much was dropped. Used only when a reset happens, never on I/O.
 */
final class RateLimiter {

  private final int limit;
  private final long windowNanos;
  private long windowStart;
  private int used;
  private long dropped;

  /** {@code limit <= 0} means unlimited. */
  RateLimiter(int limit, long windowNanos) {
    this.limit = limit;
    this.windowNanos = windowNanos;
  }

  /**
   * Returns -1 if refused, otherwise the number refused since the last permit (0 or more), which
   * resets to zero.
   */
  synchronized long tryAcquire(long nowNanos) {
    if (limit <= 0) {
      return 0;
    }
    if (used == 0 || nowNanos - windowStart >= windowNanos) {
      windowStart = nowNanos;
      used = 0;
    }
    if (used >= limit) {
      dropped++;
      return -1;
    }
    used++;
    long d = dropped;
    dropped = 0;
    return d;
  }

  synchronized long pendingDropped() {
    return dropped;
  }
}
