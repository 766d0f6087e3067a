package io.resettracer.cli;

import io.resettracer.agent.ResetTracerMXBean;
import java.io.PrintStream;
import java.util.Map;
import java.util.stream.Collectors;

/** {@code status <pid>}: whether the agent is active, and what it has seen. */
final class StatusCommand {

  private StatusCommand() {}

  static int run(long pid, PrintStream out) throws CliFailure {
    try (TargetJvm target = TargetJvm.attach(pid)) {
      String presence = target.presence();
      if (presence == null) {
        out.println("pid " + pid + ": " + ActiveAgent.notActive(pid));
        return 0;
      }
      try (Management management = target.management()) {
        ResetTracerMXBean agent = ActiveAgent.find(target, management);
        out.println(
            "pid "
                + pid
                + ": reset-tracer "
                + agent.getVersion()
                + " active (loaded by "
                + agent.getMode()
                + ")");
        out.println(
            "  options:             "
                + (agent.getOptions().isBlank() ? "(defaults)" : agent.getOptions()));
        out.println("  connections tracked: " + agent.getTrackedConnections());
        out.println("  resets seen:         " + countAndVerdicts(agent.getResetsPerVerdict()));
        out.println("  incidents:           " + incidents(agent));
        long swallowed = agent.getSwallowedErrors();
        out.println(
            "  errors swallowed:    "
                + swallowed
                + (swallowed == 0 ? "" : " (first: " + agent.getFirstSwallowedError() + ")"));
        return 0;
      }
    }
  }

  /** An agent of an earlier version, loaded before this jar, may not report incidents. */
  private static String incidents(ResetTracerMXBean agent) {
    try {
      return countAndVerdicts(agent.getIncidentsPerVerdict());
    } catch (RuntimeException notReported) {
      return "(not reported by the agent in this JVM, an earlier version)";
    }
  }

  /** "3 (IDLE_TIMEOUT 2, UNKNOWN 1)", or "0". */
  private static String countAndVerdicts(Map<String, Long> perVerdict) {
    long total = perVerdict.values().stream().mapToLong(Long::longValue).sum();
    return total == 0
        ? "0"
        : total + " (" + perVerdict.entrySet().stream()
            .map(e -> e.getKey() + " " + e.getValue())
            .collect(Collectors.joining(", ")) + ")";
  }
}
