package io.resettracer.classify;

import io.resettracer.model.Durations;
import io.resettracer.model.FailureKind;

/**
 * A firewall, NAT or router in the path cut flows that neither end closed: many different hosts
 * reset at the same moment. (One peer's connections cut at one fixed age, a session lifetime, are
 * judged by {@link ConnectionLifetimeRule}.)
 */
final class NetworkDeviceRule implements Rule {

  @Override
  public Candidate judge(ResetEvidence e) {
    FailureKind kind = e.facts.kind();
    if (kind != FailureKind.RESET && kind != FailureKind.BROKEN_PIPE) {
      return null;
    }
    int hosts = e.hostsInBurst();
    if (hosts < 2) {
      // One peer's connections ended at one fixed age (a session lifetime) are a
      // CONNECTION_LIFETIME, whichever hop ends them.
      return null;
    }
    double score = hosts >= e.t.deviceHosts ? 0.75 : 0.55;
    StringBuilder why = new StringBuilder();
    why.append(hosts).append(" different hosts (").append(String.join(", ", e.burstHosts))
        .append(hosts > e.burstHosts.size() ? ", …" : "").append(") reset within ").append(Durations.format(e.t.burstWindow))
        .append(" (device threshold ").append(e.t.deviceHosts).append(" hosts)");
    String rec = "a firewall, NAT or load balancer between this host and " + String.join(", ", e.burstHosts)
        + " cut its flows at once (policy change, state-table overflow, conntrack INVALID):"
        + " check its state table and session limits (conntrack -S, nf_conntrack_max) and its"
        + " logs at that moment; involve the network team";
    if (e.facts.idleNanos() < e.t.idleMin) {
      score += 0.1;
      why.append("; the connection was busy (idle ").append(Durations.format(e.facts.idleNanos()))
          .append(")");
    } else if (e.wholeBurstAfterPause()) {
      score -= 0.2;
      why.append("; but every one had sat idle past ").append(Durations.format(e.t.idleMin));
    }
    return Candidate.of(Verdict.NETWORK_DEVICE, score, why.toString(), rec);
  }
}
