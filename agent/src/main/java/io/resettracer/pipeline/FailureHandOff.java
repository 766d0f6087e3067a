package io.resettracer.pipeline;

import io.resettracer.track.CapturedFailure;
import io.resettracer.track.ResetSink;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The one place the failing thread and the agent's thread meet: the failing thread queues what it
 * captured and returns; the pipeline takes it from there. No lock: a lock-free queue, a count that
 * bounds it, and a wake-up only when the pipeline sleeps.
 *
 * <p>A reset storm is shed before the application notices, in two places, both counted: past
 * {@code perSecond} failures in a second the next ones are not captured at all (judging one costs
 * the agent's thread tens of microseconds, and on a busy or single CPU that thread competes with
 * the application: a client reconnecting into a server that resets everything fails thousands of
 * times a second, and the outputs record at most that many anyway); past {@code capacity} waiting
 * captures (a pipeline that fell behind) they are not queued.
 *
 * <p>A storm that goes on past its first second is judged at {@code sustainedPerSecond} only: by
 * then its verdict is known, and every reset judged keeps the JIT compiling the agent's judging
 * code into the storm's first tens of seconds, on the CPU the application is reconnecting on
 * (measured, one pinned CPU, 18 000 descriptors open: compiling took up to a quarter of the CPU 5 to 8 s
 * into a storm judged at 256 a second). A burst that ends within a second (a pool of connections
 * cut at once) is still judged whole.
 */
public final class FailureHandOff implements ResetSink {

  private static final long SECOND = 1_000_000_000L;

  private final ConcurrentLinkedQueue<CapturedFailure> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger waiting = new AtomicInteger();
  private final LongAdder shed = new LongAdder();
  private final LongAdder received = new LongAdder();
  private final int capacity;
  private final int perSecond;
  private final int sustainedPerSecond;
  private volatile long secondStartedNanos = System.nanoTime();
  private final AtomicInteger inSecond = new AtomicInteger();
  /** This second's limit: {@code perSecond}, or {@code sustainedPerSecond} while a storm lasts. */
  private volatile int limit;
  private volatile Thread consumer;
  private volatile boolean consumerAsleep;

  /**
   * @param capacity captures waiting for the pipeline at most
   * @param perSecond failures captured per second at most; the rest are shed
   */
  public FailureHandOff(int capacity, int perSecond) {
    this(capacity, perSecond, perSecond);
  }

  /**
   * @param capacity captures waiting for the pipeline at most
   * @param perSecond failures captured in a second at most; the rest are shed
   * @param sustainedPerSecond failures captured per second at most in each second that follows a
   *     second with more failures than that
   */
  public FailureHandOff(int capacity, int perSecond, int sustainedPerSecond) {
    this.capacity = capacity;
    this.perSecond = perSecond;
    this.sustainedPerSecond = Math.min(perSecond, sustainedPerSecond);
    this.limit = perSecond;
  }

  /** Called on the failing thread, before it captures anything. */
  @Override
  public boolean admit(long nowNanos) {
    long started = secondStartedNanos;
    if (nowNanos - started >= SECOND) {
      // Two threads may both start the new second: one count restarts twice, which is harmless.
      secondStartedNanos = nowNanos;
      int before = inSecond.getAndSet(0);
      // A storm goes on if the second just ended, right before this one, had more than the
      // sustained rate; after a quiet second the full allowance is back.
      limit = nowNanos - started < 2 * SECOND && before > sustainedPerSecond
          ? sustainedPerSecond : perSecond;
    }
    if (inSecond.incrementAndGet() > limit) {
      received.increment();
      shed.increment();
      return false;
    }
    return true;
  }

  /** Called on the failing thread. */
  @Override
  public void failed(CapturedFailure failure) {
    received.increment();
    if (waiting.incrementAndGet() > capacity) {
      waiting.decrementAndGet();
      shed.increment();
      return;
    }
    queue.offer(failure);
    // Dekker with sleep(): the consumer says it sleeps, then looks at the queue once more.
    if (consumerAsleep) {
      Thread c = consumer;
      if (c != null) {
        LockSupport.unpark(c);
      }
    }
  }

  /** The next capture, or null. */
  CapturedFailure poll() {
    CapturedFailure f = queue.poll();
    if (f != null) {
      waiting.decrementAndGet();
    }
    return f;
  }

  /** Parks the consumer (the calling thread) until a capture arrives or the time passes. */
  void sleep(long nanos) {
    consumer = Thread.currentThread();
    consumerAsleep = true;
    try {
      if (queue.isEmpty()) {
        LockSupport.parkNanos(this, nanos);
      }
    } finally {
      consumerAsleep = false;
    }
  }

  /** Wakes the consumer, for a flush or a stop. */
  void wake() {
    Thread c = consumer;
    if (c != null) {
      LockSupport.unpark(c);
    }
  }

  /** Captures shed because the pipeline was behind. */
  public long shed() {
    return shed.sum();
  }

  /** Captures handed in, shed or not. */
  public long received() {
    return received.sum();
  }
}
