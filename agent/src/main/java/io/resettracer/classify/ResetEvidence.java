package io.resettracer.classify;

import io.resettracer.model.Durations;
import io.resettracer.model.FailureKind;
import io.resettracer.model.HostSnapshot;
import io.resettracer.model.Operation;
import io.resettracer.model.PastReset;
import io.resettracer.model.ResetFacts;
import io.resettracer.model.ResetHistory;
import io.resettracer.model.Role;
import io.resettracer.model.Sizes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One reset with everything around it, and the derived facts the rules share (the burst it belongs
 * to, the idle limit learnt from its peer), computed once.
 */
public final class ResetEvidence {

  final ResetFacts facts;
  final ResetHistory history;
  final HostSnapshot host;
  final Thresholds t;

  /** Earlier resets to the same peer within the burst window. */
  final List<PastReset> burstSamePeer = new ArrayList<>();
  /** Distinct hosts (addresses) reset within the burst window, this one first. */
  final Set<String> burstHosts = new LinkedHashSet<>();
  /** Earlier resets to the same peer, after a pause on a reused connection, any time. */
  final List<PastReset> pausedSamePeer = new ArrayList<>();
  /** Refused connects to the peer within the refusal window. */
  final int refusedRecently;

  public ResetEvidence(ResetFacts facts, ResetHistory history, HostSnapshot host, Thresholds t) {
    this.facts = facts;
    this.history = history;
    this.host = host;
    this.t = t;
    burstHosts.add(facts.remoteAddress());
    // A verdict is made once the burst around a reset is known: its history holds resets and
    // refusals after it too (a negative "ago"), up to the moment it is judged.
    for (PastReset r : history.samePeer()) {
      if (Math.abs(r.agoNanos()) <= t.burstWindow) {
        burstSamePeer.add(r);
      }
      if (r.exchanges() > 0 && r.idleNanos() >= t.idleMin) {
        pausedSamePeer.add(r);
      }
    }
    for (PastReset r : history.otherPeers()) {
      if (Math.abs(r.agoNanos()) <= t.burstWindow && !r.remoteAddress().isEmpty()) {
        burstHosts.add(r.remoteAddress());
      }
    }
    int refused = 0;
    for (long ago : history.refusedConnectAgoNanos()) {
      if (Math.abs(ago) <= t.refusalWindow) {
        refused++;
      }
    }
    refusedRecently = refused;
  }

  /** The connection had carried at least one exchange and then sat idle past the threshold. */
  boolean reusedAfterPause() {
    return facts.exchanges() > 0 && facts.idleNanos() >= t.idleMin && facts.role() != Role.SERVER;
  }

  /** A request was on its way: the failure hit the exchange, not a connection at rest. */
  boolean requestInFlight() {
    return facts.writtenSinceRead() > 0 || facts.operation() == Operation.WRITE;
  }

  /** Nothing ever read nor exchanged: a connection that never got going. */
  boolean brandNew() {
    return facts.exchanges() == 0 && facts.bytesRead() == 0;
  }

  /** The peer closed (FIN) before the failure: end of stream, or a broken pipe as first failure. */
  static boolean finFirst(FailureKind k) {
    return k == FailureKind.PREMATURE_EOF || k == FailureKind.BROKEN_PIPE;
  }

  /** Resets of this burst (this one included) whose connection had been idle past the threshold. */
  boolean wholeBurstAfterPause() {
    if (!reusedAfterPause()) {
      return false;
    }
    for (PastReset r : burstSamePeer) {
      if (r.exchanges() == 0 || r.idleNanos() < t.idleMin) {
        return false;
      }
    }
    return true;
  }

  /** The shortest idle among this reset and the peer's earlier resets after a pause. */
  long shortestFailedIdle() {
    long min = facts.idleNanos();
    for (PastReset r : pausedSamePeer) {
      min = Math.min(min, r.idleNanos());
    }
    return min;
  }

  long longestFailedIdle() {
    long max = facts.idleNanos();
    for (PastReset r : pausedSamePeer) {
      max = Math.max(max, r.idleNanos());
    }
    return max;
  }

  /** Connections to the peer that failed after a pause, this one included. */
  int failedAfterPause() {
    return pausedSamePeer.size() + 1;
  }

  /** Earlier failures to the same peer after a pause that showed a FIN first. */
  int finFirstAfterPause() {
    int n = 0;
    for (PastReset r : pausedSamePeer) {
      if (finFirst(r.kind())) {
        n++;
      }
    }
    return n;
  }

  long survivedIdle() {
    return history.longestSurvivedIdleNanos();
  }

  /** The learnt limit: every failure came after at least this idle, and no survivor idled longer. */
  boolean idleLimitConsistent() {
    return survivedIdle() >= 0 && survivedIdle() < shortestFailedIdle();
  }

  /** A connection to this peer survived a longer idle than this one: idle did not kill it. */
  boolean idleContradicted() {
    return survivedIdle() >= 0 && survivedIdle() >= facts.idleNanos();
  }

  /** The idle limit learnt so far, as "failures after 2.1–3.0 s idle on 3 connections, none below". */
  String idleLimitText() {
    int n = failedAfterPause();
    StringBuilder b = new StringBuilder();
    if (n == 1) {
      b.append("failure after ").append(Durations.format(facts.idleNanos())).append(" idle");
    } else {
      b.append("failures after ")
          .append(Durations.range(shortestFailedIdle(), longestFailedIdle()))
          .append(" idle on ").append(n).append(" connections to ").append(facts.peer());
    }
    if (survivedIdle() >= 0) {
      b.append(idleLimitConsistent() ? ", none below: " : ", yet ")
          .append("the longest idle a connection to it survived is ")
          .append(Durations.format(survivedIdle()));
    }
    return b.toString();
  }

  /**
   * A pool's max idle that stays clear of the learnt limit: 90 % of the shortest failing idle, and
   * no more than the longest idle seen to survive when that is close below it.
   */
  long safeMaxIdle(long limitNanos) {
    long safe = limitNanos * 9 / 10;
    long survived = survivedIdle();
    if (survived > 0 && survived < limitNanos && survived > safe) {
      safe = survived;
    }
    return safe;
  }

  /** A one-line restatement of the facts, for evidence that has nothing sharper to say. */
  String factsLine() {
    return String.format(
        java.util.Locale.ROOT,
        "%s on %s after %s idle, %d exchanges, %s written since the last read",
        facts.kind().label(), facts.operation().label(), Durations.format(facts.idleNanos()),
        facts.exchanges(), Sizes.format(facts.writtenSinceRead()));
  }
}
