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
 * bounds it, and a wake-up only when the pipeline sleeps. Past {@code capacity} waiting captures (a
 * reset storm faster than the pipeline judges) the next ones are shed and counted, so the
 * application never waits for the agent and the agent's memory stays bounded.
 */
public final class FailureHandOff implements ResetSink {

  private final ConcurrentLinkedQueue<CapturedFailure> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger waiting = new AtomicInteger();
  private final LongAdder shed = new LongAdder();
  private final LongAdder received = new LongAdder();
  private final int capacity;
  private volatile Thread consumer;
  private volatile boolean consumerAsleep;

  public FailureHandOff(int capacity) {
    this.capacity = capacity;
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
