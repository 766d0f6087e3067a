package io.resettracer.classify;

import io.resettracer.model.Durations;
import io.resettracer.model.FailureKind;
import java.util.List;

/**
 * A middlebox (load balancer, NAT, firewall) forgot a connection idle past its limit and answered
 * the next packet with an RST: a reused connection, a long idle, a reset with no FIN before it,
 * idles clustering above one value across the peer's connections and none below it.
 */
final class IdleTimeoutRule implements Rule {

  @Override
  public Candidate judge(ResetEvidence e) {
    if (!e.reusedAfterPause() || e.facts.kind() != FailureKind.RESET) {
      return null;
    }
    double score = 0.5;
    StringBuilder why = new StringBuilder();
    why.append("RST with no FIN before it on a reused connection (")
        .append(e.facts.exchanges()).append(" exchanges) after ")
        .append(Durations.format(e.facts.idleNanos())).append(" idle (threshold ")
        .append(Durations.format(e.t.idleMin)).append(")");
    if (e.requestInFlight()) {
      score += 0.1;
      why.append(", on the first request after the pause");
    }
    if (e.failedAfterPause() > 1) {
      score += 0.1;
    }
    if (e.idleLimitConsistent()) {
      score += 0.15;
    } else if (e.idleContradicted()) {
      score -= 0.35;
    }
    why.append("; ").append(e.idleLimitText());
    if (e.finFirstAfterPause() > 0) {
      score -= 0.2;
      why.append("; but ").append(e.finFirstAfterPause())
          .append(e.finFirstAfterPause() == 1 ? " earlier failure" : " earlier failures")
          .append(" to this peer came after a FIN (a server closing)");
    }
    List<TimeoutCatalog.Entry> hops = TimeoutCatalog.matching(e.shortestFailedIdle(), e.t.catalogTolerance);
    String hop = null;
    for (TimeoutCatalog.Entry h : hops) {
      if (h.hop() == TimeoutCatalog.Hop.MIDDLEBOX && hop == null) {
        score += 0.1;
        hop = h.name() + " (" + h.seconds() + " s)";
        why.append("; idle just above the ").append(hop).append(" limit");
      }
    }
    if (e.burstHosts.size() >= e.t.deviceHosts) {
      score -= 0.2;
      why.append("; ").append(e.burstHosts.size()).append(" hosts reset at the same moment");
    }
    long limit = e.shortestFailedIdle();
    String rec =
        "keep connections to " + e.facts.peer() + " idle below the hop's limit"
            + (hop != null ? " (likely " + hop + ")" : " (learnt here: below " + Durations.format(limit) + ")")
            + ": set the pool's max idle to ≤ " + Durations.setting(e.safeMaxIdle(limit))
            + ", or enable TCP keepalive with TCP_KEEPIDLE below it"
            + " (jdk.net.ExtendedSocketOptions), or raise the hop's idle timeout above the longest pause";
    return Candidate.of(Verdict.IDLE_TIMEOUT, score, why.toString(), rec);
  }
}
