package io.resettracer.classify;

import io.resettracer.model.Durations;
import io.resettracer.model.FailureKind;
import io.resettracer.model.Operation;
import io.resettracer.model.PastReset;
import io.resettracer.model.Sizes;


/**
 * The peer process died or restarted: its kernel reset every connection with data outstanding at
 * once, whatever their idle, and connects are refused until it is back.
 */
final class PeerCrashRule implements Rule {

  @Override
  public Candidate judge(ResetEvidence e) {
    FailureKind kind = e.facts.kind();
    if (kind == FailureKind.TIMED_OUT || kind == FailureKind.UNREACHABLE) {
      return null; // a silent path, not a peer that answered with RST or FIN
    }
    int others = e.burstSamePeer.size();
    // Two connections to one peer cut together are not enough on their own: a device in front of
    // that peer cuts them the same way until resets of other hosts, or refused connects, tell.
    double score = others == 0 ? 0.15 : others == 1 ? 0.4 : 0.6;
    StringBuilder why = new StringBuilder();
    if (others == 0) {
      why.append("no other connection to ").append(e.facts.peer()).append(" failed within ")
          .append(Durations.format(e.t.burstWindow));
    } else {
      // Others may have come before this reset (a positive "ago") or after it (negative).
      long first = 0;
      long last = 0;
      for (PastReset r : e.burstSamePeer) {
        first = Math.max(first, r.agoNanos());
        last = Math.min(last, r.agoNanos());
      }
      long span = first - last;
      why.append(others + 1).append(" connections to ").append(e.facts.peer())
          .append(" failed within ").append(Durations.format(span)).append(" (burst window ")
          .append(Durations.format(e.t.burstWindow)).append(")");
    }
    int ports = e.portsOfHostInBurst();
    if (ports >= 2 && e.hostsInBurst() == 1) {
      // A middlebox's idle limit or a server's keep-alive cuts connections one by one; several
      // services of one host failing at one moment is the host (or its processes) going down.
      score += 0.15;
      why.append("; ").append(ports).append(" ports of ").append(e.facts.remoteAddress())
          .append(" failed together");
    }
    if (e.refusedAfter() > 0) {
      score += 0.35;
      why.append("; ").append(e.refusedAfter()).append(e.refusedAfter() == 1 ? " connect" : " connects")
          .append(" to ").append(e.facts.remoteAddress()).append(" refused right after");
    }
    if (e.refusedAfter() == 0 && e.burst.connectedAfter() > 0 && e.refusedRecently == 0) {
      // A crashed or restarting peer refuses connects for a while; this one took them at once.
      score -= 0.25;
      why.append("; but ").append(e.burst.connectedAfter())
          .append(e.burst.connectedAfter() == 1 ? " new connection" : " new connections")
          .append(" to ").append(e.facts.remoteAddress())
          .append(" succeeded right after, none refused: the peer stayed up");
    }
    if (e.refusedRecently > 0) {
      score += 0.3;
      why.append("; ").append(e.refusedRecently).append(e.refusedRecently == 1 ? " connect" : " connects").append(" to it refused in the last ")
          .append(Durations.format(e.t.refusalWindow));
    }
    if (e.requestInFlight()) {
      score += 0.05;
      why.append("; a request was outstanding");
    }
    if (others > 0 && e.wholeBurstAfterPause() && e.refusedAfter() == 0
        && e.portsOfHostAtOnce < 2) {
      score -= 0.25;
      why.append("; but every connection in the burst had sat idle past ")
          .append(Durations.format(e.t.idleMin)).append(" (an idle sweep, not a crash)");
    }
    if (others > 0 && allCutMidUpload(e) && e.refusedRecently == 0 && e.refusedAfter() == 0) {
      score -= 0.25;
      why.append("; but every one was cut mid-upload (").append(Sizes.format(e.t.mediumRequest))
          .append("+ written since the last read): a body refused, not a process gone");
    }
    if (e.brandNew() && allBrandNew(e)) {
      score -= 0.25;
      why.append("; but every failed connection was brand new");
    }
    if (e.hostsInBurst() >= 2) {
      score -= e.hostsInBurst() >= e.t.deviceHosts ? 0.4 : 0.2;
      why.append("; ").append(e.hostsInBurst()).append(" different hosts failed together");
    }
    score -= e.lossPenalty(why);
    String rec =
        "find why " + e.facts.peer() + " went away"
            + (others > 0 ? " (" + (others + 1) + " connections cut at once)" : "")
            + ": its logs, OOM kills, restarts and deploys; give it a graceful shutdown that drains"
            + " connections; retry idempotent requests with back-off";
    return Candidate.of(Verdict.PEER_CRASH, score, why.toString(), rec);
  }

  /** This reset and the peer's others in the burst all failed writing a large request. */
  private static boolean allCutMidUpload(ResetEvidence e) {
    if (e.facts.operation() != Operation.WRITE
        || e.facts.writtenSinceRead() < e.t.mediumRequest) {
      return false;
    }
    for (PastReset r : e.burstSamePeer) {
      if (r.operation() != Operation.WRITE || r.writtenSinceRead() < e.t.mediumRequest) {
        return false;
      }
    }
    return true;
  }

  private static boolean allBrandNew(ResetEvidence e) {
    for (PastReset r : e.burstSamePeer) {
      if (!r.brandNew()) {
        return false;
      }
    }
    return true;
  }
}
