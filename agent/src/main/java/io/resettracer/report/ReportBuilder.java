package io.resettracer.report;

import io.resettracer.classify.TimeoutCatalog;
import io.resettracer.classify.Verdict;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Aggregates resets and incidents one at a time into a {@link Report}, in memory bounded by the
 * caps below whatever the recording's size: a recording of millions of resets costs the same as
 * one of thousands.
 */
public final class ReportBuilder {

  /** Peers followed in detail; the resets of later ones are only counted. */
  public static final int MAX_PEERS = 200;
  /** Distinct peers counted. */
  public static final int MAX_DISTINCT_PEERS = 100_000;
  /** Idle times kept per peer, a uniform sample of its resets. */
  public static final int IDLE_SAMPLES = 300;
  public static final int MAX_INCIDENTS = 1_000;
  public static final int MAX_CALL_SITES = 200;
  /** Frames that make a call site: deeper ones rarely tell two failing paths apart. */
  public static final int CALL_SITE_FRAMES = 8;
  /** At most this many timeline bins; the bin width doubles to stay within. */
  static final int MAX_BINS = 160;

  private static final Set<String> IDLE_VERDICTS =
      Set.of(Verdict.IDLE_TIMEOUT.name(), Verdict.KEEPALIVE_MISMATCH.name());
  /** The catalogue's tolerance: an idle up to 10 % above a known limit matches it. */
  private static final long CATALOGUE_TOLERANCE_PER_MILLE = 100;
  /** "set the pool's max idle to ≤ 1.9 s", "≤ 340 s", "≤ 900 ms". */
  private static final Pattern MAX_IDLE_SETTING =
      Pattern.compile("max idle[^≤]{0,40}≤ ([0-9]+(?:\\.[0-9]+)?) (ms|s|min)\\b");

  private final List<String> sources = new ArrayList<>();
  private long resets;
  private long incidentCount;
  private long first = Long.MAX_VALUE;
  private long last = Long.MIN_VALUE;
  private final Map<String, long[]> verdictCounts = new HashMap<>();
  private final Set<String> distinctPeers = new HashSet<>();
  private final Map<String, PeerAcc> peers = new HashMap<>();
  private long resetsOfOtherPeers;
  private final List<IncidentRecord> incidents = new ArrayList<>();
  private final Map<List<String>, SiteAcc> sites = new HashMap<>();
  private long resetsAtOtherSites;
  private final TimelineAcc timeline = new TimelineAcc();

  /** Notes a recording read, as it will be named in the report. */
  public void source(String name) {
    sources.add(name);
  }

  public void add(ResetRecord r) {
    resets++;
    span(r.epochMillis(), r.epochMillis());
    verdictCounts.computeIfAbsent(r.verdict(), v -> new long[2])[0]++;
    timeline.add(r.epochMillis(), r.verdict());
    if (distinctPeers.size() < MAX_DISTINCT_PEERS) {
      distinctPeers.add(r.peer());
    }
    PeerAcc p = peers.get(r.peer());
    if (p == null && peers.size() < MAX_PEERS) {
      p = new PeerAcc(r.peer());
      peers.put(r.peer(), p);
    }
    if (p != null) {
      p.add(r);
    } else {
      resetsOfOtherPeers++;
    }
    List<String> key = r.stack().size() > CALL_SITE_FRAMES
        ? List.copyOf(r.stack().subList(0, CALL_SITE_FRAMES)) : r.stack();
    SiteAcc s = sites.get(key);
    if (s == null && sites.size() < MAX_CALL_SITES) {
      s = new SiteAcc(key);
      sites.put(key, s);
    }
    if (s != null) {
      s.add(r);
    } else {
      resetsAtOtherSites++;
    }
  }

  public void add(IncidentRecord i) {
    incidentCount++;
    if (i.firstResetMillis() >= 0) {
      span(i.firstResetMillis(), i.lastResetMillis());
    }
    verdictCounts.computeIfAbsent(i.verdict(), v -> new long[2])[1]++;
    if (incidents.size() < MAX_INCIDENTS) {
      incidents.add(i);
    }
  }

  private void span(long from, long to) {
    if (from > 0) {
      first = Math.min(first, from);
      last = Math.max(last, to);
    }
  }

  public Report build() {
    List<Report.VerdictCount> verdicts = new ArrayList<>();
    for (String v : verdictOrder(verdictCounts.keySet())) {
      long[] c = verdictCounts.get(v);
      verdicts.add(new Report.VerdictCount(v, c[0], c[1]));
    }
    List<Report.Peer> peerList = new ArrayList<>();
    for (PeerAcc p : peers.values()) {
      peerList.add(p.build());
    }
    peerList.sort(Comparator.comparingLong(Report.Peer::resets).reversed()
        .thenComparing(Report.Peer::peer));
    List<IncidentRecord> incidentList = new ArrayList<>(incidents);
    incidentList.sort(Comparator.comparingLong(IncidentRecord::firstResetMillis)
        .thenComparingLong(IncidentRecord::id));
    List<Report.CallSite> siteList = new ArrayList<>();
    for (SiteAcc s : sites.values()) {
      siteList.add(s.build());
    }
    siteList.sort(Comparator.comparingLong(Report.CallSite::resets).reversed()
        .thenComparing(s -> String.join("\n", s.frames())));
    boolean any = first != Long.MAX_VALUE;
    return new Report(List.copyOf(sources), resets, incidentCount, any ? first : -1,
        any ? last : -1, List.copyOf(verdicts), distinctPeers.size(),
        distinctPeers.size() >= MAX_DISTINCT_PEERS, timeline.build(), List.copyOf(peerList),
        resetsOfOtherPeers, List.copyOf(incidentList), List.copyOf(siteList), resetsAtOtherSites);
  }

  /** The catalogue's verdicts in their order, then any this version does not know, by name. */
  static List<String> verdictOrder(Set<String> seen) {
    List<String> out = new ArrayList<>();
    for (Verdict v : Verdict.values()) {
      if (seen.contains(v.name())) {
        out.add(v.name());
      }
    }
    List<String> unknown = new ArrayList<>();
    for (String v : seen) {
      if (!out.contains(v)) {
        unknown.add(v);
      }
    }
    Collections.sort(unknown);
    out.addAll(unknown);
    return out;
  }

  /** "1.9 s" → nanoseconds; -1 when the recommendation names no max-idle setting. */
  static long maxIdleSetting(String recommendation) {
    Matcher m = MAX_IDLE_SETTING.matcher(recommendation);
    if (!m.find()) {
      return -1;
    }
    double value = Double.parseDouble(m.group(1));
    double unit = switch (m.group(2)) {
      case "ms" -> 1e6;
      case "min" -> 60e9;
      default -> 1e9;
    };
    return Math.round(value * unit);
  }

  private static Map<String, Long> ordered(Map<String, long[]> counts) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String v : verdictOrder(counts.keySet())) {
      out.put(v, counts.get(v)[0]);
    }
    return out;
  }

  private static String most(Map<String, long[]> counts) {
    String best = Verdict.UNKNOWN.name();
    long n = -1;
    for (String v : verdictOrder(counts.keySet())) {
      if (counts.get(v)[0] > n) {
        n = counts.get(v)[0];
        best = v;
      }
    }
    return best;
  }

  /** As the rules read the catalogue: a middlebox's limit for an idle timeout, a server's for a
   * keep-alive mismatch. */
  private static boolean fits(TimeoutCatalog.Hop hop, String verdict) {
    if (verdict.equals(Verdict.IDLE_TIMEOUT.name())) {
      return hop == TimeoutCatalog.Hop.MIDDLEBOX;
    }
    if (verdict.equals(Verdict.KEEPALIVE_MISMATCH.name())) {
      return hop == TimeoutCatalog.Hop.SERVER;
    }
    return true;
  }

  private static final class PeerAcc {
    final String peer;
    long resets;
    final Map<String, long[]> verdicts = new HashMap<>();
    final Map<String, String> recommendations = new HashMap<>();
    final long[] samples = new long[IDLE_SAMPLES];
    final String[] sampleVerdicts = new String[IDLE_SAMPLES];
    /** Seeded by the peer, so that the same recording always draws the same picture. */
    final Random random;
    long minIdle = Long.MAX_VALUE;
    long maxIdle = -1;
    long limit = Long.MAX_VALUE;
    long survived = -1;

    PeerAcc(String peer) {
      this.peer = peer;
      this.random = new Random(peer.hashCode());
    }

    void add(ResetRecord r) {
      resets++;
      verdicts.computeIfAbsent(r.verdict(), v -> new long[1])[0]++;
      if (!r.recommendation().isEmpty()) {
        recommendations.put(r.verdict(), r.recommendation());
      }
      survived = Math.max(survived, r.survivedIdleNanos());
      long idle = r.idleNanos();
      if (idle < 0) {
        return;
      }
      minIdle = Math.min(minIdle, idle);
      maxIdle = Math.max(maxIdle, idle);
      if (IDLE_VERDICTS.contains(r.verdict())) {
        limit = Math.min(limit, idle);
      }
      // Reservoir sampling: every reset has the same chance to be drawn, in one pass.
      long seen = resets;
      if (seen <= IDLE_SAMPLES) {
        samples[(int) seen - 1] = idle;
        sampleVerdicts[(int) seen - 1] = r.verdict();
      } else {
        long j = (long) (random.nextDouble() * seen);
        if (j < IDLE_SAMPLES) {
          samples[(int) j] = idle;
          sampleVerdicts[(int) j] = r.verdict();
        }
      }
    }

    Report.Peer build() {
      int n = 0;
      for (String v : sampleVerdicts) {
        if (v != null) {
          n++;
        }
      }
      long[] idles = new long[n];
      String[] vs = new String[n];
      int k = 0;
      for (int i = 0; i < IDLE_SAMPLES && k < n; i++) {
        if (sampleVerdicts[i] != null) {
          idles[k] = samples[i];
          vs[k++] = sampleVerdicts[i];
        }
      }
      String verdict = most(verdicts);
      String rec = recommendations.getOrDefault(verdict, "");
      long learnt = limit == Long.MAX_VALUE ? -1 : limit;
      List<String> catalogue = new ArrayList<>();
      long catalogueNanos = -1;
      if (learnt > 0) {
        for (TimeoutCatalog.Entry e :
            TimeoutCatalog.matching(learnt, CATALOGUE_TOLERANCE_PER_MILLE)) {
          if (fits(e.hop(), verdict)) {
            catalogue.add(String.format(Locale.ROOT, "%s (%d s)", e.name(), e.seconds()));
            catalogueNanos = catalogueNanos < 0 ? e.seconds() * 1_000_000_000L : catalogueNanos;
          }
        }
      }
      return new Report.Peer(peer, resets, ordered(verdicts), idles, vs,
          minIdle == Long.MAX_VALUE ? -1 : minIdle, maxIdle, learnt, survived,
          maxIdleSetting(rec), List.copyOf(catalogue), catalogueNanos, verdict, rec);
    }
  }

  private static final class SiteAcc {
    static final int KEPT = 4;
    final List<String> frames;
    long resets;
    final Map<String, long[]> verdicts = new HashMap<>();
    final Set<String> operations = new java.util.TreeSet<>();
    String exception = "";
    final List<String> peers = new ArrayList<>();
    final List<String> threads = new ArrayList<>();

    SiteAcc(List<String> frames) {
      this.frames = frames;
    }

    void add(ResetRecord r) {
      resets++;
      verdicts.computeIfAbsent(r.verdict(), v -> new long[1])[0]++;
      if (!r.operation().isEmpty() && operations.size() < KEPT) {
        operations.add(r.operation());
      }
      if (!r.exceptionClass().isEmpty()) {
        exception = r.exceptionMessage().isEmpty()
            ? r.exceptionClass() : r.exceptionClass() + ": " + r.exceptionMessage();
      }
      recent(peers, r.peer());
      if (!r.thread().isEmpty()) {
        recent(threads, r.thread());
      }
    }

    private static void recent(List<String> list, String value) {
      list.remove(value);
      list.add(0, value);
      if (list.size() > KEPT) {
        list.remove(KEPT);
      }
    }

    Report.CallSite build() {
      return new Report.CallSite(frames, resets, ordered(verdicts), List.copyOf(operations),
          exception, List.copyOf(peers), List.copyOf(threads));
    }
  }

  /**
   * Counts per time bin and verdict. Bins are aligned to multiples of their width, a power of two
   * milliseconds, so that doubling the width merges neighbours exactly, whatever order the events
   * come in (several recordings, several chunks).
   */
  private static final class TimelineAcc {
    long width = 1;
    final TreeMap<Long, Map<String, long[]>> bins = new TreeMap<>();

    void add(long millis, String verdict) {
      if (millis <= 0) {
        return;
      }
      long index = Math.floorDiv(millis, width);
      while (!bins.isEmpty()
          && Math.max(index, bins.lastKey()) - Math.min(index, bins.firstKey()) >= MAX_BINS) {
        widen();
        index = Math.floorDiv(millis, width);
      }
      bins.computeIfAbsent(index, i -> new HashMap<>())
          .computeIfAbsent(verdict, v -> new long[1])[0]++;
    }

    private void widen() {
      width *= 2;
      TreeMap<Long, Map<String, long[]>> merged = new TreeMap<>();
      for (Map.Entry<Long, Map<String, long[]>> bin : bins.entrySet()) {
        Map<String, long[]> into =
            merged.computeIfAbsent(Math.floorDiv(bin.getKey(), 2L), i -> new HashMap<>());
        for (Map.Entry<String, long[]> c : bin.getValue().entrySet()) {
          into.computeIfAbsent(c.getKey(), v -> new long[1])[0] += c.getValue()[0];
        }
      }
      bins.clear();
      bins.putAll(merged);
    }

    Report.Timeline build() {
      if (bins.isEmpty()) {
        return new Report.Timeline(-1, width, List.of(), new long[0][]);
      }
      Set<String> seen = new HashSet<>();
      for (Map<String, long[]> bin : bins.values()) {
        seen.addAll(bin.keySet());
      }
      List<String> verdicts = verdictOrder(seen);
      long from = bins.firstKey();
      int n = (int) (bins.lastKey() - from + 1);
      long[][] counts = new long[n][verdicts.size()];
      for (Map.Entry<Long, Map<String, long[]>> bin : bins.entrySet()) {
        long[] row = counts[(int) (bin.getKey() - from)];
        for (Map.Entry<String, long[]> c : bin.getValue().entrySet()) {
          row[verdicts.indexOf(c.getKey())] = c.getValue()[0];
        }
      }
      return new Report.Timeline(from * width, width, List.copyOf(verdicts), counts);
    }
  }
}
