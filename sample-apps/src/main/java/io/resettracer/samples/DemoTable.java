package io.resettracer.samples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * The demo's summary: one row per sample, from the recording it left ({@code <name>.jfr}) and what
 * it printed ({@code <name>.log}): the cause it reproduces, the resets the agent recorded, their
 * verdicts and confidence, and the incidents (bursts judged as one) when the agent records them.
 *
 * <p>{@code DemoTable <dir> <name>...}
 */
public final class DemoTable {

  static final String RESET = "resettracer.ConnectionReset";
  static final String INCIDENT = "resettracer.ResetIncident";

  private static final String ROW = "%-21s %-20s %6s  %-40s %-11s %s%n";

  private DemoTable() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    System.out.printf(Locale.ROOT, ROW, "scenario", "expected", "resets", "verdicts",
        "confidence", "incidents");
    for (int i = 1; i < args.length; i++) {
      row(dir, args[i]);
    }
  }

  private static void row(Path dir, String name) throws IOException {
    String expected = "?";
    Path log = dir.resolve(name + ".log");
    if (Files.exists(log)) {
      for (String line : Files.readAllLines(log)) {
        if (line.startsWith("SKIP ")) {
          System.out.printf(Locale.ROOT, "%-21s skipped: %s%n", name, line.substring(5));
          return;
        }
        if (line.startsWith("EXPECT ")) {
          expected = line.substring(7).trim();
          break;
        }
      }
    }
    Path jfr = dir.resolve(name + ".jfr");
    if (!Files.exists(jfr)) {
      System.out.printf(Locale.ROOT, "%-21s no recording (%s)%n", name, jfr);
      return;
    }
    Map<String, Integer> verdicts = new TreeMap<>();
    Map<String, Integer> incidents = new TreeMap<>();
    float least = Float.MAX_VALUE;
    float most = -1;
    int resets = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
      String type = e.getEventType().getName();
      if (type.equals(RESET)) {
        resets++;
        verdicts.merge(e.getString("verdict"), 1, Integer::sum);
        least = Math.min(least, e.getFloat("confidence"));
        most = Math.max(most, e.getFloat("confidence"));
      } else if (type.equals(INCIDENT)) {
        int peers = e.getInt("peers");
        incidents.merge(e.getString("verdict") + " (" + e.getInt("resets") + " resets, " + peers
            + (peers == 1 ? " peer, " : " peers, ") + percent(e.getFloat("confidence")) + ")", 1,
            Integer::sum);
      }
    }
    System.out.printf(Locale.ROOT, ROW, name, expected, resets, counts(verdicts),
        resets == 0 ? "-" : least == most ? percent(least)
            : percent(least).replace(" %", "") + "–" + percent(most),
        incidents.isEmpty() ? "-" : counts(incidents));
  }

  private static String percent(float fraction) {
    return String.format(Locale.ROOT, "%.0f %%", fraction * 100);
  }

  private static String counts(Map<String, Integer> counts) {
    List<String> parts = new ArrayList<>();
    counts.forEach((k, n) -> parts.add(n == 1 ? k : k + " ×" + n));
    return parts.isEmpty() ? "-" : String.join(", ", parts);
  }
}
