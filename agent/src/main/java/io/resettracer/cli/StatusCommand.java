package io.resettracer.cli;

import io.resettracer.agent.AgentCommands;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@code status <pid>}: whether the agent is active, and what it has seen. The agent publishes a
 * snapshot of its MBean's figures in the JVM's agent properties when asked (see {@link
 * AgentCommands}); every count in it is printed, those this command knows by name first, in their
 * own words, and any other (one added to the agent since) after them, named after its key.
 */
final class StatusCommand {

  private static final String STATUS = AgentCommands.STATUS_PREFIX;
  private static final String COUNT = AgentCommands.COUNT_PREFIX;

  /** The counts printed first, with their label. */
  private static final Map<String, String> KNOWN =
      Map.of(
          "trackedConnections", "connections tracked",
          "resetsPerVerdict", "resets seen",
          "incidentsPerVerdict", "incidents",
          "swallowedErrors", "errors swallowed");

  private static final List<String> KNOWN_ORDER =
      List.of("trackedConnections", "resetsPerVerdict", "incidentsPerVerdict", "swallowedErrors");

  private static final int LABEL_WIDTH = 21;

  private StatusCommand() {}

  static int run(long pid, PrintStream out) throws CliFailure {
    try (TargetJvm target = TargetJvm.attach(pid)) {
      if (target.presence() == null) {
        out.println("pid " + pid + ": " + ActiveAgent.notActive(pid));
        return 0;
      }
      String answer = target.ask(AgentCommands.STATUS, "");
      if (!answer.equals(AgentCommands.STATUS_OK)) {
        throw CliFailure.failed("pid " + pid + ": " + answer);
      }
      print(pid, target.agentProperties(), out);
      if (target.warnsOfDynamicLoading()) {
        out.println(target.dynamicLoadingNote());
      }
      return 0;
    }
  }

  /** The snapshot in {@code properties} as status lines. */
  static void print(long pid, Properties properties, PrintStream out) {
    Map<String, String> text = new TreeMap<>();
    Map<String, Map<String, Long>> perKey = new TreeMap<>();
    Map<String, Long> totals = new TreeMap<>();
    for (String key : properties.stringPropertyNames()) {
      String value = properties.getProperty(key);
      if (key.startsWith(STATUS)) {
        text.put(key.substring(STATUS.length()), value);
      } else if (key.startsWith(COUNT)) {
        String name = key.substring(COUNT.length());
        long n;
        try {
          n = Long.parseLong(value);
        } catch (NumberFormatException e) {
          continue; // not a count of ours
        }
        int dot = name.indexOf('.');
        if (dot < 0) {
          totals.put(name, n);
        } else {
          perKey.computeIfAbsent(name.substring(0, dot), k -> new TreeMap<>())
              .put(name.substring(dot + 1), n);
        }
      }
    }
    out.println(
        "pid "
            + pid
            + ": reset-tracer "
            + text.getOrDefault("version", "?")
            + " active (loaded by "
            + text.getOrDefault("mode", "?")
            + ")");
    String options = text.getOrDefault("options", "");
    line(out, "options", options.isBlank() ? "(defaults)" : options);
    for (String name : KNOWN_ORDER) {
      String label = KNOWN.get(name);
      if (!totals.containsKey(name)) {
        line(out, label, "(not reported by the agent in this JVM, an earlier version)");
      } else if (name.equals("swallowedErrors")) {
        long swallowed = totals.get(name);
        String first = text.getOrDefault("firstSwallowedError", "");
        boolean named = swallowed != 0 && !first.isEmpty();
        line(out, label, swallowed + (named ? " (first: " + first + ")" : ""));
      } else {
        line(out, label, count(totals.get(name), perKey.get(name)));
      }
    }
    for (Map.Entry<String, Long> e : totals.entrySet()) {
      if (!KNOWN.containsKey(e.getKey())) {
        line(out, words(e.getKey()), count(e.getValue(), perKey.get(e.getKey())));
      }
    }
  }

  private static void line(PrintStream out, String label, String value) {
    out.println("  " + String.format(Locale.ROOT, "%-" + LABEL_WIDTH + "s", label + ":") + value);
  }

  /** "3 (IDLE_TIMEOUT 2, UNKNOWN 1)", or "0", or a plain count. */
  static String count(long total, Map<String, Long> perKey) {
    if (total == 0 || perKey == null || perKey.isEmpty()) {
      return String.valueOf(total);
    }
    return total
        + " ("
        + perKey.entrySet().stream()
            .map(e -> e.getKey() + " " + e.getValue())
            .collect(Collectors.joining(", "))
        + ")";
  }

  /** "droppedEvents" as "dropped events". */
  static String words(String camelCase) {
    StringBuilder b = new StringBuilder();
    for (char c : camelCase.toCharArray()) {
      if (Character.isUpperCase(c)) {
        b.append(' ').append(Character.toLowerCase(c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
