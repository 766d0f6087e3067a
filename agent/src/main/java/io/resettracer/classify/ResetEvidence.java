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
import io.resettracer.model.Stage;
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
  /** Where in the connection's life it failed (the TLS handshake is seen in the failing stack). */
  final Stage stage;
  final ResetHistory history;
  final HostSnapshot host;
  final Thresholds t;

  /** Earlier resets to the same peer within the burst window. */
  final List<PastReset> burstSamePeer = new ArrayList<>();
  /** Distinct hosts (addresses) reset within the burst window, this one first. */
  final Set<String> burstHosts = new LinkedHashSet<>();
  /** Earlier resets to the same peer, after a pause on a reused connection, any time. */
  final List<PastReset> pausedSamePeer = new ArrayList<>();
  /**
   * Earlier resets to the same peer on a reused connection whose age is known, any idle, any time:
   * the ones a limit on a connection's age or on its requests would end.
   */
  final List<PastReset> reusedSamePeer = new ArrayList<>();
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
    this(facts, Stage.of(facts, null), history, host, t);
  }

  public ResetEvidence(ResetFacts facts, Stage stage, ResetHistory history, HostSnapshot host,
      Thresholds t) {
    this.facts = facts;
    this.stage = stage;
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
      if (r.exchanges() > 0 && r.ageKnown() && closedUnder(r.kind())
          && r.writtenSinceRead() < t.mediumRequest) {
        reusedSamePeer.add(r);
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

  /** Connections to the peer reset before a byte came back, this one included, any time. */
  int cutAtStartToPeer() {
    int n = brandNew() ? 1 : 0;
    for (PastReset r : history.samePeer()) {
      if (r.brandNew()) {
        n++;
      }
    }
    return n;
  }

  /**
   * Two or more connections to the peer were reset before a byte came back, and no exchange with it
   * ever completed: the peer, or something before it, turns every one away. (Connections still
   * opening when this is judged are no counter-example: none of them has been answered either.)
   */
  boolean everyConnectionCutAtStart() {
    return cutAtStartToPeer() >= 2 && history.longestSurvivedIdleNanos() < 0;
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
    return finFirst(r.kind(), r.writtenSinceRead());
  }

  /** This failure came after the peer's FIN (see {@link #finFirst(PastReset)}). */
  boolean finFirst() {
    return finFirst(facts.kind(), facts.writtenSinceRead());
  }

  private static boolean finFirst(FailureKind k, long writtenSinceRead) {
    return k == FailureKind.PREMATURE_EOF
        || (k == FailureKind.BROKEN_PIPE && writtenSinceRead > 0);
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

  /**
   * Segments received out of order, past a gap, as a share of those received; -1 if unknown or too
   * few to tell. Loss on the way in (a download) shows here: the receiver retransmits nothing, its
   * peer does. Unlike a retransmission, which a peer gone away causes too (data and SYNs sent to a
   * dead host), a segment past a gap arrives only after one before it was lost (or overtaken) on
   * the way; and a download stalled by loss receives a few dozen segments, not hundreds. So a
   * sample under {@code minSegments} counts too, from {@code minOutOfOrder} such segments up, at
   * the lower end of its 95 % interval: 19 of 61 (a download cut by a server's send timeout under
   * 30 % loss) is at least 21 %, 2 of 25 is not even 5 %.
   */
  double outOfOrderShare() {
    double ratio = host.outOfOrderRatio();
    if (ratio < 0) {
      return -1;
    }
    if (!outOfOrderBounded()) {
      return ratio;
    }
    return host.segmentsOutOfOrder() < t.minOutOfOrder
        ? -1 : lowerBound95(host.segmentsOutOfOrder(), host.segmentsIn());
  }

  /** Whether the inbound share is a small sample's lower bound rather than the share itself. */
  private boolean outOfOrderBounded() {
    return host.segmentsIn() < t.minSegments;
  }

  /**
   * The lower end of the 95 % (Wilson score) interval of a share of {@code k} in {@code n}: what a
   * small sample can be trusted to say at least.
   */
  static double lowerBound95(long k, long n) {
    if (n <= 0) {
      return 0;
    }
    double z = 1.96;
    double p = (double) k / n;
    double z2n = z * z / n;
    double centre = p + z2n / 2;
    double margin = z * Math.sqrt(p * (1 - p) / n + z2n / (4 * n));
    return Math.max(0, (centre - margin) / (1 + z2n));
  }

  /** Loss past the lossy thresholds, either way, on a sample large enough to be a rate. */
  boolean lossy() {
    return retransmitShare() * 1000 >= t.retransmitHigh
        || outOfOrderShare() * 1000 >= t.outOfOrderHigh;
  }

  /** Loss past the heavy thresholds (tens of per cent): the path, not the peer. */
  boolean heavyLoss() {
    return retransmitShare() * 1000 >= t.retransmitHeavy
        || outOfOrderShare() * 1000 >= t.outOfOrderHeavy;
  }

  /** What the counters say of loss on the way out and in, for the evidence; "" if unknown. */
  String lossFigures() {
    StringBuilder s = new StringBuilder();
    double out = retransmitShare();
    if (out >= 0) {
      s.append(Decimals.fixed(out * 1000, 1)).append(" ‰ of TCP segments retransmitted in the last ")
          .append(Durations.format(host.counterSpanNanos())).append(" (")
          .append(host.segmentsRetransmitted()).append(" of ").append(host.segmentsOut())
          .append("; threshold ").append(t.retransmitHigh).append(" ‰)");
    }
    double in = outOfOrderShare();
    if (in >= 0) {
      s.append(s.length() > 0 ? "; " : "")
          .append(Decimals.fixed(host.outOfOrderRatio() * 1000, 1))
          .append(" ‰ of segments received came out of order, past a gap (")
          .append(host.segmentsOutOfOrder()).append(" of ").append(host.segmentsIn());
      if (outOfOrderBounded()) {
        s.append(", at least ").append(Decimals.fixed(in * 1000, 0)).append(" ‰ at 95 %");
      }
      s.append("; threshold ").append(t.outOfOrderHigh).append(" ‰): loss on the way in");
    }
    return s.toString();
  }

  /**
   * What a lossy path takes from a cause that assumes a healthy one (an idle limit, a close, a
   * crash, a size limit), with the reason appended to {@code why}; 0 on a healthy path.
   */
  double lossPenalty(StringBuilder why) {
    if (!lossy()) {
      return 0;
    }
    if (retransmitShare() * 1000 >= t.retransmitHigh) {
      why.append("; but ").append(Decimals.fixed(retransmitShare() * 1000, 0))
          .append(" ‰ of this host's TCP segments were retransmitted (")
          .append(host.segmentsRetransmitted()).append(" of ").append(host.segmentsOut())
          .append("): a lossy path");
    } else {
      why.append("; but ").append(Decimals.fixed(host.outOfOrderRatio() * 1000, 0))
          .append(" ‰ of the segments this host received came out of order (")
          .append(host.segmentsOutOfOrder()).append(" of ").append(host.segmentsIn())
          .append("): a lossy path");
    }
    return heavyLoss() ? 0.3 : 0.15;
  }

  /**
   * What a limit the peer puts on its connections (an age, a count of requests) is weighed against,
   * with the reasons appended to {@code why}: an idle that explains it better, a FIN first (a
   * server closing, which such limits do), several hosts at once (a device), refusals after (a peer
   * gone) and a lossy path. The score's change.
   */
  double limitOfThePeerAside(StringBuilder why) {
    double score = idleAside(why);
    if (finFirst()) {
      score += 0.05;
      why.append("; the peer had closed (FIN) first");
    }
    if (hostsInBurst() >= t.deviceHosts) {
      score -= 0.3;
      why.append("; but ").append(hostsInBurst()).append(" hosts reset at the same moment");
    }
    score -= refusedAfterPenalty(why);
    score -= lossPenalty(why);
    return score;
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

  /** The failures a peer's close leaves on a connection reused after it: EOF, RST, broken pipe. */
  static boolean closedUnder(FailureKind k) {
    return k == FailureKind.PREMATURE_EOF || k == FailureKind.RESET
        || k == FailureKind.BROKEN_PIPE;
  }

  /** How a close met on reuse reads in evidence: "end of stream", "reset", "broken pipe". */
  static String closeShape(FailureKind k) {
    return k == FailureKind.PREMATURE_EOF ? "end of stream"
        : k == FailureKind.BROKEN_PIPE ? "broken pipe" : "reset";
  }

  /**
   * A reused client connection of known age ended by the peer: what a limit on a connection's age
   * or on its requests leaves behind, and the only resets those two causes are judged on. A peer
   * that closed after its last reply fails the next request at once, never a large body midway.
   */
  boolean reusedAndClosed() {
    return facts.exchanges() > 0 && facts.ageKnown() && facts.role() != Role.SERVER
        && closedUnder(facts.kind()) && facts.writtenSinceRead() < t.mediumRequest;
  }

  /**
   * The age at which the connection was ended. A peer that closes at an age does so after the reply
   * it serves past it (the limit is checked as a request is served), so that is its age at its
   * last completed exchange; an RST that came on its own (a read with nothing sent: a device
   * dropping the flow) ended it at the failure's own age.
   */
  static long endedAtAge(Operation op, FailureKind k, long writtenSinceRead, long ageNanos,
      long idleNanos) {
    if (op == Operation.READ && k == FailureKind.RESET && writtenSinceRead == 0) {
      return ageNanos;
    }
    return Math.max(0, ageNanos - idleNanos);
  }

  static long endedAtAge(PastReset r) {
    return endedAtAge(r.operation(), r.kind(), r.writtenSinceRead(), r.connectionAgeNanos(),
        r.idleNanos());
  }

  long endedAtAge() {
    return endedAtAge(facts.operation(), facts.kind(), facts.writtenSinceRead(),
        facts.connectionAgeNanos(), facts.idleNanos());
  }

  /**
   * Two ages at which connections were ended are one age: within a tenth of the larger, or 300 ms
   * (a request's pace adds its own spread above the limit). A limit by age ends every connection
   * just past it.
   */
  static boolean sameAge(long a, long b) {
    return Math.abs(a - b) <= Math.max(300_000_000L, Math.max(a, b) / 10);
  }

  /** Earlier reused-and-closed failures to this peer at this one's age at last use. */
  List<PastReset> sameAgeSamePeer() {
    List<PastReset> out = new ArrayList<>();
    for (PastReset r : reusedSamePeer) {
      if (sameAge(endedAtAge(r), endedAtAge())) {
        out.add(r);
      }
    }
    return out;
  }

  /**
   * Earlier reused-and-closed failures to this peer on a request sent after exactly as many
   * exchanges as this one.
   */
  List<PastReset> sameCountSamePeer() {
    List<PastReset> out = new ArrayList<>();
    for (PastReset r : reusedSamePeer) {
      boolean request = r.writtenSinceRead() > 0 || r.operation() == Operation.WRITE;
      if (request && r.exchanges() == facts.exchanges()) {
        out.add(r);
      }
    }
    return out;
  }

  /** Every one of {@code others} failed within {@link #AT_ONCE_NANOS} of this reset: one moment. */
  static boolean allAtOnce(List<PastReset> others) {
    for (PastReset r : others) {
      if (Math.abs(r.agoNanos()) > AT_ONCE_NANOS) {
        return false;
      }
    }
    return true;
  }

  /**
   * Why the idle before the failing exchange does or does not explain it, appended to {@code why};
   * returns what the explanation adds to (or, when an idle limit explains it, takes from) a cause
   * that ends connections whatever their idle.
   */
  double idleAside(StringBuilder why) {
    if (facts.idleNanos() < t.idleMin) {
      why.append("; the connection was busy (").append(Durations.format(facts.idleNanos()))
          .append(" idle, below ").append(Durations.format(t.idleMin))
          .append("): no idle limit ended it");
      return 0.1;
    }
    if (idleContradicted()) {
      why.append("; a connection to it survived a longer idle (")
          .append(Durations.format(survivedIdle())).append("): idle did not end it");
      return 0.05;
    }
    why.append("; but it had sat idle ").append(Durations.format(facts.idleNanos()))
        .append(", long enough for an idle limit to explain it");
    return -0.35;
  }

  /** A one-line restatement of the facts, for evidence that has nothing sharper to say. */
  String factsLine() {
    return facts.kind().label() + " on " + facts.operation().label() + " after "
        + Durations.format(facts.idleNanos()) + " idle, " + facts.exchanges() + " exchanges, "
        + Sizes.format(facts.writtenSinceRead()) + " written since the last read";
  }
}
