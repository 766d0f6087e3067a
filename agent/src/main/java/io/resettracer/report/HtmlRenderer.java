package io.resettracer.report;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The report as one HTML file that needs nothing else: inline CSS and SVG, no script, no font or
 * image fetched from anywhere, so it opens the same offline, attached to a ticket or in a mail.
 */
public final class HtmlRenderer {

  /** Peers drawn one by one; the JSON format lists every peer followed. */
  static final int PEERS_SHOWN = 12;
  static final int INCIDENTS_SHOWN = 50;
  static final int CALL_SITES_SHOWN = 20;

  private static final int WIDTH = 1080;
  /** Rows of incident spans above the timeline. */
  private static final int MAX_LANES = 3;
  private static final String FONT =
      "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', Arial, sans-serif";

  private static final Pattern MEMBER_VERDICT =
      Pattern.compile("\\b([A-Z][A-Z_]+[A-Z])\\s*(?:=|×)\\s*([0-9]{1,9})\\b");

  private final ZoneId zone;
  private final StringBuilder h = new StringBuilder(64 * 1024);

  private HtmlRenderer(ZoneId zone) {
    this.zone = zone;
  }

  public static String render(Report r, String version, ZoneId zone) {
    return new HtmlRenderer(zone).page(r, version);
  }

  private String page(Report r, String version) {
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>Connection resets: reset-tracer report</title>\n<style>\n")
        .append(CSS).append("</style>\n</head>\n<body>\n<main>\n");
    h.append("<header><h1>Connection resets</h1><p class=\"sub\">")
        .append(esc(Units.span(r, zone))).append(" · from ")
        .append(esc(String.join(", ", r.sources()))).append(" · reset-tracer ")
        .append(esc(version)).append("</p></header>\n");
    headline(r);
    if (r.resets() == 0 && r.incidentCount() == 0) {
      h.append("<p class=\"empty\">No reset-tracer events in these recordings. Was the agent "
          + "loaded (<code>-javaagent:reset-tracer.jar</code> or <code>attach</code>) and were "
          + "the events <code>resettracer.ConnectionReset</code> and "
          + "<code>resettracer.ResetIncident</code> enabled in the recording?</p>\n");
    } else {
      timeline(r);
      peers(r);
      incidents(r);
      callSites(r);
    }
    h.append("</main>\n</body>\n</html>\n");
    return h.toString();
  }

  // --- Headline --------------------------------------------------------------------------------

  private void headline(Report r) {
    h.append("<section class=\"cards\">\n");
    card(Long.toString(r.resets()), r.resets() == 1 ? "reset" : "resets", "connections aborted");
    card(Long.toString(r.incidentCount()), r.incidentCount() == 1 ? "incident" : "incidents",
        "bursts judged together");
    card((r.peerCountCapped() ? "≥ " : "") + r.peerCount(), r.peerCount() == 1 ? "peer" : "peers",
        "addresses and ports reset");
    card(r.firstMillis() < 0
            ? "–" : Units.duration((r.lastMillis() - r.firstMillis()) * 1_000_000),
        "span",
        Units.dateTime(r.firstMillis(), zone) + " " + Units.zoneName(r.firstMillis(), zone));
    h.append("</section>\n");
    if (r.verdicts().isEmpty()) {
      return;
    }
    long most = 1;
    for (Report.VerdictCount v : r.verdicts()) {
      most = Math.max(most, Math.max(v.resets(), v.incidents()));
    }
    h.append("<section><h2>Verdicts</h2>\n<table class=\"verdicts\">\n<thead><tr><th>Verdict</th>"
        + "<th class=\"num\">Resets</th><th class=\"bar\"></th><th class=\"num\">Incidents</th>"
        + "<th>What it means</th></tr></thead>\n<tbody>\n");
    for (Report.VerdictCount v : r.verdicts()) {
      h.append("<tr><td>").append(chip(v.verdict())).append("</td><td class=\"num\">")
          .append(v.resets()).append("</td><td class=\"bar\"><svg width=\"240\" height=\"14\" "
              + "role=\"img\" aria-label=\"").append(v.resets()).append(" resets\">")
          .append(rect(0, 1, Math.max(v.resets() > 0 ? 2 : 0, 240.0 * v.resets() / most), 12,
              Verdicts.colour(v.verdict()), ""))
          .append("</svg></td><td class=\"num\">").append(v.incidents())
          .append("</td><td class=\"meaning\">")
          .append(esc(Verdicts.meaning(v.verdict()))).append("</td></tr>\n");
    }
    h.append("</tbody></table></section>\n");
  }

  private void card(String value, String unit, String note) {
    h.append("<div class=\"card\"><div class=\"value\">").append(esc(value))
        .append(" <span class=\"unit\">").append(esc(unit))
        .append("</span></div><div class=\"note\">")
        .append(esc(note)).append("</div></div>\n");
  }

  // --- Timeline --------------------------------------------------------------------------------

  private void timeline(Report r) {
    Report.Timeline t = r.timeline();
    if (r.firstMillis() < 0) {
      return;
    }
    long from = r.firstMillis();
    long to = Math.max(r.lastMillis(), from + 1_000);
    long pad = Math.max(1, (to - from) / 40);
    from -= pad;
    to += pad;
    double left = 56;
    double right = WIDTH - 16;
    double scale = (right - left) / (to - from);
    List<IncidentRecord> shown = r.incidents().stream()
        .filter(i -> i.firstResetMillis() > 0).toList();
    int lanes = laneCount(shown, from, left, right, scale);
    double laneHeight = 22;
    double incidentsTop = 28;
    double barsTop = incidentsTop + lanes * laneHeight + (lanes > 0 ? 14 : 0);
    double barsHeight = 130;
    double barsBottom = barsTop + barsHeight;
    double height = barsBottom + 40;

    h.append("<section><h2>Timeline</h2><p class=\"hint\">Resets per ")
        .append(esc(Units.duration(t.binMillis() * 1_000_000)))
        .append(", coloured by the verdict made when each happened")
        .append(shown.isEmpty()
            ? "" : "; incidents above, spanning their burst's first to last reset")
        .append(".</p>\n<svg class=\"chart\" viewBox=\"0 0 ").append(WIDTH).append(' ')
        .append(num(height)).append("\" width=\"").append(WIDTH).append("\" height=\"")
        .append(num(height)).append("\" role=\"img\" aria-label=\"resets over time\">\n");

    long most = 1;
    for (long[] bin : t.counts()) {
      long sum = 0;
      for (long c : bin) {
        sum += c;
      }
      most = Math.max(most, sum);
    }
    // Horizontal grid and the count axis.
    most = niceCount(most);
    countAxis(left, right, barsBottom, barsHeight, most);
    h.append(text(14, barsTop + barsHeight / 2, "middle", "axis",
        "resets", "transform=\"rotate(-90 14 " + num(barsTop + barsHeight / 2) + ")\""));
    // Time ticks.
    long step = niceTimeStep(to - from);
    long firstTick = Math.floorDiv(from, step) * step + step;
    boolean showDate = !Units.dateTime(from, zone).substring(0, 10)
        .equals(Units.dateTime(to, zone).substring(0, 10));
    for (long tick = firstTick; tick < to; tick += step) {
      double x = left + (tick - from) * scale;
      h.append(line(x, barsTop, x, barsBottom, "#f0f0f0", 1, ""));
      h.append(line(x, barsBottom, x, barsBottom + 5, "#9a9a9a", 1, ""));
      String label =
          showDate ? Units.dateTime(tick, zone).substring(5, 16) : Units.time(tick, zone);
      h.append(text(x, barsBottom + 18, "middle", "axis", label));
    }
    h.append(text(right, barsBottom + 34, "end", "axis",
        "time (" + Units.zoneName(from, zone) + ")"));
    // Bars, stacked by verdict.
    double binWidth = Math.max(2, t.binMillis() * scale - (t.binMillis() * scale > 5 ? 1 : 0));
    for (int i = 0; i < t.bins(); i++) {
      long start = t.startMillis() + i * t.binMillis();
      double x = left + (start - from) * scale;
      double y = barsBottom;
      long total = 0;
      for (long c : t.counts()[i]) {
        total += c;
      }
      if (total == 0) {
        continue;
      }
      for (int v = 0; v < t.verdicts().size(); v++) {
        long c = t.counts()[i][v];
        if (c == 0) {
          continue;
        }
        double bh = Math.max(2, barsHeight * c / most);
        y -= bh;
        h.append(rect(x, y, binWidth, bh, Verdicts.colour(t.verdicts().get(v)),
            "<title>" + esc(c + " × " + t.verdicts().get(v) + " at " + Units.time(start, zone))
                + "</title>"));
      }
    }
    // Incidents as spans, in lanes so that overlapping ones (labels included) stay apart; past
    // the lanes, a span is drawn without its label, the list below names it.
    List<double[]> ends = new ArrayList<>();
    for (IncidentRecord i : shown) {
      double[] box = incidentBox(i, from, left, right, scale);
      int lane = lane(ends, box, MAX_LANES);
      boolean labelled = lane >= 0;
      if (!labelled) {
        box[3] = box[0];
        box[4] = box[0] + box[1];
        lane = Math.max(0, lane(ends, box, MAX_LANES));
      }
      double y = incidentsTop + lane * laneHeight;
      String colour = Verdicts.colour(i.verdict());
      String label = incidentLabel(i);
      h.append("<g><title>").append(esc(label + ": " + i.resets() + " resets, "
          + Units.time(i.firstResetMillis(), zone) + " – "
          + Units.time(i.lastResetMillis(), zone)))
          .append("</title>")
          .append(rect(box[0], y, box[1], 8, colour, ""));
      if (labelled) {
        h.append(line(box[0], y + 8, box[0], barsBottom, colour, 1, "stroke-dasharray=\"3 3\""))
            .append(text(box[2], y - 3, "start", "incident", label));
      }
      h.append("</g>\n");
    }
    h.append("</svg>\n");
    legend(t.verdicts());
    h.append("</section>\n");
  }

  /** The base line, and grid lines at whole counts: the top, and half-way when it is whole. */
  private void countAxis(double left, double right, double bottom, double height, long most) {
    h.append(line(left, bottom, right, bottom, "#9a9a9a", 1, ""));
    for (long c : most % 2 == 0 && most > 2 ? new long[] {most / 2, most} : new long[] {most}) {
      double y = bottom - height * c / most;
      h.append(line(left, y, right, y, "#e8e8e8", 1, ""));
      h.append(text(left - 6, y + 4, "end", "axis", Long.toString(c)));
    }
  }

  private static String incidentLabel(IncidentRecord i) {
    return (i.id() > 0 ? "#" + i.id() + " " : "") + i.verdict();
  }

  /**
   * Where an incident is drawn: {x, width, label x, left end, right end}. Its label starts where
   * its span does, or ends where it ends when it would run off the chart.
   */
  private static double[] incidentBox(IncidentRecord i, long from, double left, double right,
      double scale) {
    double x = left + (i.firstResetMillis() - from) * scale;
    double w = Math.max(6, (i.lastResetMillis() - i.firstResetMillis()) * scale);
    double labelWidth = incidentLabel(i).length() * 7.8;
    double labelX = x + labelWidth > right ? Math.max(left, x + w - labelWidth) : x;
    return new double[] {x, w, labelX, Math.min(x, labelX), Math.max(x + w, labelX + labelWidth)};
  }

  /**
   * The first lane whose last box ends before this one starts, a new one if none and there are
   * fewer than {@code max}; -1 when every lane is taken.
   */
  private static int lane(List<double[]> ends, double[] box, int max) {
    int lane = 0;
    while (lane < ends.size() && ends.get(lane)[0] + 10 > box[3]) {
      lane++;
    }
    if (lane == max) {
      return -1;
    }
    if (lane == ends.size()) {
      ends.add(new double[] {box[4]});
    } else {
      ends.get(lane)[0] = box[4];
    }
    return lane;
  }

  /** The count axis's top: 1, 2, 4, 5 or 8 times a power of ten, at or above {@code most}. */
  static long niceCount(long most) {
    for (long p = 1; ; p *= 10) {
      for (long m : new long[] {1, 2, 4, 5, 8, 10}) {
        if (m * p >= most) {
          return m * p;
        }
      }
    }
  }

  private static int laneCount(List<IncidentRecord> incidents, long from, double left,
      double right, double scale) {
    List<double[]> ends = new ArrayList<>();
    for (IncidentRecord i : incidents) {
      lane(ends, incidentBox(i, from, left, right, scale), MAX_LANES);
    }
    return ends.size();
  }

  private void legend(List<String> verdicts) {
    h.append("<p class=\"legend\">");
    for (String v : verdicts) {
      h.append(chip(v)).append(' ');
    }
    h.append("</p>\n");
  }

  // --- Peers -----------------------------------------------------------------------------------

  private void peers(Report r) {
    if (r.peers().isEmpty()) {
      return;
    }
    List<Report.Peer> shown = r.peers().subList(0, Math.min(PEERS_SHOWN, r.peers().size()));
    List<Report.Peer> charted = shown.stream().filter(HtmlRenderer::hasIdlePattern).toList();
    List<Report.Peer> listed = shown.stream().filter(p -> !hasIdlePattern(p)).toList();
    h.append("<section><h2>Peers</h2>\n");
    if (!charted.isEmpty()) {
      h.append("<p class=\"hint\">The idle time before each reset (a sample of at most ")
          .append(ReportBuilder.IDLE_SAMPLES).append(" per peer) against the longest idle its "
              + "connections survived (green): the limit learnt from its resets (red) lies between "
              + "them, and the recommended pool max idle (blue) below both.</p>\n");
      for (Report.Peer p : charted) {
        peer(p);
      }
    }
    if (!listed.isEmpty()) {
      h.append(charted.isEmpty() ? "" : "<h3 class=\"more\">Peers with no idle limit</h3>\n")
          .append("<table class=\"peers\">\n<thead><tr><th>Peer</th><th class=\"num\">Resets</th>"
              + "<th>Verdicts</th><th>Idle at reset</th><th>Fix</th></tr></thead>\n<tbody>\n");
      for (Report.Peer p : listed) {
        h.append("<tr><td class=\"mono\">").append(esc(p.peer())).append("</td><td class=\"num\">")
            .append(p.resets()).append("</td><td>");
        for (Map.Entry<String, Long> v : p.verdicts().entrySet()) {
          h.append(chip(v.getKey(), v.getValue())).append(' ');
        }
        h.append("</td><td class=\"nowrap\">").append(esc(idleRange(p))).append("</td><td>")
            .append(esc(p.recommendation())).append("</td></tr>\n");
      }
      h.append("</tbody></table>\n");
    }
    long rest = r.peers().size() - shown.size();
    if (rest > 0 || r.resetsOfOtherPeers() > 0) {
      h.append("<p class=\"hint\">").append(rest).append(" more peers here")
          .append(r.resetsOfOtherPeers() > 0 ? ", and " + r.resetsOfOtherPeers()
              + " resets of peers past the first " + ReportBuilder.MAX_PEERS : "")
          .append(": <code>--format json</code> lists them.</p>\n");
    }
    h.append("</section>\n");
  }

  /** A chart of idle times says something only when the peer showed where its limit lies. */
  static boolean hasIdlePattern(Report.Peer p) {
    return p.idleSamples().length > 0 && (p.limitNanos() > 0 || p.survivedNanos() > 0);
  }

  private static String idleRange(Report.Peer p) {
    if (p.minIdleNanos() < 0) {
      return "unknown";
    }
    return p.minIdleNanos() == p.maxIdleNanos() ? Units.duration(p.minIdleNanos())
        : Units.duration(p.minIdleNanos()) + " to " + Units.duration(p.maxIdleNanos());
  }

  private void peer(Report.Peer p) {
    h.append("<article class=\"peer\"><h3><span class=\"mono\">").append(esc(p.peer()))
        .append("</span> <span class=\"count\">")
        .append(esc(Units.plural(p.resets(), "reset", "resets")))
        .append("</span> ");
    for (Map.Entry<String, Long> v : p.verdicts().entrySet()) {
      h.append(chip(v.getKey(), v.getValue())).append(' ');
    }
    h.append("</h3>\n");
    idleChart(p);
    h.append("<dl class=\"facts\">");
    fact("Resets after idle", idleRange(p));
    fact("Longest idle survived",
        p.survivedNanos() < 0 ? "not known" : Units.duration(p.survivedNanos()));
    fact("Learnt limit", p.limitNanos() < 0 ? "none (no idle-timeout or keep-alive reset)"
        : "resets from " + Units.duration(p.limitNanos()) + " idle");
    fact("Known default it matches", p.catalogue().isEmpty()
        ? (p.limitNanos() < 0 ? "–" : "none in the catalogue")
        : String.join("; ", p.catalogue()));
    h.append("</dl>\n");
    if (!p.recommendation().isEmpty()) {
      h.append("<p class=\"fix\" style=\"border-color:").append(Verdicts.colour(p.verdict()))
          .append("\"><b>Fix</b> ").append(esc(p.recommendation())).append("</p>\n");
    }
    h.append("</article>\n");
  }

  private void fact(String term, String value) {
    h.append("<div><dt>").append(esc(term)).append("</dt><dd>").append(esc(value))
        .append("</dd></div>");
  }

  private void idleChart(Report.Peer p) {
    long[] idles = p.idleSamples();
    if (idles.length == 0) {
      h.append("<p class=\"hint\">No idle time recorded for its resets.</p>\n");
      return;
    }
    long top = Math.max(Math.max(1, p.catalogueNanos()), Math.max(p.maxIdleNanos(),
        Math.max(p.survivedNanos(), Math.max(p.limitNanos(), p.maxIdleSettingNanos()))));
    long step = niceStep(top * 1.08 / 6);
    long axisMax = (long) Math.ceil(top * 1.08 / step) * step;
    double left = 56;
    double right = WIDTH - 16;
    double plotTop = 44;
    double plotHeight = 90;
    double bottom = plotTop + plotHeight;
    double height = bottom + 40;
    double scale = (right - left) / axisMax;
    int binCount = 60;
    double binNanos = (double) axisMax / binCount;
    List<String> order = new ArrayList<>(p.verdicts().keySet());
    long[][] bins = new long[binCount][order.size()];
    for (int i = 0; i < idles.length; i++) {
      int b = (int) Math.min(binCount - 1, idles[i] / binNanos);
      int v = order.indexOf(p.sampleVerdicts()[i]);
      bins[b][v < 0 ? 0 : v]++;
    }
    long most = 1;
    for (long[] b : bins) {
      long sum = 0;
      for (long c : b) {
        sum += c;
      }
      most = Math.max(most, sum);
    }
    h.append("<svg class=\"chart\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(num(height))
        .append("\" width=\"").append(WIDTH).append("\" height=\"").append(num(height))
        .append("\" role=\"img\" aria-label=\"idle time before each reset of ")
        .append(esc(p.peer())).append("\">\n");
    if (p.survivedNanos() >= 0) {
      double w = Math.max(1, p.survivedNanos() * scale);
      h.append(rect(left, plotTop, w, plotHeight, "#009E73", "", "fill-opacity=\"0.12\""));
      h.append(line(left + w, plotTop, left + w, bottom, "#009E73", 2, ""));
      String survived = "survived " + Units.duration(p.survivedNanos());
      if (w > survived.length() * 6.8 + 12) {
        h.append(text(left + w - 6, bottom - 8, "end", "mark", survived, "fill=\"#007a59\""));
      } else {
        label(left + w, 30, survived, "#007a59");
      }
    }
    most = niceCount(most);
    countAxis(left, right, bottom, plotHeight, most);
    for (long tick = 0; tick <= axisMax; tick += step) {
      double x = left + tick * scale;
      h.append(line(x, bottom, x, bottom + 5, "#9a9a9a", 1, ""));
      h.append(text(x, bottom + 18, x > right - 30 ? "end" : "middle", "axis",
          Units.tick(tick)));
    }
    h.append(text(right, bottom + 34, "end", "axis", "idle time before the reset"));
    double bw = Math.max(2, binNanos * scale - 2);
    for (int b = 0; b < binCount; b++) {
      double y = bottom;
      for (int v = 0; v < order.size(); v++) {
        long c = bins[b][v];
        if (c == 0) {
          continue;
        }
        double bh = plotHeight * c / most;
        y -= bh;
        h.append(rect(left + b * binNanos * scale + 1, y, bw, bh, Verdicts.colour(order.get(v)),
            "<title>" + esc(c + " × " + order.get(v) + ", idle "
                + Units.duration((long) (b * binNanos)) + " – "
                + Units.duration((long) ((b + 1) * binNanos))) + "</title>"));
      }
    }
    if (p.limitNanos() >= 0) {
      double x = left + p.limitNanos() * scale;
      h.append(line(x, plotTop - 4, x, bottom, "#C0392B", 2, "stroke-dasharray=\"5 3\""));
      label(x, 14, "learnt limit " + Units.duration(p.limitNanos()), "#C0392B");
    }
    if (p.catalogueNanos() > 0) {
      double x = left + p.catalogueNanos() * scale;
      h.append(line(x, plotTop + 8, x, bottom, "#6b6f78", 1.5, "stroke-dasharray=\"2 3\""));
      label(x, 30, "known default " + Units.duration(p.catalogueNanos()), "#4b4f58");
    }
    if (p.maxIdleSettingNanos() >= 0) {
      double x = left + p.maxIdleSettingNanos() * scale;
      h.append(line(x, plotTop - 4, x, bottom, "#1F5FAD", 2, ""));
      labelEnd(x, 14, "max idle ≤ " + Units.duration(p.maxIdleSettingNanos()), "#1F5FAD");
    }
    h.append("</svg>\n");
  }

  /** A label right of its line, or left of it when it would run off the chart. */
  private void label(double x, double y, String s, String colour) {
    double width = s.length() * 6.8;
    boolean fits = x + 4 + width < WIDTH - 4;
    h.append(text(fits ? x + 4 : x - 4, y, fits ? "start" : "end", "mark", s,
        "fill=\"" + colour + "\""));
  }

  /** A label left of its line, or right of it when it would run off the chart. */
  private void labelEnd(double x, double y, String s, String colour) {
    double width = s.length() * 6.8;
    boolean fits = x - 4 - width > 4;
    h.append(text(fits ? x - 4 : x + 4, y, fits ? "end" : "start", "mark", s,
        "fill=\"" + colour + "\""));
  }

  // --- Incidents -------------------------------------------------------------------------------

  private void incidents(Report r) {
    if (r.incidents().isEmpty()) {
      return;
    }
    h.append("<section><h2>Incidents</h2><p class=\"hint\">Resets that came together, judged as "
        + "one once the burst settled: the verdict can differ from its resets', since it also "
        + "sees what came after.</p>\n");
    int shown = 0;
    for (IncidentRecord i : r.incidents()) {
      if (shown++ == INCIDENTS_SHOWN) {
        break;
      }
      String colour = Verdicts.colour(i.verdict());
      h.append("<article class=\"incident\" style=\"border-left-color:").append(colour)
          .append("\"><h3>").append(i.id() > 0 ? "#" + i.id() + " " : "").append(chip(i.verdict()))
          .append(" <span class=\"count\">").append(esc(Units.percent(i.confidence())))
          .append(" · ").append(esc(Units.dateTime(i.firstResetMillis(), zone))).append(" · ")
          .append(esc(Units.plural(Math.max(0, i.resets()), "reset", "resets"))).append(" in ")
          .append(esc(Units.duration(i.spanNanos()))).append(" · ")
          .append(esc(Units.plural(Math.max(0, i.peers()), "peer", "peers"))).append(" on ")
          .append(esc(Units.plural(Math.max(0, i.hosts()), "host", "hosts")))
          .append("</span></h3>\n<dl class=\"text\">");
      textFact("Peers", i.peerList(), "mono");
      memberVerdicts(i.memberVerdicts());
      textFact("Evidence", i.evidence(), "wide");
      h.append("</dl>\n");
      if (!i.recommendation().isEmpty()) {
        h.append("<p class=\"fix\" style=\"border-color:").append(colour).append("\"><b>Fix</b> ")
            .append(esc(i.recommendation())).append("</p>\n");
      }
      h.append("</article>\n");
    }
    if (r.incidentCount() > shown) {
      h.append("<p class=\"hint\">").append(r.incidentCount() - Math.min(shown, INCIDENTS_SHOWN))
          .append(" more incidents: <code>--format json</code> lists up to ")
          .append(ReportBuilder.MAX_INCIDENTS).append(".</p>\n");
    }
    h.append("</section>\n");
  }

  private void textFact(String term, String value, String cls) {
    if (value.isEmpty()) {
      return;
    }
    h.append("<div class=\"").append(cls).append("\"><dt>").append(esc(term)).append("</dt><dd>")
        .append(esc(value)).append("</dd></div>");
  }

  /** "{PEER_CRASH=2, UNKNOWN=2}" as chips; any other form as it is. */
  private void memberVerdicts(String text) {
    Matcher m = MEMBER_VERDICT.matcher(text);
    StringBuilder chips = new StringBuilder();
    while (m.find()) {
      chips.append(chip(m.group(1), Long.parseLong(m.group(2)))).append(' ');
    }
    if (chips.length() == 0) {
      textFact("Verdicts per reset", text, "");
      return;
    }
    h.append("<div><dt>Verdicts per reset</dt><dd>").append(chips).append("</dd></div>");
  }

  // --- Call sites ------------------------------------------------------------------------------

  private void callSites(Report r) {
    if (r.callSites().isEmpty()) {
      return;
    }
    h.append("<section><h2>Failing call sites</h2><p class=\"hint\">Resets grouped by the "
        + "application frames that made the failing call (innermost first; the agent's frames and "
        + "the JDK's socket internals above them left out).</p>\n");
    int shown = 0;
    for (Report.CallSite s : r.callSites()) {
      if (shown++ == CALL_SITES_SHOWN) {
        break;
      }
      h.append("<article class=\"site\"><h3><span class=\"count\">")
          .append(esc(Units.plural(s.resets(), "reset", "resets"))).append("</span> ");
      for (Map.Entry<String, Long> v : s.verdicts().entrySet()) {
        h.append(chip(v.getKey(), v.getValue())).append(' ');
      }
      if (!s.operations().isEmpty()) {
        h.append("<span class=\"count\">on ").append(esc(String.join(", ", s.operations())))
            .append("</span>");
      }
      h.append("</h3>\n");
      if (!s.exception().isEmpty()) {
        h.append("<p class=\"exception mono\">").append(esc(s.exception())).append("</p>\n");
      }
      h.append("<pre>");
      if (s.frames().isEmpty()) {
        h.append("(no application frame recorded)");
      }
      for (String f : s.frames()) {
        h.append("at ").append(esc(f)).append('\n');
      }
      h.append("</pre>\n<p class=\"hint\">peers ").append(esc(String.join(", ", s.peers())));
      if (!s.threads().isEmpty()) {
        h.append(" · threads ").append(esc(String.join(", ", s.threads())));
      }
      h.append("</p></article>\n");
    }
    long rest = r.callSites().size() - Math.min(CALL_SITES_SHOWN, r.callSites().size());
    if (rest > 0 || r.resetsAtOtherCallSites() > 0) {
      h.append("<p class=\"hint\">").append(rest).append(" more call sites")
          .append(r.resetsAtOtherCallSites() > 0 ? ", and " + r.resetsAtOtherCallSites()
              + " resets at call sites past the first " + ReportBuilder.MAX_CALL_SITES : "")
          .append(".</p>\n");
    }
    h.append("</section>\n");
  }

  // --- Pieces ----------------------------------------------------------------------------------

  private static String chip(String verdict) {
    return "<span class=\"chip\" style=\"background:" + Verdicts.colour(verdict) + "\">"
        + esc(verdict) + "</span>";
  }

  private static String chip(String verdict, long count) {
    return "<span class=\"chip\" style=\"background:" + Verdicts.colour(verdict) + "\">"
        + esc(verdict) + " × " + count + "</span>";
  }

  private static String rect(double x, double y, double w, double hgt, String fill, String inner,
      String... attributes) {
    return "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(w) + "\" height=\""
        + num(hgt) + "\" fill=\"" + fill + "\"" + (attributes.length > 0 ? " " + attributes[0] : "")
        + (inner.isEmpty() ? "/>" : ">" + inner + "</rect>");
  }

  private static String line(double x1, double y1, double x2, double y2, String stroke,
      double width, String extra) {
    return "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\""
        + num(y2) + "\" stroke=\"" + stroke + "\" stroke-width=\"" + num(width) + "\""
        + (extra.isEmpty() ? "" : " " + extra) + "/>\n";
  }

  private static String text(double x, double y, String anchor, String cls, String s,
      String... attributes) {
    return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" + anchor
        + "\" class=\"" + cls + "\"" + (attributes.length > 0 ? " " + attributes[0] : "") + ">"
        + esc(s) + "</text>\n";
  }

  private static String num(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e9) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, "%.1f", v);
  }

  /** A step of 1, 2 or 5 times a power of ten nanoseconds, at least 1 µs. */
  static long niceStep(double raw) {
    long p = 1_000;
    while (true) {
      for (long m : new long[] {1, 2, 5}) {
        if (p * m >= raw) {
          return p * m;
        }
      }
      p *= 10;
    }
  }

  /** A time-axis step an operator reads at a glance: 1 s, 5 s, 1 min, 1 h and so on. */
  static long niceTimeStep(long spanMillis) {
    long[] steps = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000,
        30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000,
        10_800_000, 21_600_000, 43_200_000, 86_400_000};
    for (long s : steps) {
      if (spanMillis / s <= 10) {
        return s;
      }
    }
    return Math.max(86_400_000, spanMillis / 10);
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  private static final String CSS = String.join("\n",
      ":root { color-scheme: light; }",
      "body { margin: 0; background: #f4f5f7; color: #1d1f23; font: 14px/1.45 " + FONT + "; }",
      "main { max-width: " + (WIDTH + 48) + "px; margin: 0 auto; padding: 24px; }",
      "header h1 { margin: 0 0 2px; font-size: 26px; }",
      ".sub { margin: 0 0 18px; color: #5b606b; }",
      "h2 { font-size: 18px; margin: 0 0 4px; }",
      "h3 { font-size: 15px; margin: 0 0 8px; font-weight: 600; }",
      "section { background: #fff; border: 1px solid #dfe2e7; border-radius: 8px; "
          + "padding: 16px 20px; margin: 0 0 18px; }",
      "section.cards { display: flex; gap: 14px; background: none; border: none; padding: 0; }",
      ".card { flex: 1; background: #fff; border: 1px solid #dfe2e7; border-radius: 8px; "
          + "padding: 12px 16px; }",
      ".card .value { font-size: 30px; font-weight: 650; }",
      ".card .unit { font-size: 16px; font-weight: 500; color: #3b3f47; }",
      ".card .note { color: #5b606b; font-size: 13px; }",
      "table.peers { border-collapse: collapse; width: 100%; }",
      "table.peers th { text-align: left; font-weight: 600; color: #5b606b; font-size: 12px; "
          + "border-bottom: 1px solid #dfe2e7; padding: 4px 8px; }",
      "table.peers td { padding: 6px 8px; border-bottom: 1px solid #f0f1f3; vertical-align: top; }",
      ".nowrap { white-space: nowrap; }",
      "h3.more { margin: 16px 0 6px; }",
      ".hint { color: #5b606b; margin: 0 0 10px; font-size: 13px; }",
      ".empty { font-size: 15px; }",
      "table.verdicts { border-collapse: collapse; width: 100%; }",
      "table.verdicts th { text-align: left; font-weight: 600; color: #5b606b; font-size: 12px; "
          + "border-bottom: 1px solid #dfe2e7; padding: 4px 8px; }",
      "table.verdicts td { padding: 5px 8px; border-bottom: 1px solid #f0f1f3; }",
      "td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; width: 70px; }",
      "td.bar, th.bar { width: 250px; }",
      "td.meaning { color: #3b3f47; }",
      ".chip { display: inline-block; color: #fff; border-radius: 4px; padding: 1px 7px; "
          + "font-size: 12px; font-weight: 600; letter-spacing: .02em; white-space: nowrap; }",
      ".legend { margin: 6px 0 0; }",
      "svg.chart { display: block; max-width: 100%; height: auto; }",
      "svg text { font-family: " + FONT + "; }",
      "svg .axis { font-size: 11px; fill: #5b606b; }",
      "svg .mark { font-size: 12px; font-weight: 600; }",
      "svg .incident { font-size: 11px; font-weight: 600; fill: #2b2e33; }",
      "article { border-top: 1px solid #eceef1; padding: 14px 0 6px; }",
      "article:first-of-type { border-top: none; }",
      "article.incident { border-left: 4px solid; border-top: none; padding: 6px 0 6px 12px; "
          + "margin: 10px 0; }",
      ".count { color: #5b606b; font-weight: 500; }",
      ".mono, pre { font-family: ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace; }",
      "dl { margin: 6px 0; }",
      "dl.facts { display: grid; grid-template-columns: repeat(4, 1fr); gap: 8px; }",
      "dl.facts dt, dl.text dt { color: #5b606b; font-size: 12px; }",
      "dl.facts dd { margin: 0; font-weight: 600; }",
      "dl.text { display: grid; grid-template-columns: 1fr 1fr; column-gap: 24px; }",
      "dl.text div { margin: 0 0 6px; }",
      "dl.text div.wide { grid-column: 1 / -1; }",
      "dl.text dd { margin: 0; }",
      ".fix { background: #f7f9fc; border-left: 4px solid; padding: 8px 12px; margin: 8px 0; }",
      ".exception { margin: 0 0 4px; color: #8a1f11; }",
      "pre { background: #f7f8fa; border: 1px solid #eceef1; border-radius: 6px; "
          + "padding: 8px 10px; "
          + "margin: 0 0 6px; font-size: 12.5px; overflow-x: auto; white-space: pre; }",
      "");
}
