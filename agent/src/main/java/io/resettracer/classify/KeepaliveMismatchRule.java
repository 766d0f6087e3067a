package io.resettracer.classify;

import io.resettracer.model.Durations;
import io.resettracer.model.FailureKind;
import io.resettracer.model.Operation;
import io.resettracer.model.Sizes;


/**
 * The server closed an idle keep-alive connection (FIN) that the client's pool then reused: the
 * first request after the pause meets end of stream, a broken pipe, or (when the request raced the
 * close) a reset; failures start at one idle time, the server's keep-alive, and none come below it.
 */
final class KeepaliveMismatchRule implements Rule {

  @Override
  public Candidate judge(ResetEvidence e) {
    if (!e.reusedAfterPause()) {
      return null;
    }
    FailureKind kind = e.facts.kind();
    double score;
    StringBuilder why = new StringBuilder();
    if (kind == FailureKind.PREMATURE_EOF) {
      score = 0.7;
      why.append("end of stream right after a request");
    } else if (e.abortedBeforeWrite()) {
      // A server's FIN lets the first write through; only an RST that came in while the
      // connection sat idle makes the very first write fail.
      score = 0.2;
      why.append(kind == FailureKind.BROKEN_PIPE ? "broken pipe" : "reset")
          .append(" on the very first write after the pause (nothing written since the last read:")
          .append(" an RST had come in while it sat idle, not a server's FIN alone)");
    } else if (kind == FailureKind.BROKEN_PIPE) {
      score = 0.65;
      why.append("broken pipe on a write after one that went through (the peer had closed)");
    } else if (kind == FailureKind.RESET) {
      score = 0.3;
      why.append("RST");
    } else {
      return null;
    }
    why.append(" on a reused connection (").append(e.facts.exchanges())
        .append(" exchanges) after ").append(Durations.format(e.facts.idleNanos()))
        .append(" idle (threshold ").append(Durations.format(e.t.idleMin)).append(")");
    if (e.requestInFlight()) {
      score += 0.1;
      why.append(", on the first request after the pause");
    }
    int finFirst = e.finFirstAfterPause();
    if (finFirst > 0) {
      score += kind == FailureKind.RESET ? 0.35 : 0.05;
      why.append("; ").append(finFirst).append(finFirst == 1 ? " earlier failure" : " earlier failures")
          .append(" to this peer after a pause came after a FIN");
    }
    if (e.idleLimitNarrow()) {
      score += 0.1;
    } else if (e.idleLimitConsistent()) {
      score += 0.05;
    } else if (e.idleContradicted()) {
      score -= 0.35;
    }
    why.append("; ").append(e.idleLimitText());
    if (e.facts.operation() == Operation.WRITE
        && e.facts.writtenSinceRead() >= e.t.mediumRequest) {
      score -= 0.3;
      why.append("; but ").append(Sizes.format(e.facts.writtenSinceRead()))
          .append(" went out before the failure: a connection the server had closed fails at")
          .append(" its second write, not after ").append(Sizes.format(e.t.mediumRequest));
    }
    score -= e.refusedAfterPenalty(why);
    score -= e.lossPenalty(why);
    String server = null;
    for (TimeoutCatalog.Entry h : TimeoutCatalog.matching(e.shortestFailedIdle(), e.t.catalogTolerance)) {
      if (h.hop() == TimeoutCatalog.Hop.SERVER && server == null) {
        score += 0.1;
        server = h.name() + " (" + h.seconds() + " s)";
        why.append("; idle just above the ").append(server).append(" default");
      } else if (h.hop() == TimeoutCatalog.Hop.MIDDLEBOX) {
        score -= 0.1;
      }
    }
    long limit = e.shortestFailedIdle();
    String rec =
        "the server at " + e.facts.peer() + " closes idle keep-alive connections sooner than the"
            + " client's pool retires them"
            + (server != null ? " (likely " + server + ")" : "")
            + ": set the pool's max idle / idle eviction to ≤ " + Durations.setting(e.safeMaxIdle(limit))
            + " (failures start at " + Durations.format(limit) + " idle), or raise the server's"
            + " keep-alive timeout above the pool's max idle, or validate connections idle longer"
            + " than that before reuse";
    return Candidate.of(Verdict.KEEPALIVE_MISMATCH, score, why.toString(), rec);
  }
}
