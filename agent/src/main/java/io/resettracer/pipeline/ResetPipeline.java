package io.resettracer.pipeline;

import io.resettracer.bootstrap.ResetTracerHooks;
import io.resettracer.classify.Classification;
import io.resettracer.classify.Incident;
import io.resettracer.classify.IncidentCorrelator;
import io.resettracer.classify.ResetClassifier;
import io.resettracer.classify.RetrySafety;
import io.resettracer.classify.Verdict;
import io.resettracer.emit.ClassifiedReset;
import io.resettracer.emit.ResetOutput;
import io.resettracer.host.HostProbe;
import io.resettracer.log.AgentLog;
import io.resettracer.model.FailureKind;
import io.resettracer.model.RequestDelivery;
import io.resettracer.model.ResetFacts;
import io.resettracer.model.Stage;
import io.resettracer.track.CapturedFailure;
import io.resettracer.track.PeerRegistry;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;

/**
 * The failure path after the failing call, on the agent's own thread: each captured failure becomes
 * facts, joins its burst, waits {@link #HOLD_NANOS} so that the resets and refusals around it are
 * known, is judged against them and against the host's last sample, and goes to every output; a
 * burst that has been quiet for {@link #SETTLE_NANOS} is judged as one incident. Nothing here runs
 * on an application thread, so a reset storm costs the application only the capture.
 *
 * <p>Single-threaded by design: the pipeline thread does every step, and the two other callers (the
 * JVM's exit, JFR's last chunk) take the same monitor to flush what is still held.
 */
public final class ResetPipeline {

  private static final Logger log = AgentLog.get(ResetPipeline.class);

  /**
   * How long a reset waits before it is judged: enough for the rest of a burst (its members come
   * within milliseconds of each other) and the refused reconnects that follow a crash to arrive,
   * short enough that `watch` (JFR flushes its stream once a second) and the log line show every
   * reset within two seconds.
   */
  public static final long HOLD_NANOS = TimeUnit.MILLISECONDS.toNanos(800);

  /** How long a burst must be quiet before it is judged as an incident. */
  public static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(2);

  /** How long the exit hook waits for JFR's last chunk to flush the pipeline. */
  private static final long EXIT_WAIT_NANOS = TimeUnit.SECONDS.toNanos(3);

  /** Resets held for judgement at most; past it the oldest is judged at once. */
  static final int MAX_HELD = 4096;

  private final FailureHandOff handOff;
  private final ResetClassifier classifier;
  private final PeerRegistry peers;
  private final HostProbe host;
  private final IncidentCorrelator incidents;
  private final IncidentCorrelator.FollowUp followUp;
  private final List<ResetOutput> outputs;
  private final ArrayDeque<Held> held = new ArrayDeque<>(); // guarded by this
  private final AtomicLongArray resetsPerVerdict = new AtomicLongArray(Verdict.values().length);
  private final AtomicLongArray incidentsPerVerdict = new AtomicLongArray(Verdict.values().length);
  private final AtomicLongArray resetsPerKind = new AtomicLongArray(FailureKind.values().length);
  private final LongAdder outputErrors = new LongAdder();
  private long nextHostSampleNanos; // guarded by this
  private volatile boolean stopping;
  /** Set once a flush at exit has run, from whichever side came first. */
  private volatile boolean flushedAtExit;
  private Thread thread;
  private Thread exitHook;

  /** A reset waiting for the burst around it. */
  private record Held(CapturedFailure capture, ResetFacts facts, long burstId, long dueNanos) {}

  public ResetPipeline(
      FailureHandOff handOff, ResetClassifier classifier, PeerRegistry peers, HostProbe host,
      List<ResetOutput> outputs) {
    this.handOff = handOff;
    this.classifier = classifier;
    this.peers = peers;
    this.host = host;
    this.outputs = List.copyOf(outputs);
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
   * Starts the pipeline's thread, and a hook that judges and hands on what is still held when the
   * JVM exits. Until it runs, captured failures wait in the hand-off (bounded).
   */
  public synchronized void start() {
    if (thread != null) {
      return;
    }
    // The first look at the host waits a moment: loading the management classes on a JVM that is
    // still starting would compete with the application for its first second of CPU.
    nextHostSampleNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    Thread t = new Thread(this::run, "reset-tracer-pipeline");
    t.setDaemon(true);
    thread = t;
    t.start();
    Thread hook = new Thread(() -> contained(this::exit), "reset-tracer-exit");
    try {
      Runtime.getRuntime().addShutdownHook(hook);
      exitHook = hook;
    } catch (IllegalStateException | SecurityException e) {
      // Already shutting down, or not allowed: JFR's last chunk still flushes what is held.
    }
  }

  /** Stops the thread on detach, judging and handing on everything still held. */
  public void close() {
    Thread t;
    Thread hook;
    synchronized (this) {
      stopping = true;
      t = thread;
      hook = exitHook;
      exitHook = null;
    }
    handOff.wake();
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (hook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // The JVM is exiting; the hook runs anyway and finds nothing left.
      }
    }
    contained(() -> flush(true));
  }

  private void run() {
    while (!stopping) {
      long waitNanos;
      try {
        synchronized (this) {
          waitNanos = step(System.nanoTime(), false);
        }
      } catch (Throwable t) {
        ResetTracerHooks.swallow(t);
        waitNanos = TimeUnit.MILLISECONDS.toNanos(100);
      }
      handOff.sleep(waitNanos);
    }
  }

  /**
   * One pass: take in what was captured, judge what is due, settle a quiet burst, sample the host
   * when its time comes.
   *
   * @return how long the thread may sleep before the next thing falls due
   */
  private long step(long now, boolean all) {
    return step(now, all, all);
  }

  private long step(long now, boolean all, boolean settleOpenBurst) {
    CapturedFailure c;
    while ((c = handOff.poll()) != null) {
      arrive(c);
    }
    if (now - nextHostSampleNanos >= 0) {
      host.sample();
      nextHostSampleNanos = now + HostProbe.SAMPLE_EVERY_NANOS;
    } else if (!held.isEmpty()) {
      host.sampleIfStale(now);
    }
    while (!held.isEmpty() && (all || held.peekFirst().dueNanos() - now <= 0)) {
      judge(held.pollFirst());
    }
    Incident i = incidents.settle(now, followUp, settleOpenBurst);
    if (i != null) {
      incident(i);
    }
    long wait = Math.max(0, nextHostSampleNanos - now);
    if (!held.isEmpty()) {
      wait = Math.min(wait, Math.max(0, held.peekFirst().dueNanos() - now));
    }
    if (incidents.hasOpenBurst()) {
      wait = Math.min(wait, TimeUnit.MILLISECONDS.toNanos(250));
    }
    return Math.max(wait, TimeUnit.MILLISECONDS.toNanos(1));
  }

  private void arrive(CapturedFailure c) {
    ResetFacts facts = c.facts();
    long at = c.atNanos();
    if (incidents.hasOpenBurst() && incidents.startsNewBurst(at)) {
      // The open burst is complete: its members are judged and it is settled before this reset
      // starts the next one, never replaced unjudged.
      while (!held.isEmpty()) {
        judge(held.pollFirst());
      }
      Incident i = incidents.settle(at, followUp, true);
      if (i != null) {
        incident(i);
      }
    }
    long connects = peers.recordReset(facts, c.remote(), at);
    long burst = incidents.add(facts, connects, at);
    if (held.size() >= MAX_HELD) {
      judge(held.pollFirst());
    }
    held.addLast(new Held(c, facts, burst, at + HOLD_NANOS));
  }

  private void judge(Held h) {
    ResetFacts f = h.facts();
    CapturedFailure c = h.capture();
    StackTraceElement[] stack;
    try {
      stack = c.stack();
    } catch (Throwable t) {
      stack = new StackTraceElement[0];
    }
    Stage stage = Stage.of(f, stack, c.inTlsEngineHandshake());
    Classification verdict;
    try {
      verdict = classifier.classify(f, stage,
          peers.historyAround(f, c.remote(), c.atNanos())
              .withBurst(incidents.context(h.burstId(), f.remoteAddress(), followUp)),
          host.snapshot());
    } catch (Throwable t) {
      ResetTracerHooks.swallow(t);
      verdict = Classification.unknown("classification failed: " + t, "");
    }
    resetsPerVerdict.incrementAndGet(verdict.verdict().ordinal());
    resetsPerKind.incrementAndGet(f.kind().ordinal());
    incidents.classified(h.burstId(), verdict);
    RequestDelivery delivery = RequestDelivery.of(f, stage);
    String retry = RetrySafety.note(f, delivery, verdict.verdict());
    if (!retry.isEmpty()) {
      verdict = new Classification(verdict.verdict(), verdict.confidence(), verdict.evidence(),
          verdict.recommendation().isEmpty() ? retry : verdict.recommendation() + "; " + retry);
    }
    ClassifiedReset r = new ClassifiedReset(
        f, verdict, c.thread(), stack, h.burstId(), c.atNanos(), stage, delivery, c.span());
    for (ResetOutput o : outputs) {
      try {
        o.reset(r);
      } catch (Throwable t) {
        outputErrors.increment();
        ResetTracerHooks.swallow(t);
      }
    }
  }

  private void incident(Incident i) {
    incidentsPerVerdict.incrementAndGet(i.verdict().ordinal());
    for (ResetOutput o : outputs) {
      try {
        o.incident(i);
      } catch (Throwable t) {
        outputErrors.increment();
        ResetTracerHooks.swallow(t);
      }
    }
  }

  /** Judges and hands on everything still held or queued, and settles the open burst. */
  private synchronized void flush(boolean detaching) {
    step(System.nanoTime(), true);
    for (ResetOutput o : outputs) {
      try {
        o.flush(detaching);
      } catch (Throwable t) {
        outputErrors.increment();
        ResetTracerHooks.swallow(t);
      }
    }
  }

  /**
   * Called when a JFR chunk ends: a recording stops or is dumped, a chunk rotates, or the JVM exits
   * (JFR writes its last chunk from its own shutdown hook, in parallel with every other hook). What
   * is held is judged now, with what is known so far, so that it is in the recording that ends; the
   * open burst is settled only at exit, so a rotation does not cut an incident in two.
   */
  public void atRecordingChunkEnd() {
    boolean exiting = shuttingDown();
    contained(() -> {
      synchronized (this) {
        step(System.nanoTime(), true, exiting);
        if (exiting) {
          flushedAtExit = true;
          notifyAll();
        }
      }
    });
  }

  /**
   * The JVM's exit. Where a recording runs, JFR's own exit hook ends its last chunk and flushes the
   * pipeline from inside JFR's sequence; flushing here first would commit events JFR may already
   * have written out its chunk without. So this hook waits for that flush (bounded), then flushes
   * whatever is left, for the other outputs, and says what was left out.
   */
  private void exit() {
    boolean jfrWillFlush = false;
    for (ResetOutput o : outputs) {
      try {
        jfrWillFlush |= o.flushesAtExit();
      } catch (Throwable t) {
        ResetTracerHooks.swallow(t);
      }
    }
    if (jfrWillFlush) {
      synchronized (this) {
        long end = System.nanoTime() + EXIT_WAIT_NANOS;
        long left;
        while (!flushedAtExit && (left = end - System.nanoTime()) > 0) {
          try {
            TimeUnit.NANOSECONDS.timedWait(this, left);
          } catch (InterruptedException e) {
            break;
          }
        }
      }
    }
    flush(false);
    long resets = total(resetsPerVerdict);
    long shed = handOff.shed();
    if (resets > 0 || shed > 0) {
      log.info(summary());
    }
  }

  /** One line: what was judged and what was left out, and why. */
  public String summary() {
    StringBuilder b = new StringBuilder("at exit: ").append(total(resetsPerVerdict))
        .append(" resets judged");
    Map<Verdict, Long> v = resetsPerVerdict();
    if (!v.isEmpty()) {
      b.append(' ').append(v);
    }
    b.append(", ").append(total(incidentsPerVerdict)).append(" incidents; ")
        .append(handOff.shed()).append(" shed under load");
    for (ResetOutput o : outputs) {
      b.append(", ").append(o.dropped()).append(" left out by ")
          .append(o.getClass().getSimpleName());
    }
    return b.toString();
  }

  /** True once the JVM has begun to exit: no shutdown hook can be added then. */
  private static boolean shuttingDown() {
    Thread probe = new Thread(() -> {});
    try {
      Runtime.getRuntime().addShutdownHook(probe);
    } catch (IllegalStateException e) {
      return true;
    } catch (SecurityException e) {
      return false;
    }
    Runtime.getRuntime().removeShutdownHook(probe);
    return false;
  }

  private static void contained(Runnable r) {
    try {
      r.run();
    } catch (Throwable t) {
      ResetTracerHooks.swallow(t);
    }
  }

  private static long total(AtomicLongArray a) {
    long sum = 0;
    for (int i = 0; i < a.length(); i++) {
      sum += a.get(i);
    }
    return sum;
  }

  private static Map<Verdict, Long> nonZero(AtomicLongArray a) {
    Map<Verdict, Long> m = new EnumMap<>(Verdict.class);
    for (Verdict v : Verdict.values()) {
      long n = a.get(v.ordinal());
      if (n > 0) {
        m.put(v, n);
      }
    }
    return m;
  }

  /** Resets judged so far, per verdict (verdicts not seen are left out). */
  public Map<Verdict, Long> resetsPerVerdict() {
    return nonZero(resetsPerVerdict);
  }

  /** Incidents judged so far, per verdict (verdicts not seen are left out). */
  public Map<Verdict, Long> incidentsPerVerdict() {
    return nonZero(incidentsPerVerdict);
  }

  /** Resets judged so far of {@code verdict}. */
  public long resets(Verdict verdict) {
    return resetsPerVerdict.get(verdict.ordinal());
  }

  /** Incidents judged so far of {@code verdict}. */
  public long incidents(Verdict verdict) {
    return incidentsPerVerdict.get(verdict.ordinal());
  }

  /** Resets judged so far of failure {@code kind}. */
  public long resets(FailureKind kind) {
    return resetsPerKind.get(kind.ordinal());
  }

  /** Failures shed by the hand-off: a storm beyond what is judged per second, or a full queue. */
  public long shed() {
    return handOff.shed();
  }

  /** Reset-family failures seen so far, judged, being judged or shed. */
  public long seen() {
    return handOff.received();
  }

  /** Failures seen and neither judged nor shed yet: waiting for the burst around them. */
  public long beingJudged() {
    return Math.max(0, handOff.received() - handOff.shed() - total(resetsPerVerdict));
  }

  /** What the outputs left out on purpose (rate limits), summed. */
  public long droppedByOutputs() {
    long sum = 0;
    for (ResetOutput o : outputs) {
      sum += o.dropped();
    }
    return sum;
  }

  /** Outputs that threw, counted. */
  public long outputErrors() {
    return outputErrors.sum();
  }

  /** Resets waiting for judgement now. */
  public synchronized int held() {
    return held.size();
  }
}
