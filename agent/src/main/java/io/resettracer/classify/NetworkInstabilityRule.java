package io.resettracer.classify;

import io.resettracer.model.FailureKind;

/**
 * Packet loss, corruption or an MTU black hole: a connection that timed out on retransmissions, a
 * route that vanished, or resets amid a rising retransmission rate in the kernel's counters.
 */
final class NetworkInstabilityRule implements Rule {

  @Override
  public Candidate judge(ResetEvidence e) {
    FailureKind kind = e.facts.kind();
    boolean lossy = e.lossy();
    double score;
    StringBuilder why = new StringBuilder();
    if (kind == FailureKind.TIMED_OUT) {
      score = 0.6;
      why.append("the kernel gave up retransmitting (\"").append(e.facts.exceptionMessage())
          .append("\") on an established connection");
    } else if (kind == FailureKind.UNREACHABLE) {
      score = 0.55;
      why.append("the route to ").append(e.facts.peer()).append(" vanished (\"")
          .append(e.facts.exceptionMessage()).append("\")");
    } else if (lossy) {
      score = 0.35;
      why.append(kind.label()).append(" amid packet loss");
    } else {
      return null;
    }
    String figures = e.lossFigures();
    if (!figures.isEmpty()) {
      why.append("; ").append(figures);
      // The shares are the strongest evidence there is of the path: heavy loss weighs more.
      score += e.heavyLoss() ? 0.4 : lossy ? 0.25 : -0.1;
    } else if (e.host.segmentsOut() > 0) {
      why.append("; too few TCP segments sent (").append(e.host.segmentsOut())
          .append(", a rate needs ").append(e.t.minSegments).append(") to tell the loss");
    }
    if (e.host.tcpTimeouts() > 0) {
      score += 0.05;
      why.append("; ").append(e.host.tcpTimeouts()).append(" retransmission timeouts");
    }
    String rec =
        "the path to " + e.facts.peer() + " loses packets: trace it (mtr " + e.facts.remoteAddress()
            + "), test the MTU (ping -M do -s 1472 " + e.facts.remoteAddress() + "), involve the"
            + " network team; meanwhile retry with back-off and set read timeouts so a dead path"
            + " fails fast";
    return Candidate.of(Verdict.NETWORK_INSTABILITY, score, why.toString(), rec);
  }
}
