package io.resettracer.classify;

import io.resettracer.model.Durations;
import io.resettracer.model.FailureKind;
import io.resettracer.model.Operation;
import io.resettracer.model.Sizes;
import java.util.List;

/**
 * A middlebox (load balancer, NAT, firewall) forgot a connection idle past its limit and answered
 * the next packet with an RST: a reused connection, a long idle, a reset with no FIN before it,
 * idles clustering above one value across the peer's connections and none below it.
 */
final class IdleTimeoutRule implements Rule {

  @Override
  public Candidate judge(ResetEvidence e) {
    boolean aborted = e.abortedBeforeWrite();
    if (!e.reusedAfterPause() || (e.facts.kind() != FailureKind.RESET && !aborted)) {
      return null;
    }
    double score = 0.5;
    StringBuilder why = new StringBuilder();
    if (aborted) {
      // A middlebox that drops an idle flow with an RST (or a FIN and an RST) leaves the socket
      // dead before the application writes; a server that closes with a FIN does not.
      score += 0.15;
      why.append("the very first write after the pause failed (\"")
          .append(e.facts.exceptionMessage()).append("\", nothing written since the last read):")
          .append(" the connection had been aborted (RST) while it sat idle, which a server's")
          .append(" close (FIN) never does; on a reused connection (");
    } else {
      why.append("RST with no FIN before it on a reused connection (");
    }
    why.append(e.facts.exchanges()).append(" exchanges) after ")
        .append(Durations.format(e.facts.idleNanos())).append(" idle (threshold ")
        .append(Durations.format(e.t.idleMin)).append(")");
    if (!aborted && e.requestInFlight()) {
      score += 0.1;
      why.append(", on the first request after the pause");
    }
    if (e.failedAfterPause() > 1) {
      score += 0.1;
    }
    if (e.idleLimitNarrow()) {
      score += 0.15;
    } else if (e.idleLimitConsistent()) {
      score += 0.05;
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
    if (e.facts.operation() == Operation.WRITE
        && e.facts.writtenSinceRead() >= e.t.mediumRequest) {
      // A middlebox that forgot the flow answers its first packet; the bytes went through.
      score -= 0.3;
      why.append("; but ").append(Sizes.format(e.facts.writtenSinceRead()))
          .append(" went out before the RST: a flow a middlebox had forgotten is reset at its first")
          .append(" packet");
    } else if (e.facts.operation() == Operation.READ && e.facts.writtenSinceRead() == 0) {
      if (e.facts.transport().readsWhileIdle()) {
        // An event loop's read waits on every idle connection: a hop that resets flows idle past
        // its limit (some load balancers send the RST on their own) is met at once.
        why.append("; the RST came on its own while the connection rested (an event loop's read"
            + " was waiting)");
      } else {
        // Nothing was sent since the last read, so the RST answered no packet after the pause: it
        // came on its own, in the middle of a reply the application was reading.
        score -= 0.2;
        why.append("; but nothing had been sent since the last read: the RST answered no request");
      }
    }
    if (e.portsOfHostAtOnce >= 2 && e.hostsInBurst() == 1) {
      score -= 0.2;
      why.append("; but ").append(e.portsOfHostAtOnce).append(" services (ports) of ")
          .append(e.facts.remoteAddress()).append(" were reset within ")
          .append(Durations.format(ResetEvidence.AT_ONCE_NANOS))
          .append(": one event at the host, where flows past an idle limit fail one by one");
    }
    if (e.hostsInBurst() >= e.t.deviceHosts) {
      score -= 0.3;
      why.append("; but ").append(e.hostsInBurst()).append(" hosts reset at the same moment");
    }
    score -= e.refusedAfterPenalty(why);
    score -= e.lossPenalty(why);
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
