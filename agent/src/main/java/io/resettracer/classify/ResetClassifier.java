package io.resettracer.classify;

import io.resettracer.model.Decimals;
import io.resettracer.model.Durations;
import io.resettracer.model.HostSnapshot;
import io.resettracer.model.ResetFacts;
import io.resettracer.model.ResetHistory;
import io.resettracer.model.Stage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns a reset and what surrounds it into a verdict. Every rule makes its case; the best one is
 * named if it is strong enough and clearly ahead, otherwise the verdict is UNKNOWN with the two
 * nearest causes named: a wrong cause stated with confidence is worse than none.
 *
 * <p>Plain Java: no JDK internals, no JFR, no clock of its own.
 */
public class ResetClassifier {

  private final Thresholds thresholds;
  private final List<Rule> rules =
      List.of(
          new IdleTimeoutRule(),
          new KeepaliveMismatchRule(),
          new PeerCrashRule(),
          new ResourceExhaustionRule(),
          new NetworkDeviceRule(),
          new LargePayloadRule(),
          new NetworkInstabilityRule(),
          new TlsRefusalRule(),
          new ConnectionLifetimeRule(),
          new RequestLimitRule());

  public ResetClassifier() {
    this(Thresholds.defaults());
  }

  public ResetClassifier(Thresholds thresholds) {
    this.thresholds = thresholds;
  }

  public Thresholds thresholds() {
    return thresholds;
  }

  /** A reset judged on its own connection only. */
  public Classification classify(ResetFacts facts) {
    return classify(facts, ResetHistory.NONE, HostSnapshot.UNKNOWN);
  }

  /** A reset judged with what surrounds it; its stage from its facts alone. */
  public Classification classify(ResetFacts facts, ResetHistory history, HostSnapshot host) {
    return classify(facts, Stage.of(facts, null), history, host);
  }

  /** @param stage where it failed, from the facts and the failing call's stack */
  public Classification classify(ResetFacts facts, Stage stage, ResetHistory history,
      HostSnapshot host) {
    ResetEvidence e = new ResetEvidence(facts, stage, history, host, thresholds);
    List<Candidate> cases = new ArrayList<>();
    for (Rule r : rules) {
      Candidate c = r.judge(e);
      if (c != null) {
        cases.add(c);
      }
    }
    cases.sort(Comparator.comparingDouble(Candidate::score).reversed());
    String pause = pauseNote(e);
    Candidate best = cases.isEmpty() ? null : cases.get(0);
    Candidate next = cases.size() < 2 ? null : cases.get(1);
    float runnerUp = next == null ? 0 : next.score();
    if (best != null
        && perMille(best.score()) >= thresholds.minScore
        && perMille(best.score()) - perMille(runnerUp) >= thresholds.minMargin) {
      return new Classification(
          best.verdict(), best.score(), best.evidence() + pause, best.recommendation());
    }
    return unknown(e, best, next, pause);
  }

  private Classification unknown(ResetEvidence e, Candidate best, Candidate next, String pause) {
    StringBuilder why = new StringBuilder(e.factsLine());
    String settle;
    if (best == null) {
      why.append("; no cause fits: not reused after a pause, no burst, no large request, no loss");
      settle = "more resets to " + e.facts.peer() + " would show whether they cluster at one idle"
          + " time (an idle limit), one connection age or one request count (a limit on a"
          + " connection's lifetime or requests) or one moment (a crash or a device)";
    } else {
      why.append("; nearest causes: ").append(best.verdict()).append(" (")
          .append(Decimals.fixed(best.score() * 100, 0)).append(" %: ").append(best.evidence())
          .append(')');
      if (next != null) {
        why.append(" and ").append(next.verdict()).append(" (")
            .append(Decimals.fixed(next.score() * 100, 0)).append(" %: ").append(next.evidence())
            .append(')');
      }
      why.append("; a verdict needs ").append(thresholds.minScore / 10).append(" % and a ")
          .append(thresholds.minMargin / 10).append(" % lead");
      settle = "not enough to tell yet; if it is " + best.verdict() + ": " + best.recommendation();
    }
    return new Classification(Verdict.UNKNOWN, 0f, why + pause, settle);
  }

  /** Scores are sums of tenths and twentieths: compared in whole per mille, free of float dust. */
  private static long perMille(float score) {
    return Math.round(score * 1000.0);
  }

  /** This JVM's own long pause is a cause in itself: a peer that waited on us may have given up. */
  private static String pauseNote(ResetEvidence e) {
    long pause = e.host.gcPauseNanos();
    if (pause < e.t.idleMin) {
      return "";
    }
    return "; note: this JVM spent " + Durations.format(pause) + " in GC pauses in the last "
        + Durations.format(e.host.gcSpanNanos()) + ", long enough for a peer to give up on it";
  }
}
