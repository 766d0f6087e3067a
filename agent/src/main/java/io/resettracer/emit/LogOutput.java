package io.resettracer.emit;

import io.resettracer.classify.Classification;
import io.resettracer.classify.Incident;
import io.resettracer.log.AgentLog;
import io.resettracer.model.Durations;
import io.resettracer.model.ResetFacts;
import io.resettracer.model.Role;
import io.resettracer.model.Sizes;
import java.util.Locale;
import org.slf4j.Logger;

/** One concise line per reset, rate-limited, saying how many lines the limit held back. */
public final class LogOutput implements ResetOutput {

  private static final Logger log = AgentLog.get(LogOutput.class);

  private final RateLimiter limiter;
  private long heldBack;

  /** @param logLimit lines per window before the rest are held back (and counted); 0: no limit */
  public LogOutput(int logLimit, long logWindowNanos) {
    this.limiter = new RateLimiter(logLimit, logWindowNanos);
  }

  @Override
  public void reset(ClassifiedReset r) {
    if (!log.isInfoEnabled()) {
      return;
    }
    long suppressed = limiter.tryAcquire(System.nanoTime());
    if (suppressed < 0) {
      heldBack++;
      return;
    }
    log.info(line(r.facts(), r.classification())
        + (suppressed > 0 ? " (" + suppressed + " earlier resets not logged)" : ""));
  }

  /** Incidents are logged whole and unthrottled: there is at most one per settled burst. */
  @Override
  public void incident(Incident i) {
    if (log.isInfoEnabled()) {
      log.info(incidentLine(i));
    }
  }

  /** Lines the limit held back whose count no later line has told yet. */
  long untold() {
    return limiter.pendingDropped();
  }

  @Override
  public long dropped() {
    return heldBack;
  }

  static String incidentLine(Incident i) {
    return String.format(
        Locale.ROOT,
        "incident: %d resets of %s within %s; verdict %s (%.0f %%): %s; fix: %s",
        i.resets(), i.peerList(), Durations.format(i.spanNanos()), i.verdict(),
        i.confidence() * 100, Text.bounded(i.evidence()), Text.bounded(i.recommendation()));
  }

  static String line(ResetFacts f, Classification c) {
    String arrow = f.role() == Role.SERVER ? " <- " : " -> ";
    String local = f.localAddress().isEmpty() ? "?" : f.localAddress() + ":" + f.localPort();
    return String.format(
        Locale.ROOT,
        "%s on %s %s %s%s%s: age %s, idle %s, read %s, written %s, %d exchanges; %s%s; verdict %s"
            + " (%.0f %%): %s%s",
        f.kind().label(),
        f.role().label(),
        f.transport().label(),
        f.operation().label(),
        " " + local + arrow,
        f.peer(),
        f.ageKnown()
            ? Durations.format(f.connectionAgeNanos())
            : "≥ " + Durations.format(f.connectionAgeNanos()) + ", open before the agent saw it",
        Durations.format(f.idleNanos()),
        Sizes.format(f.bytesRead()),
        Sizes.format(f.bytesWritten()),
        f.exchanges(),
        // A premature close has no exception: the message alone says what happened.
        f.exceptionClass().isEmpty() ? "" : f.exceptionClass() + ": ",
        Text.bounded(f.exceptionMessage()),
        c.verdict(),
        c.confidence() * 100,
        Text.bounded(c.evidence()),
        c.recommendation().isEmpty() ? "" : "; fix: " + Text.bounded(c.recommendation()));
  }
}
