package io.resettracer.track;

/**
 * A clock for the I/O path, read with one volatile load instead of a {@code System.nanoTime()}
 * call: a daemon thread stores the time every {@link #TICK_MILLIS} ms. On a virtual machine the
 * precise clock costs about 100 ns per read in a busy socket loop (measured on the project's 2-core
 * machines), the largest part of the agent's cost per call; idle times are judged in seconds, so a
 * reading up to one tick old is precise enough. Failures, which are rare, read the precise clock.
 */
final class CoarseClock {

  static final long TICK_MILLIS = 10;

  private volatile long now = System.nanoTime();
  private final Thread ticker;
  private volatile boolean running = true;

  CoarseClock() {
    ticker = new Thread(this::tick, "reset-tracer-clock");
    ticker.setDaemon(true);
    ticker.start();
  }

  long nanos() {
    return now;
  }

  /** Stops the ticking thread and waits for it (on detach: no thread of the agent may remain). */
  void stop() {
    running = false;
    ticker.interrupt();
    try {
      ticker.join(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void tick() {
    while (running) {
      now = System.nanoTime();
      try {
        Thread.sleep(TICK_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }
}
