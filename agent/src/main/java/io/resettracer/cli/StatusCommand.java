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
        Map<String, Long> verdicts = agent.getResetsPerVerdict();
        long resets = verdicts.values().stream().mapToLong(Long::longValue).sum();
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
        String perVerdict =
            verdicts.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
        out.println(
            "  resets seen:         " + resets + (resets == 0 ? "" : " (" + perVerdict + ")"));
        long swallowed = agent.getSwallowedErrors();
        out.println(
            "  errors swallowed:    "
                + swallowed
                + (swallowed == 0 ? "" : " (first: " + agent.getFirstSwallowedError() + ")"));
        return 0;
      }
    }
  }
}
