package io.resettracer.emit;

import io.resettracer.classify.Classification;
import io.resettracer.classify.Incident;
import io.resettracer.model.ResetFacts;
import java.lang.invoke.MethodHandles;
import jdk.jfr.FlightRecorder;

/**
 * Commits {@link ConnectionResetEvent}s. Loaded only when the {@code jdk.jfr} module is present, so a
 * runtime without JFR never sees a reference to it.
 */
final class JfrEmitter {

  private final RateLimiter limiter;

  JfrEmitter(RateLimiter limiter) {
    this.limiter = limiter;
  }

  /**
   * Registers the event so that recordings and JMC list it before the first reset.
   *
   * <p>The class is initialised first, outside JFR's lock: on JDK 17 an event class's static
   * initialiser registers it, so a thread registering it (holding JFR's metadata lock, waiting for the
   * class's initialisation) and a thread committing the first event (initialising the class, waiting
   * for the lock) would otherwise deadlock each other, and the application with them.
   */
  static void register() throws ReflectiveOperationException {
    MethodHandles.lookup().ensureInitialized(ConnectionResetEvent.class);
    MethodHandles.lookup().ensureInitialized(ResetIncidentEvent.class);
    FlightRecorder.register(ConnectionResetEvent.class);
    FlightRecorder.register(ResetIncidentEvent.class);
  }

  /** Incidents are few (one per settled burst) and are not rate-limited. */
  void emit(Incident i) {
    ResetIncidentEvent e = new ResetIncidentEvent();
    if (!e.isEnabled()) {
      return;
    }
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

  static void unregister() {
    FlightRecorder.unregister(ConnectionResetEvent.class);
    FlightRecorder.unregister(ResetIncidentEvent.class);
  }

  void emit(ResetFacts f, Classification c) {
    ConnectionResetEvent e = new ConnectionResetEvent();
    if (!e.isEnabled()) {
      return; // no recording wants it: build nothing
    }
    long dropped = limiter.tryAcquire(System.nanoTime());
    if (dropped < 0) {
      return;
    }
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
    e.droppedBefore = dropped;
    e.commit();
  }
}
