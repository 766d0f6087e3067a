package io.resettracer.classify;

import io.resettracer.model.Durations;
import io.resettracer.model.Operation;
import io.resettracer.model.PastReset;
import io.resettracer.model.Role;
import io.resettracer.model.Sizes;
import io.resettracer.model.Stage;


/**
 * The server could not take another connection (accept queue overflow, out of file descriptors,
 * at capacity): a brand-new connection, connected and written to, reset before a byte came back,
 * often several at once while older connections to it work.
 */
final class ResourceExhaustionRule implements Rule {

  @Override
  public Candidate judge(ResetEvidence e) {
    if (!e.brandNew() || !e.facts.ageKnown() || e.facts.role() != Role.CLIENT
        || e.facts.connectionAgeNanos() > e.t.youngAge) {
      return null;
    }
    double score = 0.45;
    StringBuilder why = new StringBuilder();
    why.append("a brand-new connection (").append(Durations.format(e.facts.connectionAgeNanos()))
        .append(" old, threshold ").append(Durations.format(e.t.youngAge))
        .append(") reset with 0 bytes ever read");
    if (e.facts.operation() == Operation.CONNECT) {
      // Reset, not refused: something took the handshake and aborted it at once, as a full
      // accept queue (tcp_abort_on_overflow) or a connection limit does.
      score += 0.1;
      why.append(", the connect itself (taken, then aborted: a full accept queue or a connection"
          + " limit, where a process gone refuses)");
    } else if (e.stage == Stage.TLS_HANDSHAKE) {
      why.append(" in its TLS handshake, after the ClientHello was sent");
    } else if (e.requestInFlight()) {
      score += 0.05;
      why.append(" after its first request was sent");
    }
    int newOnes = 0;
    for (PastReset r : e.burstSamePeer) {
      if (r.brandNew()) {
        newOnes++;
      }
    }
    if (newOnes > 0) {
      score += Math.min(0.3, 0.15 * newOnes);
      why.append("; ").append(newOnes + 1).append(" brand-new connections to ")
          .append(e.facts.peer()).append(" reset within ").append(Durations.format(e.t.burstWindow));
    }
    if (e.host.listenOverflows() > 0) {
      score += 0.1;
      why.append("; this host's accept queues overflowed ").append(e.host.listenOverflows())
          .append(" times in the last ").append(Durations.format(e.host.counterSpanNanos()));
    }
    String local = "";
    if (e.host.fileDescriptorLimit() > 0
        && e.host.openFileDescriptors() * 1000 >= e.host.fileDescriptorLimit() * e.t.fdHigh) {
      score += 0.1;
      why.append("; this JVM has ").append(e.host.openFileDescriptors()).append(" of ")
          .append(e.host.fileDescriptorLimit()).append(" file descriptors open");
      local = "; on this host raise ulimit -n (" + e.host.fileDescriptorLimit() + " now)";
    }
    if (e.facts.writtenSinceRead() >= e.t.mediumRequest) {
      score -= 0.3;
      why.append("; but ").append(Sizes.format(e.facts.writtenSinceRead()))
          .append(" went out first: a server at capacity resets a connection at its first request,")
          .append(" it does not take its body");
    }
    if (e.stage == Stage.TLS_HANDSHAKE && e.everyConnectionCutAtStart()) {
      // A full server drops some handshakes and completes others; one that turns every
      // ClientHello away, never once answering, is refusing what the client offers.
      score -= 0.2;
      why.append("; but every one of the ").append(e.cutAtStartToPeer())
          .append(" TLS handshakes with it was cut, none answered: a refusal, not load");
    }
    if (e.refusedRecently > 0 || e.refusedAfter() > 0) {
      score -= 0.15;
      why.append("; but connects to it were refused (a peer gone, not full)");
    }
    if (e.hostsInBurst() >= e.t.deviceHosts) {
      score -= 0.3;
      why.append("; but ").append(e.hostsInBurst())
          .append(" hosts reset at once: a device in the path, not one peer's capacity");
    }
    score -= e.lossPenalty(why);
    String rec =
        e.facts.peer() + " cannot take more connections: raise its accept backlog"
            + " (net.core.somaxconn, the server's backlog), its file-descriptor limit and capacity;"
            + " limit this client's connection rate and reuse pooled connections" + local;
    return Candidate.of(Verdict.RESOURCE_EXHAUSTION, score, why.toString(), rec);
  }
}
