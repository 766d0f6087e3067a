package io.resettracer.classify;

import io.resettracer.track.ResetFacts;

/**
 * Turns the facts of a reset into a verdict. Plain Java, fed plain data.
 *
 * <p>This first version names no cause: it restates the facts that a cause would be judged on, so
 * that the event is useful before the rules exist.
 */
public class ResetClassifier {

  public Classification classify(ResetFacts facts) {
    String evidence =
        String.format(
            java.util.Locale.ROOT,
            "%s on %s after %s idle, %d exchanges, %d B written since the last read",
            facts.kind().label(),
            facts.operation().label(),
            Durations.format(facts.idleNanos()),
            facts.exchanges(),
            facts.writtenSinceRead());
    return Classification.unknown(
        evidence, "no classification rules are enabled; the cause cannot be named yet");
  }
}
