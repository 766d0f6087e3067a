package io.resettracer.classify;

import io.resettracer.model.BurstContext;
import io.resettracer.model.Durations;
import io.resettracer.model.ResetFacts;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Groups resets that follow each other within the burst window into one burst, and once the burst
 * has been quiet for the settle window, judges it as a whole: an operator should read one incident,
 * not fifty rows. The judgement can use what only came after the resets (connects refused, or the
 * peer back), which the per-reset verdicts, made at the moment, could not.
 *
 * <p>Plain Java driven by the caller's clock; bounded (a burst keeps at most {@link #MAX_MEMBERS}
 * resets in detail and counts the rest).
 */
public final class IncidentCorrelator {

  /** What happened to a peer after a burst; answered by the tracker's peer registry. */
  public interface FollowUp {
    int refusedSince(String address, int port, long sinceNanos);

    long connects(String address, int port);
  }

  static final int MAX_MEMBERS = 256;
  private static final int LISTED_PEERS = 8;

  private final Thresholds t;
  private final long settleNanos;
  private long lastId; // guarded by this
  private Burst open; // guarded by this

  public IncidentCorrelator(Thresholds t, long settleNanos) {
    this.t = t;
    this.settleNanos = settleNanos;
  }

  /** Adds a reset as it happens, with the verdict it was given then. */
  public synchronized void add(ResetFacts f, Classification c, long connectsBefore, long nowNanos) {
    long burst = add(f, connectsBefore, nowNanos);
    classified(burst, c);
  }

  /**
   * True when a reset at {@code atNanos} would start a new burst: the open one (if any) is then
   * complete, and is to be settled before the reset is added, never replaced unjudged.
   */
  public synchronized boolean startsNewBurst(long atNanos) {
    return open == null || atNanos - open.lastNanos > t.burstWindow;
  }

  /**
   * Adds a reset as it happens, before its verdict is known.
   *
   * @return the id of the burst it belongs to, which its incident will carry
   */
  public synchronized long add(ResetFacts f, long connectsBefore, long atNanos) {
    if (open == null || atNanos - open.lastNanos > t.burstWindow) {
      open = new Burst(++lastId, atNanos, f.epochMillis());
    }
    open.add(f, connectsBefore, atNanos);
    return open.id;
  }

  /**
   * The burst's picture as a reset in it is judged: its resets and hosts so far, the ports of the
   * reset's host among them, and the connects to that host refused or made since the burst began.
   * {@link BurstContext#UNKNOWN} once the burst has been settled.
   */
  public synchronized BurstContext context(long burstId, String address, FollowUp followUp) {
    Burst b = open;
    if (b == null || b.id != burstId) {
      return BurstContext.UNKNOWN;
    }
    int ports = 0;
    int refused = 0;
    long connected = 0;
    for (PeerCount p : b.byPeer.values()) {
      if (p.address.equals(address)) {
        ports++;
        refused += followUp.refusedSince(p.address, p.port, b.firstNanos);
        connected += Math.max(0, followUp.connects(p.address, p.port) - p.connectsBefore);
      }
    }
    return new BurstContext(b.resets, b.hosts.size(), ports, refused,
        (int) Math.min(Integer.MAX_VALUE, connected), false);
  }

  /** The verdict of a reset added earlier, once it is judged; ignored if its burst has settled. */
  public synchronized void classified(long burstId, Classification c) {
    if (open != null && open.id == burstId) {
      open.classified(c);
    }
  }

  /** True while a burst is open, settled or not yet. */
  public synchronized boolean hasOpenBurst() {
    return open != null;
  }

  /**
   * The burst, if it has been quiet for the settle window (or {@code force}), judged; null if there
   * is none or it was a lone reset (its own event says all).
   */
  public Incident settle(long nowNanos, FollowUp followUp, boolean force) {
    Burst b;
    synchronized (this) {
      if (open == null || (!force && nowNanos - open.lastNanos < settleNanos)) {
        return null;
      }
      b = open;
      open = null;
    }
    return b.resets < 2 ? null : judge(b, followUp);
  }

  private Incident judge(Burst b, FollowUp followUp) {
    int refused = 0;
    long newConnects = 0;
    for (Map.Entry<String, PeerCount> e : b.byPeer.entrySet()) {
      PeerCount p = e.getValue();
      refused += followUp.refusedSince(p.address, p.port, b.firstNanos);
      newConnects += Math.max(0, followUp.connects(p.address, p.port) - p.connectsBefore);
    }
    Verdict majority = null;
    int majorityCount = 0;
    for (Map.Entry<Verdict, Integer> e : b.verdicts.entrySet()) {
      if (e.getKey() != Verdict.UNKNOWN && e.getValue() > majorityCount) {
        majority = e.getKey();
        majorityCount = e.getValue();
      }
    }
    String who = b.resets + " resets of " + count(b.byPeer.size(), "peer") + " on "
        + count(b.hosts.size(), "host") + " within " + Durations.format(b.lastNanos - b.firstNanos);
    String after = "; afterwards " + count(refused, "connect") + " refused, "
        + count(newConnects, "new connection") + " made";
    Verdict v;
    float confidence;
    String why;
    String rec;
    if (b.hosts.size() >= t.deviceHosts) {
      v = Verdict.NETWORK_DEVICE;
      confidence = newConnects > 0 ? 0.85f : 0.75f;
      why = who + ": many hosts cut at once point at a device in the path, not at any one peer"
          + after;
      rec = "a firewall, NAT or load balancer in front of " + peerNames(b) + " cut its flows at "
          + "once: check its state table, session limits and logs at that moment";
    } else if (b.hosts.size() == 1 && refused > 0) {
      // Grouped by host, not by port: a host that goes down takes its services down together. The
      // connections may well have sat idle in a pool before the request that failed; the refusals
      // that follow are what an idle sweep never causes.
      v = Verdict.PEER_CRASH;
      confidence = 0.85f;
      why = who + ": " + (b.byPeer.size() == 1 ? "one peer's" : "one host's") + " connections cut"
          + " together, then connects to it refused: its process died or restarted" + after;
      rec = "find why " + peerNames(b) + " went away (its logs, OOM kills, restarts, deploys); drain"
          + " connections on shutdown; retry idempotent requests with back-off";
    } else if (majority != null && majorityCount * 2 >= b.resets) {
      v = majority;
      confidence = (float) (b.confidenceSum.getOrDefault(majority, 0.0) / majorityCount);
      why = who + ": " + majorityCount + " of them judged " + majority + " when they happened"
          + after;
      rec = b.recommendations.get(majority);
    } else {
      v = Verdict.UNKNOWN;
      confidence = 0f;
      why = who + ": no cause holds for most of them (" + verdictList(b.verdicts) + ")" + after;
      rec = "look at the individual resets' evidence";
    }
    return new Incident(
        b.id, v, confidence, b.resets, b.byPeer.size(), b.hosts.size(), peerList(b), b.firstEpochMillis,
        b.lastNanos - b.firstNanos, new EnumMap<>(b.verdicts), why + "; per reset: "
            + verdictList(b.verdicts), rec);
  }

  private static String count(long n, String thing) {
    return n + " " + thing + (n == 1 ? "" : "s");
  }

  private static String peerList(Burst b) {
    String list = b.byPeer.entrySet().stream()
        .sorted((x, y) -> Integer.compare(y.getValue().resets, x.getValue().resets))
        .limit(LISTED_PEERS)
        .map(e -> e.getKey() + (e.getValue().resets > 1 ? " ×" + e.getValue().resets : ""))
        .collect(Collectors.joining(", "));
    return b.byPeer.size() > LISTED_PEERS ? list + ", …" : list;
  }

  /** The peers by name only, for a recommendation. */
  private static String peerNames(Burst b) {
    String names = b.byPeer.keySet().stream().limit(LISTED_PEERS).collect(Collectors.joining(", "));
    return b.byPeer.size() > LISTED_PEERS ? names + ", …" : names;
  }

  private static String verdictList(Map<Verdict, Integer> verdicts) {
    return verdicts.entrySet().stream()
        .map(e -> e.getKey() + " ×" + e.getValue())
        .collect(Collectors.joining(", "));
  }

  private static final class PeerCount {
    final String address;
    final int port;
    final long connectsBefore;
    int resets;

    PeerCount(String address, int port, long connectsBefore) {
      this.address = address;
      this.port = port;
      this.connectsBefore = connectsBefore;
    }
  }

  private final class Burst {
    final long id;
    final long firstNanos;
    final long firstEpochMillis;
    long lastNanos;
    int resets;
    final Map<String, PeerCount> byPeer = new LinkedHashMap<>();
    final Set<String> hosts = new LinkedHashSet<>();
    final Map<Verdict, Integer> verdicts = new EnumMap<>(Verdict.class);
    final Map<Verdict, Double> confidenceSum = new EnumMap<>(Verdict.class);
    final Map<Verdict, String> recommendations = new EnumMap<>(Verdict.class);

    Burst(long id, long firstNanos, long firstEpochMillis) {
      this.id = id;
      this.firstNanos = firstNanos;
      this.firstEpochMillis = firstEpochMillis;
      this.lastNanos = firstNanos;
    }

    void classified(Classification c) {
      verdicts.merge(c.verdict(), 1, Integer::sum);
      confidenceSum.merge(c.verdict(), (double) c.confidence(), Double::sum);
      recommendations.putIfAbsent(c.verdict(), c.recommendation());
    }

    void add(ResetFacts f, long connectsBefore, long nowNanos) {
      lastNanos = nowNanos;
      resets++;
      if (byPeer.size() < MAX_MEMBERS || byPeer.containsKey(f.peer())) {
        byPeer.computeIfAbsent(
            f.peer(), k -> new PeerCount(f.remoteAddress(), f.remotePort(), connectsBefore)).resets++;
      }
      if (hosts.size() < MAX_MEMBERS && !f.remoteAddress().isEmpty()) {
        hosts.add(f.remoteAddress());
      }
    }
  }
}
