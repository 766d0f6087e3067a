package io.resettracer.track;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * A clock for the I/O path: a daemon thread publishes {@code System.nanoTime()} every
 * {@link #TICK_MILLIS} ms to a field of the reader's, so that a read of the time is one load from a
 * line the reader has in cache already. On a virtual machine the precise clock costs about 100 ns per
 * read in a busy socket loop (measured on the project's 2-core machines), and even a clock field in
 * an object of its own cost ~20 ns per socket call (one more cache line for the kernel's socket path
 * to evict between calls). Idle times are judged in seconds, so a reading up to one tick old is
 * precise enough. Failures, which are rare, read the precise clock.
 *
 * <p>The clock ticks only while someone reads it: a JVM whose sockets are quiet must not be woken
 * twenty times a second by an agent. A tick is published with its lowest bit set, meaning "not read
 * yet". The first reader to see that bit reads the precise clock instead, publishes that with the bit
 * clear and, if the ticker has gone to sleep, wakes it. A ticker that finds its tick still unread
 * after a whole tick goes to sleep. So while traffic flows one read per tick pays for the precise
 * clock, and a reader never gets a time older than one tick. The lowest bit of a nanosecond count
 * is worth losing.
 */
final class CoarseClock {

  // 50 ms: idle limits are seconds; each wake-up of this thread cost ~40 µs of CPU on the
  // project's virtual machines, so 10 ms ticks were 0.4 % of a core, every second, busy or not.
  static final long TICK_MILLIS = 50;

  private static final long UNREAD = 1L;

  private final LongConsumer publish;
  private final LongSupplier published;
  private final Thread ticker;
  private volatile boolean running = true;
  private volatile boolean asleep;

  /**
   * Publishes the time once now, then every tick while it is read. {@code publish} and
   * {@code published} write and read the reader's (volatile) field.
   */
  CoarseClock(LongConsumer publish, LongSupplier published) {
    this.publish = publish;
    this.published = published;
    publish.accept(System.nanoTime() | UNREAD);
    ticker = new Thread(this::tick, "reset-tracer-clock");
    ticker.setDaemon(true);
    ticker.start();
  }

  /** True for a tick nobody has read yet: its reader calls {@link #firstRead} instead. */
  static boolean unread(long t) {
    return (t & UNREAD) != 0;
  }

  /** The precise time, for the first reader of a tick; wakes the ticker if it sleeps. */
  long firstRead() {
    long now = System.nanoTime() & ~UNREAD;
    publish.accept(now);
    // Published before looking: a ticker going to sleep looks again after saying so (see tick).
    if (asleep) {
      LockSupport.unpark(ticker);
    }
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

  /** True once the ticking thread has ended. */
  boolean stopped() {
    return !ticker.isAlive();
  }

  /** True while the ticker sleeps for want of readers. */
  boolean asleep() {
    return asleep;
  }

  private void tick() {
    while (running) {
      try {
        Thread.sleep(TICK_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      long last = published.getAsLong();
      if ((last & UNREAD) != 0) {
        // Unread for a whole tick. Say so before looking once more: a reader publishes before it
        // looks at "asleep", so either it sees this or the second look sees its read.
        asleep = true;
        if (published.getAsLong() == last && running) {
          LockSupport.park(this);
        }
        asleep = false;
      }
      publish.accept(System.nanoTime() | UNREAD);
    }
  }
}
