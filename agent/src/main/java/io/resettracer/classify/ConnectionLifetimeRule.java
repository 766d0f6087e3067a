package io.resettracer.classify;

import io.resettracer.model.Durations;
import io.resettracer.model.PastReset;
import java.util.List;

/**
 * The peer, or a hop before it, ends connections at a fixed age (nginx {@code keepalive_time}, a
 * proxy's max connection duration, a firewall's session lifetime): a server closes after the reply
 * it serves past that age and the pool's next use of the connection fails; a device drops the flow
 * and its RST comes on the next packet or on its own. The ages at which the connections were ended
 * cluster at one value whatever their idle and however many exchanges each had carried.
 */
final class ConnectionLifetimeRule implements Rule {

  @Override
  public Candidate judge(ResetEvidence e) {
    if (!e.reusedAndClosed()) {
      return null;
    }
    List<PastReset> same = e.sameAgeSamePeer();
    if (same.isEmpty() || ResetEvidence.allAtOnce(same)) {
      // One failure has no age to share; failures at one moment share an event, not an age.
      // Two that agree may be chance: a third makes it a limit.
      return null;
    }
    int n = same.size() + 1;
    double score = n == 2 ? 0.3 : 0.55;
    long youngest = e.endedAtAge();
    long oldest = youngest;
    long fewest = e.facts.exchanges();
    long most = fewest;
    for (PastReset r : same) {
      long age = ResetEvidence.endedAtAge(r);
      youngest = Math.min(youngest, age);
      oldest = Math.max(oldest, age);
      fewest = Math.min(fewest, r.exchanges());
      most = Math.max(most, r.exchanges());
    }
    StringBuilder why = new StringBuilder();
    if (e.endedAtAge() == e.facts.connectionAgeNanos()) {
      why.append("an RST ended a connection ").append(Durations.format(e.endedAtAge()))
          .append(" old on its own, nothing sent (").append(e.facts.exchanges())
          .append(" exchanges)");
    } else {
      why.append(ResetEvidence.closeShape(e.facts.kind()))
          .append(" on the next use of a connection ").append(Durations.format(e.endedAtAge()))
          .append(" old at its last reply (").append(e.facts.exchanges()).append(" exchanges)");
    }
    why.append("; ").append(n).append(" connections to ").append(e.facts.peer())
        .append(" were ended at ").append(Durations.range(youngest, oldest)).append(" of age");
    if (fewest != most) {
      score += 0.15;
      why.append(", after ").append(fewest).append("–").append(most)
          .append(" exchanges: one age, not one count");
    } else {
      score -= 0.2;
      why.append("; but every one after exactly ").append(fewest)
          .append(" exchanges: a count as much as an age");
    }
    int elsewhere = e.reusedSamePeer.size() - same.size();
    if (elsewhere > 0 && elsewhere >= n) {
      score -= 0.2;
      why.append("; but ").append(elsewhere).append(elsewhere == 1 ? " other was" : " others were")
          .append(" ended at other ages");
    }
    score += e.limitOfThePeerAside(why);
    String rec =
        "connections to " + e.facts.peer() + " are ended once they are about "
            + Durations.format(youngest) + " old (learnt here: ended at "
            + Durations.range(youngest, oldest) + " of age on " + n + " connections)"
            + ": set the pool's max connection lifetime (time to live) to ≤ "
            + Durations.setting(youngest * 9 / 10) + " so they retire first, or raise the limit"
            + " (nginx keepalive_time, a proxy's max connection duration, a firewall's session"
            + " lifetime); a client that honours a reply's Connection: close (or HTTP/2 GOAWAY)"
            + " never reuses a connection a server retired";
    return Candidate.of(Verdict.CONNECTION_LIFETIME, score, why.toString(), rec);
  }
}
