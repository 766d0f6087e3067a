package io.resettracer.emit;

import io.resettracer.classify.Incident;

/**
 * Where judged resets and incidents go: the JFR events, the log line, the JMX counters,
 * OpenTelemetry. Every method is called on the agent's pipeline thread, never on the application's,
 * one call at a time; an output that throws is counted and skipped, the others still get the reset.
 * Outputs know nothing of each other or of the stations before them.
 */
public interface ResetOutput {

  /** A reset, with its verdict made once the burst around it was known. */
  void reset(ClassifiedReset reset);

  /** A burst of two or more resets, judged as one once it settled. */
  void incident(Incident incident);

  /**
   * Everything judged has been handed over (at exit, or at detach with {@code detaching}): write
   * out what is buffered. Called on whichever agent thread flushes.
   */
  default void flush(boolean detaching) {}

  /**
   * True when this output will itself ask for a last flush as the JVM exits (a JFR recording that
   * writes its last chunk then): the exit hook waits for it, so that what is held lands there.
   */
  default boolean flushesAtExit() {
    return false;
  }

  /** What this output left out on purpose so far (rate limits, full queues), or 0. */
  default long dropped() {
    return 0;
  }
}
