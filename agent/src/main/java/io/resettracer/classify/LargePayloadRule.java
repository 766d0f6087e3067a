package io.resettracer.classify;

import io.resettracer.model.FailureKind;
import io.resettracer.model.Operation;
import io.resettracer.model.PastReset;
import io.resettracer.model.Sizes;


/**
 * The peer or a proxy refused a body over its size limit and closed while the client was still
 * sending: the failure comes in the write phase, with megabytes written since the last read, at a
 * similar offset each time.
 */
final class LargePayloadRule implements Rule {

  /** Cut offsets within this factor of each other count as one limit. */
  private static final long SAME_OFFSET_RATIO = 3;

  @Override
  public Candidate judge(ResetEvidence e) {
    long inFlight = e.facts.writtenSinceRead();
    FailureKind kind = e.facts.kind();
    if (inFlight < e.t.mediumRequest || (kind != FailureKind.RESET && kind != FailureKind.BROKEN_PIPE)) {
      return null;
    }
    double score = inFlight >= e.t.largeRequest ? 0.65 : 0.4;
    StringBuilder why = new StringBuilder();
    why.append(Sizes.format(inFlight)).append(" written since the last read (large request from ")
        .append(Sizes.format(e.t.largeRequest)).append(")");
    if (e.facts.operation() == Operation.WRITE) {
      score += 0.15;
      why.append(", cut while still writing");
    } else {
      why.append(", cut awaiting the reply");
    }
    // A size limit cuts every upload past one offset (the limit plus what the buffers held);
    // loss cuts them wherever a stall happens to fall.
    int earlier = 0;
    long least = inFlight;
    long most = inFlight;
    for (PastReset r : e.history.samePeer()) {
      if (r.writtenSinceRead() >= e.t.mediumRequest) {
        earlier++;
        least = Math.min(least, r.writtenSinceRead());
        most = Math.max(most, r.writtenSinceRead());
      }
    }
    if (earlier > 0 && most <= least * SAME_OFFSET_RATIO) {
      score += 0.1;
      why.append("; ").append(earlier).append(earlier == 1 ? " earlier upload to " : " earlier uploads to ").append(e.facts.peer())
          .append(earlier == 1 ? " was cut the same way" : " were cut the same way")
          .append(" (").append(Sizes.format(least)).append("–").append(Sizes.format(most)).append(")");
    } else if (earlier > 0 && e.lossy()) {
      // Offsets alone vary with a size limit too (redis refusing one value: cuts from 81 KiB to
      // 638 KiB, measured, as the socket buffers happened to hold); on a lossy path they are the
      // places where a stall made the server give up.
      score -= 0.2;
      why.append("; but ").append(earlier + 1).append(" uploads to ").append(e.facts.peer())
          .append(" were cut at widely varying offsets (").append(Sizes.format(least)).append("–")
          .append(Sizes.format(most)).append(") on a lossy path: a size limit cuts near one");
    }
    score -= e.refusedAfterPenalty(why);
    score -= e.lossPenalty(why);
    String rec =
        e.facts.peer() + " (or a proxy before it) refuses request bodies this large and closed"
            + " mid-upload, after " + Sizes.format(inFlight) + " had been sent: raise its body"
            + " limit above the real request size (nginx: client_max_body_size, 1 MiB by"
            + " default), send Expect: 100-continue so the refusal comes before the body, or"
            + " split the upload into parts below the limit; the refusal (413) may still be"
            + " readable on the connection";
    return Candidate.of(Verdict.LARGE_PAYLOAD, score, why.toString(), rec);
  }
}
