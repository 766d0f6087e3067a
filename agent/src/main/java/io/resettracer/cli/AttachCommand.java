package io.resettracer.cli;

import io.resettracer.agent.AgentOptions;
import io.resettracer.bootstrap.AgentPresence;
import java.io.PrintStream;

/**
 * {@code attach <pid> [options]}: loads the agent into a running JVM and reports what it said back.
 * The options are checked here first, so a typo never reaches the target.
 */
final class AttachCommand {

  static final String DYNAMIC_LOADING_FLAG = "-XX:+EnableDynamicAgentLoading";

  private AttachCommand() {}

  static int run(long pid, String options, PrintStream out) throws CliFailure {
    long startedAt = System.nanoTime();
    for (String refusal : AgentOptions.parse(options).refusals()) {
      throw CliFailure.usage(refusal);
    }
    String jar = AgentJar.path();
    try (TargetJvm target = TargetJvm.attach(pid)) {
      int feature = target.requireSupportedJava();
      String active = target.presence();
      if (active != null) {
        out.println(
            "pid "
                + pid
                + ": reset-tracer "
                + describe(active)
                + " is already active; nothing to do"
                + " (detach it first to change its options)");
        return 0;
      }
      boolean warned = feature >= 21 && !target.jvmArgs().contains(DYNAMIC_LOADING_FLAG);
      target.loadAgent(jar, options);
      long millis = (System.nanoTime() - startedAt) / 1_000_000;
      String outcome = target.agentProperties().getProperty(AgentPresence.OUTCOME_KEY);
      if (target.presence() == null) {
        throw CliFailure.failed(
            "the agent stood down in pid "
                + pid
                + ": "
                + (outcome != null ? outcome : "the reason is on that JVM's standard error"));
      }
      out.println("pid " + pid + ": " + outcome);
      out.println("attached in " + millis + " ms; resets are logged on that JVM's standard error");
      if (warned) {
        out.println(
            "note: Java "
                + feature
                + " printed \"WARNING: A Java agent has been loaded"
                + " dynamically\" on pid "
                + pid
                + "'s standard error. That is expected: since"
                + " JDK 21 a JVM warns about agents loaded while it runs. Start it with "
                + DYNAMIC_LOADING_FLAG
                + " to allow them without the warning.");
      }
      return 0;
    }
  }

  /** "0.1.0 attach" as "0.1.0 (loaded by attach)". */
  static String describe(String presence) {
    int space = presence.indexOf(' ');
    return space < 0
        ? presence
        : presence.substring(0, space) + " (loaded by " + presence.substring(space + 1) + ")";
  }
}
