package io.resettracer.emit;

import io.resettracer.classify.Classification;
import io.resettracer.classify.Durations;
import io.resettracer.log.AgentLog;
import io.resettracer.track.ResetFacts;
import java.util.Locale;
import org.slf4j.Logger;

/** One concise line per reset, rate-limited, saying how many lines the limit held back. */
final class ResetLogger {

  private static final Logger log = AgentLog.get(ResetLogger.class);

  private final RateLimiter limiter;

  ResetLogger(RateLimiter limiter) {
    this.limiter = limiter;
  }

  void log(ResetFacts f, Classification c) {
    if (!log.isInfoEnabled()) {
      return;
    }
    long suppressed = limiter.tryAcquire(System.nanoTime());
    if (suppressed < 0) {
      return;
    }
    log.info(line(f, c) + (suppressed > 0 ? " (" + suppressed + " earlier resets not logged)" : ""));
  }

  static String line(ResetFacts f, Classification c) {
    String arrow = f.role() == io.resettracer.track.Role.SERVER ? " <- " : " -> ";
    String local = f.localAddress().isEmpty() ? "?" : f.localAddress() + ":" + f.localPort();
    return String.format(
        Locale.ROOT,
        "%s on %s %s %s%s%s: age %s, idle %s, read %s, written %s, %d exchanges; %s: %s; verdict %s"
            + " (%.0f %%): %s",
        f.kind().label(),
        f.role().label(),
        f.transport().label(),
        f.operation().label(),
        " " + local + arrow,
        f.peer(),
        f.ageKnown()
            ? Durations.format(f.connectionAgeNanos())
            : "≥ " + Durations.format(f.connectionAgeNanos()) + ", seen since attach",
        Durations.format(f.idleNanos()),
        Bytes.format(f.bytesRead()),
        Bytes.format(f.bytesWritten()),
        f.exchanges(),
        f.exceptionClass(),
        Text.bounded(f.exceptionMessage()),
        c.verdict(),
        c.confidence() * 100,
        Text.bounded(c.evidence()));
  }
}
