package io.resettracer.classify;

import io.resettracer.model.BurstContext;
import io.resettracer.model.Decimals;
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
  /** The burst as its grouper saw it, or {@link BurstContext#UNKNOWN}. */
  final BurstContext burst;
  /** Distinct ports of this reset's host reset within the burst window, this one included. */
  private final int portsOfHostSeen;
  /** ...and within {@link #AT_ONCE_NANOS} of this reset: one event at the host. */
  final int portsOfHostAtOnce;

  /**
   * Resets closer than this are one event: a process's sockets are reset together when it dies;
   * flows that time out are reset one by one, as each is next used.
   */
  static final long AT_ONCE_NANOS = 50_000_000L;

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
    Set<Integer> ports = new java.util.HashSet<>();
    Set<Integer> atOnce = new java.util.HashSet<>();
    ports.add(facts.remotePort());
    atOnce.add(facts.remotePort());
    for (PastReset r : history.otherPeers()) {
      if (Math.abs(r.agoNanos()) <= t.burstWindow && !r.remoteAddress().isEmpty()) {
        burstHosts.add(r.remoteAddress());
        if (r.remoteAddress().equals(facts.remoteAddress())) {
          ports.add(r.remotePort());
          if (Math.abs(r.agoNanos()) <= AT_ONCE_NANOS) {
            atOnce.add(r.remotePort());
          }
        }
      }
    }
    portsOfHostSeen = ports.size();
    portsOfHostAtOnce = atOnce.size();
    burst = history.burst() == null ? BurstContext.UNKNOWN : history.burst();
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

  /**
   * The very first write after the last read failed: the connection was already aborted (an RST
   * had come in) while it sat unused. A peer that only closed (FIN) lets that first write through,
   * its kernel answers it with an RST, and the failure comes later: end of stream or a reset on the
   * read, or a broken pipe on a second write.
   */
  boolean abortedBeforeWrite() {
    return abortedBeforeWrite(facts.operation(), facts.kind(), facts.writtenSinceRead());
  }

  static boolean abortedBeforeWrite(Operation op, FailureKind k, long writtenSinceRead) {
    return op == Operation.WRITE && writtenSinceRead == 0
        && (k == FailureKind.RESET || k == FailureKind.BROKEN_PIPE);
  }

  /**
   * The peer closed (FIN) before the failure: end of stream, or a broken pipe on a write that
   * followed one that went through (a broken pipe on the first write means an RST came first).
   */
  static boolean finFirst(PastReset r) {
    return r.kind() == FailureKind.PREMATURE_EOF
        || (r.kind() == FailureKind.BROKEN_PIPE && r.writtenSinceRead() > 0);
  }

  /** Distinct hosts in this reset's burst: what the grouper saw, or else the history's. */
  int hostsInBurst() {
    return Math.max(burstHosts.size(), burst.hosts());
  }

  /** Distinct ports of this reset's host in its burst, this one included. */
  int portsOfHostInBurst() {
    return Math.max(portsOfHostSeen, burst.portsOfHost());
  }

  /**
   * The share of TCP segments this host retransmitted in the last interval, or -1 when unknown or
   * when too few segments were sent for a share to mean anything (6 of 61 is not a rate).
   */
  double retransmitShare() {
    double ratio = host.retransmitRatio();
    if (ratio < 0 || host.segmentsOut() < t.minSegments) {
      return -1;
    }
    return host.segmentsRetransmitted() < t.minRetransmits ? 0 : ratio;
  }

  /** Retransmissions past the lossy threshold, on a sample large enough to be a rate. */
  boolean lossy() {
    return retransmitShare() * 1000 >= t.retransmitHigh;
  }

  /** Retransmissions past the heavy threshold (tens of per cent): the path, not the peer. */
  boolean heavyLoss() {
    return retransmitShare() * 1000 >= t.retransmitHeavy;
  }

  /**
   * What a lossy path takes from a cause that assumes a healthy one (an idle limit, a close, a
   * crash, a size limit), with the reason appended to {@code why}; 0 on a healthy path.
   */
  double lossPenalty(StringBuilder why) {
    if (!lossy()) {
      return 0;
    }
    why.append("; but ").append(Decimals.fixed(retransmitShare() * 1000, 0))
        .append(" ‰ of this host's TCP segments were retransmitted (")
        .append(host.segmentsRetransmitted()).append(" of ").append(host.segmentsOut())
        .append("): a lossy path");
    return heavyLoss() ? 0.3 : 0.15;
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
      if (finFirst(r)) {
        n++;
      }
    }
    return n;
  }

  /** Connects to this reset's host refused after its burst began (fed with the burst). */
  int refusedAfter() {
    return burst.refusedAfter();
  }

  /** Appends why refusals after the burst speak against a cause that leaves the peer up. */
  double refusedAfterPenalty(StringBuilder why) {
    if (refusedAfter() == 0) {
      return 0;
    }
    why.append("; but ").append(refusedAfter())
        .append(refusedAfter() == 1 ? " connect" : " connects").append(" to ")
        .append(facts.remoteAddress()).append(" refused right after: the peer itself went away");
    return 0.4;
  }

  /** Earlier failures to the same peer after a pause whose first write found it aborted. */
  int abortedBeforeWriteAfterPause() {
    int n = 0;
    for (PastReset r : pausedSamePeer) {
      if (abortedBeforeWrite(r.operation(), r.kind(), r.writtenSinceRead())) {
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

  /**
   * The learnt limit is narrow: a survivor idled at least a quarter of the shortest failing idle.
   * A survivor of 4 ms says little about failures at 2 s: the limit could be anywhere between.
   */
  boolean idleLimitNarrow() {
    return idleLimitConsistent() && survivedIdle() * 4 >= shortestFailedIdle();
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
    return facts.kind().label() + " on " + facts.operation().label() + " after "
        + Durations.format(facts.idleNanos()) + " idle, " + facts.exchanges() + " exchanges, "
        + Sizes.format(facts.writtenSinceRead()) + " written since the last read";
  }
}
