package io.resettracer.report;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The report as plain text for a terminal: aligned tables, no colour. */
public final class TextRenderer {

  static final int PEERS_SHOWN = 20;
  static final int INCIDENTS_SHOWN = 20;
  static final int CALL_SITES_SHOWN = 10;
  static final int FRAMES_SHOWN = 5;

  private final StringBuilder t = new StringBuilder(16 * 1024);
  private final ZoneId zone;

  private TextRenderer(ZoneId zone) {
    this.zone = zone;
  }

  public static String render(Report r, ZoneId zone) {
    return new TextRenderer(zone).page(r);
  }

  private String page(Report r) {
    t.append("Connection resets: ").append(Units.plural(r.resets(), "reset", "resets")).append(", ")
        .append(Units.plural(r.incidentCount(), "incident", "incidents")).append(", ")
        .append(r.peerCountCapped() ? "≥ " : "")
        .append(Units.plural(r.peerCount(), "peer", "peers")).append('\n')
        .append(Units.span(r, zone)).append('\n')
        .append("from ").append(String.join(", ", r.sources())).append('\n');
    if (r.resets() == 0 && r.incidentCount() == 0) {
      t.append("\nNo reset-tracer events in these recordings: was the agent loaded, and were "
          + "resettracer.ConnectionReset and resettracer.ResetIncident enabled?\n");
      return t.toString();
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"VERDICT", "RESETS", "INCIDENTS"});
    for (Report.VerdictCount v : r.verdicts()) {
      rows.add(new String[] {v.verdict(), Long.toString(v.resets()), Long.toString(v.incidents())});
    }
    section("Verdicts");
    table(rows, 1, 2);

    if (!r.peers().isEmpty()) {
      section("Peers");
      rows = new ArrayList<>();
      rows.add(new String[] {"PEER", "RESETS", "VERDICTS", "IDLE AT RESET", "SURVIVED", "LIMIT",
          "MAX IDLE"});
      for (Report.Peer p : r.peers().subList(0, Math.min(PEERS_SHOWN, r.peers().size()))) {
        rows.add(new String[] {p.peer(), Long.toString(p.resets()), verdicts(p.verdicts()),
            p.minIdleNanos() < 0 ? "–" : p.minIdleNanos() == p.maxIdleNanos()
                ? Units.duration(p.minIdleNanos())
                : Units.duration(p.minIdleNanos()) + " – " + Units.duration(p.maxIdleNanos()),
            Units.duration(p.survivedNanos()), Units.duration(p.limitNanos()),
            p.maxIdleSettingNanos() < 0
                ? "–" : "≤ " + Units.duration(p.maxIdleSettingNanos())});
      }
      table(rows, 1);
      for (Report.Peer p : r.peers().subList(0, Math.min(PEERS_SHOWN, r.peers().size()))) {
        if (!p.recommendation().isEmpty()) {
          t.append("  ").append(p.peer()).append(": ").append(p.recommendation());
          if (!p.catalogue().isEmpty()) {
            t.append(" [limit matches ").append(String.join("; ", p.catalogue())).append(']');
          }
          t.append('\n');
        }
      }
      more(r.peers().size() - PEERS_SHOWN, "peers");
    }

    if (!r.incidents().isEmpty()) {
      section("Incidents");
      int shown = Math.min(INCIDENTS_SHOWN, r.incidents().size());
      for (IncidentRecord i : r.incidents().subList(0, shown)) {
        t.append(i.id() > 0 ? "#" + i.id() + " " : "").append(i.verdict()).append(' ')
            .append(Units.percent(i.confidence())).append("  ")
            .append(Units.dateTime(i.firstResetMillis(), zone)).append("  ")
            .append(Units.plural(Math.max(0, i.resets()), "reset", "resets")).append(" in ")
            .append(Units.duration(i.spanNanos())).append(", ")
            .append(Units.plural(Math.max(0, i.peers()), "peer", "peers")).append(" on ")
            .append(Units.plural(Math.max(0, i.hosts()), "host", "hosts")).append('\n');
        indented("peers", i.peerList());
        indented("verdicts per reset", i.memberVerdicts());
        indented("evidence", i.evidence());
        indented("fix", i.recommendation());
      }
      more(r.incidentCount() - INCIDENTS_SHOWN, "incidents");
    }

    if (!r.callSites().isEmpty()) {
      section("Failing call sites");
      int shown = Math.min(CALL_SITES_SHOWN, r.callSites().size());
      for (Report.CallSite s : r.callSites().subList(0, shown)) {
        t.append(Units.plural(s.resets(), "reset", "resets")).append("  ")
            .append(verdicts(s.verdicts()))
            .append(s.operations().isEmpty() ? "" : "  on " + String.join(", ", s.operations()))
            .append(s.exception().isEmpty() ? "" : "  " + s.exception()).append('\n');
        if (s.frames().isEmpty()) {
          t.append("    (no application frame recorded)\n");
        }
        for (String f : s.frames().subList(0, Math.min(FRAMES_SHOWN, s.frames().size()))) {
          t.append("    at ").append(f).append('\n');
        }
        if (s.frames().size() > FRAMES_SHOWN) {
          t.append("    ...\n");
        }
      }
      more(r.callSites().size() - CALL_SITES_SHOWN, "call sites");
    }
    return t.toString();
  }

  private void section(String title) {
    t.append('\n').append(title).append('\n');
  }

  private void indented(String label, String value) {
    if (!value.isEmpty()) {
      t.append("    ").append(label).append(": ").append(value).append('\n');
    }
  }

  private void more(long n, String what) {
    if (n > 0) {
      t.append("  (").append(n).append(" more ").append(what)
          .append(": --format json lists them)\n");
    }
  }

  private static String verdicts(Map<String, Long> counts) {
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, Long> v : counts.entrySet()) {
      parts.add(v.getKey() + "×" + v.getValue());
    }
    return String.join(" ", parts);
  }

  /** Columns aligned left, the counts in {@code numericColumns} right; the first row heads them. */
  private void table(List<String[]> rows, int... numericColumns) {
    int columns = rows.get(0).length;
    int[] width = new int[columns];
    for (String[] row : rows) {
      for (int c = 0; c < columns; c++) {
        width[c] = Math.max(width[c], row[c].codePointCount(0, row[c].length()));
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder("  ");
      for (int c = 0; c < columns; c++) {
        int col = c;
        int pad = width[c] - row[c].codePointCount(0, row[c].length());
        if (java.util.Arrays.stream(numericColumns).anyMatch(n -> n == col)) {
          line.append(" ".repeat(pad)).append(row[c]);
        } else {
          line.append(row[c]).append(c == columns - 1 ? "" : " ".repeat(pad));
        }
        if (c < columns - 1) {
          line.append("  ");
        }
      }
      t.append(line.toString().stripTrailing()).append('\n');
    }
  }
}
