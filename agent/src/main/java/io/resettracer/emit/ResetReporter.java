package io.resettracer.emit;

import io.resettracer.bootstrap.ResetTracerHooks;
import io.resettracer.classify.Classification;
import io.resettracer.classify.ResetClassifier;
import io.resettracer.classify.Verdict;
import io.resettracer.track.ResetFacts;
import io.resettracer.track.ResetSink;
import java.util.EnumMap;
import java.util.Map;

/**
 * Classifies each reset and sends it to JFR and the log, on the thread that saw it. A failure in any
 * step is contained: a classification that throws still yields an event, with verdict UNKNOWN.
 */
public final class ResetReporter implements ResetSink {

  private final ResetClassifier classifier;
  private final JfrEmitter jfr;
  private final ResetLogger logger;
  private final Map<Verdict, Long> perVerdict = new EnumMap<>(Verdict.class);

  private ResetReporter(ResetClassifier classifier, JfrEmitter jfr, ResetLogger logger) {
    this.classifier = classifier;
    this.jfr = jfr;
    this.logger = logger;
  }

  /**
   * @param jfrEnabled whether to record JFR events; the caller checks that the runtime has JFR
   * @param eventLimit JFR events per window before the rest are dropped (and counted); 0: no limit
   * @param logLimit log lines per window before the rest are held back (and counted); 0: no limit
   */
  public static ResetReporter create(
      ResetClassifier classifier,
      boolean jfrEnabled,
      int eventLimit,
      long eventWindowNanos,
      int logLimit,
      long logWindowNanos) {
    JfrEmitter jfr = jfrEnabled ? new JfrEmitter(new RateLimiter(eventLimit, eventWindowNanos)) : null;
    return new ResetReporter(
        classifier, jfr, new ResetLogger(new RateLimiter(logLimit, logWindowNanos)));
  }

  /** Registers the JFR event type; call once at start-up when JFR is wanted and present. */
  public static void registerEvents() throws ReflectiveOperationException {
    JfrEmitter.register();
  }

  /** Takes the JFR event type out again on detach, so recordings stop listing it. */
  public static void unregisterEvents() {
    JfrEmitter.unregister();
  }

  @Override
  public void onReset(ResetFacts facts) {
    Classification c;
    try {
      c = classifier.classify(facts);
    } catch (Throwable t) {
      ResetTracerHooks.swallow(t);
      c = Classification.unknown("classification failed: " + t, "");
    }
    synchronized (perVerdict) {
      perVerdict.merge(c.verdict(), 1L, Long::sum);
    }
    if (jfr != null) {
      try {
        jfr.emit(facts, c);
      } catch (Throwable t) {
        ResetTracerHooks.swallow(t);
      }
    }
    try {
      logger.log(facts, c);
    } catch (Throwable t) {
      ResetTracerHooks.swallow(t);
    }
  }

  /**
   * Stops the reporter's background work (incident settling, host sampling) on detach. Resets that
   * arrive afterwards are still classified and emitted on their own thread.
   */
  public void close() {}

  /** Resets seen so far, per verdict. */
  public Map<Verdict, Long> resetsPerVerdict() {
    synchronized (perVerdict) {
      return new EnumMap<>(perVerdict);
    }
  }
}
