package io.resettracer.classify;

import io.resettracer.model.Durations;
import io.resettracer.model.FailureKind;
import io.resettracer.model.PastReset;

/**
 * A firewall, NAT or router in the path cut flows that neither end closed: many different hosts
 * reset at the same moment, or one peer's connections cut at one fixed age (a session lifetime)
 * whatever their activity.
 */
final class NetworkDeviceRule implements Rule {

  /** Ages within this share (per mille) of each other count as one fixed session lifetime. */
  private static final long SAME_AGE_PER_MILLE = 20;
  /** Resets at one age needed before a session lifetime is named. */
  private static final int SAME_AGE_RESETS = 3;

  @Override
  public Candidate judge(ResetEvidence e) {
    FailureKind kind = e.facts.kind();
    if (kind != FailureKind.RESET && kind != FailureKind.BROKEN_PIPE) {
      return null;
    }
    int hosts = e.hostsInBurst();
    double score = 0;
    StringBuilder why = new StringBuilder();
    String rec;
    if (hosts >= 2) {
      score = hosts >= e.t.deviceHosts ? 0.75 : 0.55;
      why.append(hosts).append(" different hosts (").append(String.join(", ", e.burstHosts))
          .append(hosts > e.burstHosts.size() ? ", …" : "").append(") reset within ").append(Durations.format(e.t.burstWindow))
          .append(" (device threshold ").append(e.t.deviceHosts).append(" hosts)");
      rec = "a firewall, NAT or load balancer between this host and " + String.join(", ", e.burstHosts)
          + " cut its flows at once (policy change, state-table overflow, conntrack INVALID):"
          + " check its state table and session limits (conntrack -S, nf_conntrack_max) and its"
          + " logs at that moment; involve the network team";
    } else {
      long age = sessionLifetime(e);
      if (age < 0) {
        return null;
      }
      score = 0.6;
      why.append(SAME_AGE_RESETS).append("+ connections to ").append(e.facts.peer())
          .append(" reset at the same age, ").append(Durations.format(age))
          .append(", whatever their idle: a session lifetime");
      rec = "a device in the path to " + e.facts.peer() + " ends sessions after "
          + Durations.format(age) + ": raise its session lifetime, or recycle pooled connections"
          + " before " + Durations.setting(age * 9 / 10);
    }
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

  /** The age shared by this and at least two earlier resets to the peer, or -1. */
  private static long sessionLifetime(ResetEvidence e) {
    if (!e.facts.ageKnown()) {
      return -1;
    }
    long age = e.facts.connectionAgeNanos();
    int same = 1;
    long shortest = age;
    for (PastReset r : e.history.samePeer()) {
      if (r.ageKnown() && Math.abs(r.connectionAgeNanos() - age) * 1000 <= age * SAME_AGE_PER_MILLE) {
        same++;
        shortest = Math.min(shortest, r.connectionAgeNanos());
      }
    }
    if (same < SAME_AGE_RESETS || age < e.t.idleMin * 10) {
      return -1;
    }
    return shortest;
  }
}
