package io.resettracer.classify;

import io.resettracer.model.Durations;
import io.resettracer.model.PastReset;
import java.util.List;

/**
 * The peer ends a connection after a fixed number of requests (nginx {@code keepalive_requests},
 * Apache {@code MaxKeepAliveRequests}): it closes after the last reply it allows, and the pool's
 * next request on the connection fails. Every such failure comes after exactly as many completed
 * exchanges, whatever the connection's age and idle.
 */
final class RequestLimitRule implements Rule {

  @Override
  public Candidate judge(ResetEvidence e) {
    if (!e.reusedAndClosed() || !e.requestInFlight()) {
      // A peer that stops after its last allowed reply fails the next request, never a reply
      // being read.
      return null;
    }
    List<PastReset> same = e.sameCountSamePeer();
    if (same.isEmpty() || ResetEvidence.allAtOnce(same)) {
      // One failure has no count to share; failures at one moment share an event, not a count.
      // Two that agree may be chance: a third makes it a limit.
      return null;
    }
    int m = same.size() + 1;
    long count = e.facts.exchanges();
    double score = m == 2 ? 0.3 : 0.55;
    long youngest = e.endedAtAge();
    long oldest = youngest;
    for (PastReset r : same) {
      long age = ResetEvidence.endedAtAge(r);
      youngest = Math.min(youngest, age);
      oldest = Math.max(oldest, age);
    }
    StringBuilder why = new StringBuilder();
    why.append(ResetEvidence.closeShape(e.facts.kind())).append(" on request ").append(count + 1)
        .append(" of a connection that had completed ").append(count).append(" exchanges");
    why.append("; ").append(m).append(" connections to ").append(e.facts.peer())
        .append(" failed after exactly ").append(count).append(" exchanges, at ")
        .append(Durations.range(youngest, oldest)).append(" of age");
    if (!ResetEvidence.sameAge(youngest, oldest)) {
      score += 0.15;
      why.append(": one count, not one age");
    }
    int otherCounts = e.reusedSamePeer.size() - same.size();
    if (otherCounts > 0 && otherCounts >= m) {
      score -= 0.2;
      why.append("; but ").append(otherCounts)
          .append(otherCounts == 1 ? " other failed" : " others failed")
          .append(" after other counts");
    }
    score += e.limitOfThePeerAside(why);
    String rec =
        "the peer at " + e.facts.peer() + " ends a connection after " + count
            + (count == 1 ? " request" : " requests") + " (learnt here: " + m
            + " connections failed on request " + (count + 1)
            + "): set the pool's max requests per connection to ≤ " + count
            + " so connections retire first, or raise the peer's limit (nginx keepalive_requests,"
            + " Apache MaxKeepAliveRequests); a client that honours the last reply's"
            + " Connection: close (or HTTP/2 GOAWAY) never reuses them";
    return Candidate.of(Verdict.REQUEST_LIMIT, score, why.toString(), rec);
  }
}
