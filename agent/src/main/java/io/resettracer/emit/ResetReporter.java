package io.resettracer.emit;

import io.resettracer.bootstrap.ResetTracerHooks;
import io.resettracer.classify.Classification;
import io.resettracer.classify.Incident;
import io.resettracer.classify.IncidentCorrelator;
import io.resettracer.classify.ResetClassifier;
import io.resettracer.classify.Verdict;
import io.resettracer.host.HostProbe;
import io.resettracer.model.ResetFacts;
import io.resettracer.model.ResetHistory;
import io.resettracer.track.PeerRegistry;
import io.resettracer.track.ResetSink;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Classifies each reset and sends it to JFR and the log, on the thread that saw it; groups bursts
 * into incidents, judged and emitted on the agent's own thread once they settle. A failure in any
 * step is contained: a classification that throws still yields an event, with verdict UNKNOWN.
 */
public final class ResetReporter implements ResetSink {

  /** How long a burst must be quiet before it is judged as an incident. */
  public static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(2);
  private static final long TICK_MILLIS = 500;
  private static final long HOST_DELAY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final ResetClassifier classifier;
  private final JfrEmitter jfr;
  private final ResetLogger logger;
  private final HostProbe host;
  private final IncidentCorrelator incidents;
  /** What the peers did after a burst, as the incident judgement asks it. */
  private final IncidentCorrelator.FollowUp followUp;
  private final Map<Verdict, Long> perVerdict = new EnumMap<>(Verdict.class);
  private final Map<Verdict, Long> incidentsPerVerdict = new EnumMap<>(Verdict.class);
  private volatile ScheduledExecutorService background;
  private final AtomicBoolean settleScheduled = new AtomicBoolean();
  private volatile Thread shutdownFlush;

  private ResetReporter(
      ResetClassifier classifier, JfrEmitter jfr, ResetLogger logger, HostProbe host,
      PeerRegistry peers) {
    this.classifier = classifier;
    this.jfr = jfr;
    this.logger = logger;
    this.host = host;
    this.incidents = new IncidentCorrelator(classifier.thresholds(), SETTLE_NANOS);
    this.followUp =
        new IncidentCorrelator.FollowUp() {
          @Override
          public int refusedSince(String address, int port, long sinceNanos) {
            return peers.refusedSince(address, port, sinceNanos);
          }

          @Override
          public long connects(String address, int port) {
            return peers.connects(address, port);
          }
        };
  }

  /**
   * @param jfrEnabled whether to record JFR events; the caller checks that the runtime has JFR
   * @param eventLimit JFR events per window before the rest are dropped (and counted); 0: no limit
   * @param logLimit log lines per window before the rest are held back (and counted); 0: no limit
   */
  public static ResetReporter create(
      ResetClassifier classifier,
      PeerRegistry peers,
      boolean jfrEnabled,
      int eventLimit,
      long eventWindowNanos,
      int logLimit,
      long logWindowNanos) {
    JfrEmitter jfr = jfrEnabled ? new JfrEmitter(new RateLimiter(eventLimit, eventWindowNanos)) : null;
    return new ResetReporter(
        classifier, jfr, new ResetLogger(new RateLimiter(logLimit, logWindowNanos)),
        new HostProbe(), peers);
  }

  /** Registers the JFR event types; call once at start-up when JFR is wanted and present. */
  public static void registerEvents() throws ReflectiveOperationException {
    JfrEmitter.register();
  }

  /**
   * Starts the background work on one daemon thread: kernel counter samples, and settling
   * incidents while a burst is open. Also flushes an unsettled burst when the JVM exits.
   */
  public synchronized void start() {
    if (background != null) {
      return;
    }
    ScheduledExecutorService s =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "reset-tracer-background");
              t.setDaemon(true);
              return t;
            });
    // The first look at the host waits a moment: loading the management classes on a JVM that is
    // still starting would compete with the application for its first second of CPU.
    s.schedule(() -> contained(host::findCollectors), HOST_DELAY_NANOS, TimeUnit.NANOSECONDS);
    s.scheduleWithFixedDelay(() -> contained(host::sample), HOST_DELAY_NANOS,
        HostProbe.SAMPLE_EVERY_NANOS, TimeUnit.NANOSECONDS);
    background = s;
    Thread flush = new Thread(() -> contained(() -> settle(true)), "reset-tracer-exit-flush");
    try {
      Runtime.getRuntime().addShutdownHook(flush);
      shutdownFlush = flush;
    } catch (IllegalStateException e) {
      // Already shutting down: nothing will be left to flush.
    }
  }

  /**
   * Stops the reporter's background work (incident settling, host sampling) on detach, judging an
   * unsettled burst at once. Resets that arrive afterwards are still classified and emitted on
   * their own thread.
   */
  public synchronized void close() {
    ScheduledExecutorService s = background;
    background = null;
    if (s != null) {
      s.shutdownNow();
    }
    Thread flush = shutdownFlush;
    shutdownFlush = null;
    if (flush != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(flush);
      } catch (IllegalStateException e) {
        // The JVM is exiting; the hook runs anyway.
      }
    }
    contained(() -> settle(true));
  }

  /** Takes the JFR event types out again on detach, so recordings stop listing them. */
  public static void unregisterEvents() {
    JfrEmitter.unregister();
  }

  @Override
  public void onReset(ResetFacts facts, ResetHistory history) {
    Classification c;
    try {
      c = classifier.classify(facts, history, host.snapshot());
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
    try {
      incidents.add(facts, c, history.connectsToPeer(), System.nanoTime());
      settleSoon();
    } catch (Throwable t) {
      ResetTracerHooks.swallow(t);
    }
  }

  // Settling is scheduled only while a burst is open, not on a fixed tick: a JVM without resets
  // should not have the agent's thread wake twice a second for nothing.

  /** Looks at the open burst one tick from now, unless a look is already scheduled. */
  private void settleSoon() {
    ScheduledExecutorService s = background;
    if (s != null && settleScheduled.compareAndSet(false, true)) {
      try {
        s.schedule(this::settleTick, TICK_MILLIS, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closing) {
        settleScheduled.set(false); // closed meanwhile: close() settles what is open
      }
    }
  }

  private void settleTick() {
    contained(() -> settle(false));
    settleScheduled.set(false);
    // A reset added after the settle above either saw the flag still set, and so relies on this
    // look, or sets it itself and schedules its own.
    if (incidents.hasOpenBurst()) {
      settleSoon();
    }
  }

  private void settle(boolean force) {
    Incident i = incidents.settle(System.nanoTime(), followUp, force);
    if (i == null) {
      return;
    }
    synchronized (perVerdict) {
      incidentsPerVerdict.merge(i.verdict(), 1L, Long::sum);
    }
    if (jfr != null) {
      jfr.emit(i);
    }
    logger.log(i);
  }

  private static void contained(Runnable r) {
    try {
      r.run();
    } catch (Throwable t) {
      ResetTracerHooks.swallow(t);
    }
  }

  /** Resets seen so far, per verdict. */
  public Map<Verdict, Long> resetsPerVerdict() {
    synchronized (perVerdict) {
      return new EnumMap<>(perVerdict);
    }
  }

  /** Incidents judged so far, per verdict. */
  public Map<Verdict, Long> incidentsPerVerdict() {
    synchronized (perVerdict) {
      return new EnumMap<>(incidentsPerVerdict);
    }
  }
}
