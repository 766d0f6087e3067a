package io.resettracer.jmc;

import io.resettracer.jmc.RecordedResets.Incident;
import io.resettracer.jmc.RecordedResets.Reset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.openjdk.jmc.flightrecorder.rules.util.RulesToolkit;

/**
 * A recording's resets judged as a whole: how often they came, how many the agent could attribute
 * to a cause, which bursts it judged as incidents; a score from those, and per cause what
 * happened and what to change, with the recording's own numbers. Plain Java over the events'
 * records, so the scoring and the text are tested without a recording.
 */
final class ResetAnalysis {

  static final String UNKNOWN = "UNKNOWN";

  /** The least score of a recording with any reset at all: JMC's INFO. */
  static final double ANY_RESET_SCORE = 25;
  /** A burst the agent judged and attributed to a cause deserves a look however rare: WARNING. */
  static final double KNOWN_INCIDENT_SCORE = 75;
  /**
   * The share of the rate's score that resets of unknown cause keep: they are worth knowing
   * about, but nobody can act on them, so on their own they stay at INFO.
   */
  static final double UNKNOWN_WEIGHT = 0.5;
  /** The least span a rate is taken over, so that a recording of one instant divides by no zero. */
  static final long MIN_SPAN_NANOS = 1_000_000_000L;
  /**
   * How far a reset may lie outside an incident's span and still belong to it: the incident's
   * first-reset time comes from the wall clock, the reset event's time from JFR's ticks.
   */
  static final long INCIDENT_SLACK_NANOS = 1_000_000_000L;
  /** How many incidents back from a reset to look for its own, when they overlap. */
  private static final int INCIDENT_LOOKBACK = 16;
  static final int PEERS_NAMED = 3;
  static final int INCIDENTS_LISTED = 5;

  /** Reset rates, per minute, that score 25 (INFO) and 75 (WARNING). */
  record Thresholds(double infoPerMinute, double warningPerMinute) {}

  final long resets;
  final long spanNanos;
  final double perMinute;
  final long known;
  final double knownShare;
  final List<Incident> incidents;
  final long knownIncidents;
  final double score;
  final String summary;
  final String explanation;
  final String solution;

  ResetAnalysis(RecordedResets recorded, long recordingSpanNanos, Thresholds thresholds) {
    this.resets = recorded.resetCount;
    this.spanNanos = Math.max(0, recordingSpanNanos);
    this.perMinute = resets * 60e9 / Math.max(spanNanos, MIN_SPAN_NANOS);
    this.incidents = recorded.incidents;
    this.knownIncidents = incidents.stream().filter(i -> isKnown(i.verdict())).count();

    List<Incident> byFirstReset = new ArrayList<>(incidents);
    byFirstReset.sort(Comparator.comparingLong(ResetAnalysis::incidentStart));
    Map<String, Group> groups = new HashMap<>();
    int judgedLater = 0;
    Map<String, Incident> adopting = new HashMap<>();
    for (Reset r : recorded.resets) {
      String verdict = r.verdict().isEmpty() ? UNKNOWN : r.verdict();
      Incident incident = incidentOf(r, byFirstReset);
      // An incident is judged once the burst has settled, with what came after (connects
      // refused, the peer back): where it names a cause, it speaks for its resets.
      if (incident != null && isKnown(incident.verdict()) && !incident.verdict().equals(verdict)) {
        verdict = incident.verdict();
        judgedLater++;
        adopting.put(verdict, incident);
      }
      groups.computeIfAbsent(verdict, Group::new).add(r);
    }
    adopting.forEach((verdict, incident) -> groups.get(verdict).adoptedBy(incident));
    List<Group> ordered = new ArrayList<>(groups.values());
    ordered.sort(Comparator.comparingInt((Group g) -> -g.resets.size())
        .thenComparing(g -> g.verdict));
    long kept = recorded.resets.size();
    long knownKept = ordered.stream().filter(g -> isKnown(g.verdict))
        .mapToLong(g -> g.resets.size()).sum();
    this.knownShare = kept == 0 ? 0 : (double) knownKept / kept;
    this.known = Math.round(knownShare * resets);

    this.score = score(thresholds);
    this.summary = summary(ordered);
    this.explanation = explanation(ordered, judgedLater);
    this.solution = solution(ordered);
  }

  static boolean isKnown(String verdict) {
    return !verdict.isEmpty() && !verdict.equals(UNKNOWN);
  }

  private double score(Thresholds t) {
    if (resets == 0) {
      return 0;
    }
    double byRate = jmcScale(perMinute, t.infoPerMinute(), t.warningPerMinute());
    double s = byRate * (UNKNOWN_WEIGHT + (1 - UNKNOWN_WEIGHT) * knownShare);
    if (knownIncidents > 0) {
      s = Math.max(s, KNOWN_INCIDENT_SCORE);
    }
    // One decimal: the report prints the score, and 99.9999999 says no more than 100.0.
    return Math.round(Math.min(100, Math.max(ANY_RESET_SCORE, s)) * 10) / 10.0;
  }

  /**
   * JMC's usual mapping of a measure to a score: 25 at the info limit, 75 at the warning limit,
   * approaching 100 above it (RulesToolkit.mapExp100, which the rules API offers).
   */
  private static double jmcScale(double value, double info, double warning) {
    return RulesToolkit.mapExp100(value, info, warning);
  }

  // --- Text --------------------------------------------------------------------------------------

  private String summary(List<Group> groups) {
    StringBuilder s = new StringBuilder();
    s.append(Text.plural(resets, "connection reset", "connection resets")).append(" in ")
        .append(Text.duration(spanNanos)).append(" (").append(Text.rate(perMinute)).append("), ")
        .append(known).append(" of ").append(resets).append(" with a known cause; verdicts ")
        .append(groups.stream().map(g -> g.verdict + " ×" + g.resets.size())
            .collect(Collectors.joining(", ")));
    if (incidents.isEmpty()) {
      s.append("; no incident.");
    } else {
      s.append("; ").append(Text.plural(incidents.size(), "incident", "incidents")).append(": ")
          .append(incidents.stream().limit(INCIDENTS_LISTED)
              .map(i -> i.verdict() + " (" + Text.plural(i.resets(), "reset", "resets") + ")")
              .collect(Collectors.joining(", ")))
          .append(incidents.size() > INCIDENTS_LISTED ? ", …" : "").append('.');
    }
    return s.toString();
  }

  private String explanation(List<Group> groups, int judgedLater) {
    StringBuilder s = new StringBuilder();
    s.append("reset-tracer recorded ")
        .append(Text.plural(resets, "connection reset", "connection resets"))
        .append(" in ").append(Text.duration(spanNanos)).append(" of recording (")
        .append(Text.rate(perMinute)).append("), ").append(Text.percent(knownShare * 100))
        .append(" of them with a known cause, and ")
        .append(Text.plural(incidents.size(), "incident", "incidents")).append('.');
    for (Group g : groups) {
      s.append("<p>").append(g.headline()).append(": ").append(Causes.whatHappened(g)).append(' ');
      if (!g.quotedEvidence.isEmpty()) {
        s.append("Evidence: ").append(Text.safe(g.quotedEvidence)).append('.');
      }
    }
    if (!incidents.isEmpty()) {
      s.append("<p>Incidents, each judged once its burst had settled: ");
      s.append(incidents.stream().limit(INCIDENTS_LISTED).map(ResetAnalysis::describe)
          .collect(Collectors.joining("; ")));
      if (incidents.size() > INCIDENTS_LISTED) {
        s.append("; and ").append(incidents.size() - INCIDENTS_LISTED).append(" more");
      }
      s.append('.');
    }
    if (judgedLater > 0) {
      s.append("<p>").append(Text.plural(judgedLater, "reset", "resets"))
          .append(" judged otherwise at the moment of the reset ")
          .append(judgedLater == 1 ? "counts" : "count")
          .append(" under the incident's verdict, which also saw what came after.");
    }
    return s.toString();
  }

  private String solution(List<Group> groups) {
    StringBuilder s = new StringBuilder();
    for (Group g : groups) {
      if (s.length() > 0) {
        s.append("<p>");
      }
      s.append(g.verdict).append(": ").append(Causes.fix(g));
      if (!g.quotedRecommendation.isEmpty()) {
        s.append(" The agent recommends: ").append(Text.safe(g.quotedRecommendation));
        if (!g.quotedRecommendation.endsWith(".")) {
          s.append('.');
        }
      }
    }
    return s.toString();
  }

  private static String describe(Incident i) {
    StringBuilder s = new StringBuilder();
    s.append(i.verdict().isEmpty() ? UNKNOWN : i.verdict());
    if (i.confidence() >= 0) {
      s.append(" (").append(Text.percent(i.confidence())).append(')');
    }
    if (!i.evidence().isEmpty()) {
      s.append(", ").append(Text.safe(i.evidence()));
    } else {
      s.append(", ").append(Text.plural(i.resets(), "reset", "resets"));
    }
    return s.toString();
  }

  // --- Incidents ---------------------------------------------------------------------------------

  private static long incidentStart(Incident i) {
    return i.firstResetNanos() >= 0 ? i.firstResetNanos() : i.atNanos();
  }

  /**
   * The incident a reset belongs to: by id where both events carry one, otherwise the incident
   * whose span (with slack) holds the reset and whose peer list names its peer.
   */
  private static Incident incidentOf(Reset r, List<Incident> byStart) {
    int lo = 0;
    int hi = byStart.size();
    while (lo < hi) { // the first incident starting after the reset, with slack
      int mid = (lo + hi) >>> 1;
      if (incidentStart(byStart.get(mid)) - INCIDENT_SLACK_NANOS <= r.atNanos()) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    for (int k = lo - 1; k >= 0 && k >= lo - INCIDENT_LOOKBACK; k--) {
      Incident i = byStart.get(k);
      if (!r.incidentId().isEmpty() && !i.incidentId().isEmpty()) {
        if (r.incidentId().equals(i.incidentId())) {
          return i;
        }
        continue;
      }
      long end = incidentStart(i) + Math.max(0, i.spanNanos()) + INCIDENT_SLACK_NANOS;
      if (r.atNanos() <= end && (i.peerList().isEmpty() || listsPeer(i.peerList(), r.peer()))) {
        return i;
      }
    }
    return null;
  }

  /** Whether "10.0.0.1:80 ×3, 10.0.0.2:80 ×1" names the peer, as a whole entry. */
  static boolean listsPeer(String peerList, String peer) {
    int from = 0;
    while (true) {
      int at = peerList.indexOf(peer, from);
      if (at < 0) {
        return false;
      }
      int end = at + peer.length();
      boolean startsEntry = at == 0 || peerList.charAt(at - 1) == ' '
          || peerList.charAt(at - 1) == ',';
      boolean endsEntry = end == peerList.length() || peerList.charAt(end) == ' '
          || peerList.charAt(end) == ',';
      if (startsEntry && endsEntry) {
        return true;
      }
      from = at + 1;
    }
  }

  // --- One verdict's resets ----------------------------------------------------------------------

  /** The resets counted under one verdict, with the numbers its text needs. */
  static final class Group {
    final String verdict;
    final List<Reset> resets = new ArrayList<>();
    final Map<String, Integer> peers = new LinkedHashMap<>();
    final Set<String> hosts = new LinkedHashSet<>();
    long idleMin = Long.MAX_VALUE;
    long idleMax = -1;
    long inFlightMin = Long.MAX_VALUE;
    long inFlightMax = -1;
    long ageMin = Long.MAX_VALUE;
    long ageMax = -1;
    long nothingRead;
    double confidenceMin = Double.MAX_VALUE;
    double confidenceMax = -1;
    long firstAt = Long.MAX_VALUE;
    long lastAt = Long.MIN_VALUE;
    final Map<String, Integer> failures = new LinkedHashMap<>();
    /** The evidence and recommendation the text quotes: see {@link #add}. */
    String quotedEvidence = "";
    String quotedRecommendation = "";
    private double quotedConfidence = -1;

    Group(String verdict) {
      this.verdict = verdict;
    }

    void add(Reset r) {
      resets.add(r);
      peers.merge(r.peer(), 1, Integer::sum);
      if (!r.remoteAddress().isEmpty()) {
        hosts.add(r.remoteAddress());
      }
      if (r.idleNanos() >= 0) {
        idleMin = Math.min(idleMin, r.idleNanos());
        idleMax = Math.max(idleMax, r.idleNanos());
      }
      if (r.writtenSinceRead() >= 0) {
        inFlightMin = Math.min(inFlightMin, r.writtenSinceRead());
        inFlightMax = Math.max(inFlightMax, r.writtenSinceRead());
      }
      if (r.ageNanos() >= 0) {
        ageMin = Math.min(ageMin, r.ageNanos());
      }
      ageMax = Math.max(ageMax, r.ageNanos());
      if (r.bytesRead() == 0) {
        nothingRead++;
      }
      firstAt = Math.min(firstAt, r.atNanos());
      lastAt = Math.max(lastAt, r.atNanos());
      if (!r.operation().isEmpty() || !r.failure().isEmpty()) {
        failures.merge(r.failure() + " on " + r.operation(), 1, Integer::sum);
      }
      // Confidence, evidence and recommendation only from resets judged this verdict themselves
      // (not those counted here for their incident). The text quotes the surest of them, and of
      // equally sure ones the latest: the agent learns each peer's limits as resets come.
      if ((r.verdict().isEmpty() ? UNKNOWN : r.verdict()).equals(verdict)) {
        if (r.confidence() >= 0) {
          confidenceMin = Math.min(confidenceMin, r.confidence());
          confidenceMax = Math.max(confidenceMax, r.confidence());
        }
        if (r.confidence() >= quotedConfidence) {
          quotedConfidence = r.confidence();
          if (!r.evidence().isEmpty()) {
            quotedEvidence = r.evidence();
          }
          if (!r.recommendation().isEmpty()) {
            quotedRecommendation = r.recommendation();
          }
        }
      }
    }

    /** Resets counted here for their incident's verdict: the incident speaks for them. */
    void adoptedBy(Incident incident) {
      if (confidenceMax < 0 && incident.confidence() >= 0) {
        confidenceMin = incident.confidence();
        confidenceMax = incident.confidence();
      }
      if (quotedEvidence.isEmpty()) {
        quotedEvidence = incident.evidence();
      }
      if (quotedRecommendation.isEmpty()) {
        quotedRecommendation = incident.recommendation();
      }
    }

    int count() {
      return resets.size();
    }

    boolean hasIdle() {
      return idleMax >= 0;
    }

    boolean hasInFlight() {
      return inFlightMax >= 0;
    }

    /** From the first reset to the last. */
    long spanNanos() {
      return count() == 0 ? 0 : Math.max(0, lastAt - firstAt);
    }

    String headline() {
      StringBuilder s = new StringBuilder(verdict).append(" ×").append(count());
      s.append(" (").append(Text.plural(peers.size(), "peer", "peers"));
      if (confidenceMax >= 0) {
        s.append(", confidence ").append(Text.percent(confidenceMin, confidenceMax));
      }
      return s.append(')').toString();
    }

    /** "10.0.0.1:80 ×3, 10.0.0.2:80 and 2 more": the most affected first. */
    String peerNames() {
      return named(peers, true);
    }

    /** The same without the counts, for the text of a fix. */
    String peerList() {
      return named(peers, false);
    }

    /** "10.0.0.1, 10.0.0.2 and 1 more". */
    String hostList() {
      Map<String, Integer> each = new LinkedHashMap<>();
      hosts.forEach(h -> each.put(h, 1));
      return named(each, false);
    }

    private static String named(Map<String, Integer> counts, boolean withCounts) {
      List<Map.Entry<String, Integer>> top = new ArrayList<>(counts.entrySet());
      top.sort((a, b) -> b.getValue() - a.getValue());
      String named = top.stream().limit(PEERS_NAMED)
          .map(e -> Text.safe(e.getKey()) + (withCounts && counts.size() > 1 && e.getValue() > 1
              ? " ×" + e.getValue() : ""))
          .collect(Collectors.joining(", "));
      return top.size() > PEERS_NAMED ? named + " and " + (top.size() - PEERS_NAMED) + " more"
          : named;
    }

    /** "reset on read ×3, broken-pipe on write ×1". */
    String failureShapes() {
      return failures.entrySet().stream()
          .map(e -> Text.safe(e.getKey()) + (failures.size() > 1 ? " ×" + e.getValue() : ""))
          .collect(Collectors.joining(", "));
    }
  }
}
