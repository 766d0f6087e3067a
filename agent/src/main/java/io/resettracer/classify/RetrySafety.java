package io.resettracer.classify;

import io.resettracer.model.RequestDelivery;
import io.resettracer.model.ResetFacts;
import io.resettracer.model.Sizes;

/**
 * What the failure means for a retry of the request it cut: a retry of a request the peer may have
 * processed runs it twice. Said from what was written and the verdict: a request written into a
 * connection the peer had already let go (an idle timeout, a stale keep-alive) was never processed.
 */
public final class RetrySafety {

  private RetrySafety() {}

  /** One sentence for the recommendation, or "" when there is nothing to say. */
  public static String note(ResetFacts f, RequestDelivery delivery, Verdict verdict) {
    switch (delivery) {
      case NONE:
        return "no request was outstanding: retrying on a new connection is safe";
      case PARTIAL:
        return "the request was cut while being written (" + Sizes.format(f.writtenSinceRead())
            + " had gone): the peer cannot have processed it whole; a retry is safe unless it acts"
            + " on partial input";
      case COMPLETE:
        if (verdict == Verdict.IDLE_TIMEOUT || verdict == Verdict.KEEPALIVE_MISMATCH
            || verdict == Verdict.CONNECTION_LIFETIME || verdict == Verdict.REQUEST_LIMIT) {
          return "the request was written into a connection the other end had already let go: it"
              + " was not processed, and a retry is safe";
        }
        return "the request was written whole (" + Sizes.format(f.writtenSinceRead()) + ") before"
            + " the failure: the peer may have processed it; retry only idempotent requests, or"
            + " with an idempotency key";
      default:
        return "";
    }
  }
}
