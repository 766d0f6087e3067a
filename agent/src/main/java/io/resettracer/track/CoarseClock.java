package io.resettracer.track;

import java.util.function.LongConsumer;

/**
 * A clock for the I/O path: a daemon thread publishes {@code System.nanoTime()} every
 * {@link #TICK_MILLIS} ms to a field of the reader's, so that a read of the time is one load from a
 * line the reader has in cache already. On a virtual machine the precise clock costs about 100 ns per
 * read in a busy socket loop (measured on the project's 2-core machines), and even a clock field in
 * an object of its own cost ~20 ns per socket call (one more cache line for the kernel's socket path
 * to evict between calls). Idle times are judged in seconds, so a reading up to one tick old is
 * precise enough. Failures, which are rare, read the precise clock.
 */
final class CoarseClock {

  // 50 ms: idle limits are seconds; each wake-up of this thread cost ~40 µs of CPU on the
  // project's virtual machines, so 10 ms ticks were 0.4 % of a core, every second, busy or not.
  static final long TICK_MILLIS = 50;

  private final LongConsumer publish;
  private final Thread ticker;
  private volatile boolean running = true;

  /** Publishes the time once now, then every tick. */
  CoarseClock(LongConsumer publish) {
    this.publish = publish;
    publish.accept(System.nanoTime());
    ticker = new Thread(this::tick, "reset-tracer-clock");
    ticker.setDaemon(true);
    ticker.start();
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
      publish.accept(System.nanoTime());
      try {
        Thread.sleep(TICK_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }
}
