package io.resettracer.emit;

import io.resettracer.classify.Classification;
import io.resettracer.classify.Incident;
import io.resettracer.model.ResetFacts;
import java.lang.invoke.MethodHandles;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;

/**
 * Commits {@link ConnectionResetEvent}s and {@link ResetIncidentEvent}s. Loaded only when the
 * {@code jdk.jfr} module is present, so a runtime without JFR never sees a reference to it.
 */
public final class JfrOutput implements ResetOutput {

  private final RateLimiter limiter;
  private long dropped;
  private volatile Runnable atRecordingEnd;
  // One hook per event type: JFR runs a type's hook only while a recording enables that type, and a
  // recording may enable either.
  private final Runnable resetChunkEnds = this::recordingChunkEnds;
  private final Runnable incidentChunkEnds = this::recordingChunkEnds;

  /**
   * @param eventLimit reset events per window before the rest are dropped (and counted); 0: none
   */
  public JfrOutput(int eventLimit, long eventWindowNanos) {
    this.limiter = new RateLimiter(eventLimit, eventWindowNanos);
  }

  /**
   * Registers the events so that recordings and JMC list them before the first reset, and asks JFR
   * to call {@code atRecordingEnd} whenever a chunk ends (a recording stops or is dumped, or the JVM
   * exits): the resets the pipeline still holds for judgement must be in the recording that ends.
   * At exit, JFR writes its last chunk from its own shutdown hook, which races every other hook, so
   * only a flush from inside JFR's own sequence is sure to land.
   *
   * <p>The classes are initialised first, outside JFR's lock: on JDK 17 an event class's static
   * initialiser registers it, so a thread registering it (holding JFR's metadata lock, waiting for
   * the class's initialisation) and a thread committing the first event (initialising the class,
   * waiting for the lock) would otherwise deadlock each other.
   */
  public void register(Runnable atRecordingEnd) throws ReflectiveOperationException {
    MethodHandles.lookup().ensureInitialized(ConnectionResetEvent.class);
    MethodHandles.lookup().ensureInitialized(ResetIncidentEvent.class);
    FlightRecorder.register(ConnectionResetEvent.class);
    FlightRecorder.register(ResetIncidentEvent.class);
    this.atRecordingEnd = atRecordingEnd;
    FlightRecorder.addPeriodicEvent(ConnectionResetEvent.class, resetChunkEnds);
    FlightRecorder.addPeriodicEvent(ResetIncidentEvent.class, incidentChunkEnds);
  }

  /** Takes the event types out again on detach, so recordings stop listing them. */
  public void unregister() {
    FlightRecorder.removePeriodicEvent(resetChunkEnds);
    FlightRecorder.removePeriodicEvent(incidentChunkEnds);
    FlightRecorder.unregister(ConnectionResetEvent.class);
    FlightRecorder.unregister(ResetIncidentEvent.class);
  }

  private void recordingChunkEnds() {
    Runnable r = atRecordingEnd;
    if (r != null) {
      r.run();
    }
  }

  /** Incidents are few (one per settled burst) and are not rate-limited. */
  @Override
  public void incident(Incident i) {
    ResetIncidentEvent e = new ResetIncidentEvent();
    if (!e.isEnabled()) {
      return;
    }
    e.incidentId = i.id();
    e.verdict = i.verdict().name();
    e.confidence = i.confidence();
    e.resets = i.resets();
    e.peers = i.peers();
    e.hosts = i.hosts();
    e.peerList = Text.bounded(i.peerList());
    e.firstReset = i.firstEpochMillis();
    e.span = i.spanNanos();
    e.memberVerdicts = Text.bounded(i.memberVerdicts().toString());
    e.evidence = Text.bounded(i.evidence());
    e.recommendation = Text.bounded(i.recommendation());
    e.commit();
  }

  @Override
  public void reset(ClassifiedReset r) {
    ConnectionResetEvent e = new ConnectionResetEvent();
    if (!e.isEnabled()) {
      return; // no recording wants it: build nothing
    }
    long droppedBefore = limiter.tryAcquire(System.nanoTime());
    if (droppedBefore < 0) {
      dropped++;
      return;
    }
    ResetFacts f = r.facts();
    Classification c = r.classification();
    e.failedAt = f.epochMillis();
    e.judgedAfter = Math.max(0, System.nanoTime() - r.failedAtNanos());
    e.failingThread = r.thread().getName();
    e.failingThreadId = r.thread().getId();
    e.stack = StackText.of(r.stack());
    e.incidentId = r.burstId();
    e.stage = r.stage().label();
    e.requestDelivered = r.requestDelivered().label();
    e.remoteAddress = f.remoteAddress();
    e.remotePort = f.remotePort();
    e.localAddress = f.localAddress();
    e.localPort = f.localPort();
    e.role = f.role().label();
    e.transport = f.transport().label();
    e.operation = f.operation().label();
    e.failure = f.kind().label();
    e.exceptionClass = f.exceptionClass();
    e.exceptionMessage = Text.bounded(f.exceptionMessage());
    e.connectionAge = f.connectionAgeNanos();
    e.ageKnown = f.ageKnown();
    e.idleTime = f.idleNanos();
    e.bytesRead = f.bytesRead();
    e.bytesWritten = f.bytesWritten();
    e.writtenSinceRead = f.writtenSinceRead();
    e.exchanges = f.exchanges();
    e.verdict = c.verdict().name();
    e.confidence = c.confidence();
    e.evidence = Text.bounded(c.evidence());
    e.recommendation = Text.bounded(c.recommendation());
    e.droppedBefore = droppedBefore;
    if (r.span() != null) {
      e.traceId = r.span().traceId();
      e.spanId = r.span().spanId();
    }
    e.commit();
  }

  /** A recording is running: JFR's own exit hook will end its chunk and call the agent. */
  @Override
  public boolean flushesAtExit() {
    if (!FlightRecorder.isInitialized()) {
      return false;
    }
    for (Recording r : FlightRecorder.getFlightRecorder().getRecordings()) {
      if (r.getState() == RecordingState.RUNNING) {
        return true;
      }
    }
    return false;
  }

  @Override
  public long dropped() {
    return dropped;
  }
}
