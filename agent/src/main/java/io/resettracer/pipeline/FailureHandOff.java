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
 */
public final class FailureHandOff implements ResetSink {

  private static final long SECOND = 1_000_000_000L;

  private final ConcurrentLinkedQueue<CapturedFailure> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger waiting = new AtomicInteger();
  private final LongAdder shed = new LongAdder();
  private final LongAdder received = new LongAdder();
  private final int capacity;
  private final int perSecond;
  private volatile long secondStartedNanos = System.nanoTime();
  private final AtomicInteger inSecond = new AtomicInteger();
  private volatile Thread consumer;
  private volatile boolean consumerAsleep;

  /**
   * @param capacity captures waiting for the pipeline at most
   * @param perSecond failures captured per second at most; the rest are shed
   */
  public FailureHandOff(int capacity, int perSecond) {
    this.capacity = capacity;
    this.perSecond = perSecond;
  }

  /** Called on the failing thread, before it captures anything. */
  @Override
  public boolean admit(long nowNanos) {
    long started = secondStartedNanos;
    if (nowNanos - started >= SECOND) {
      // Two threads may both start the new second: one count restarts twice, which is harmless.
      secondStartedNanos = nowNanos;
      inSecond.set(0);
    }
    if (inSecond.incrementAndGet() > perSecond) {
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
