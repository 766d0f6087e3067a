package io.resettracer.cli;

import io.resettracer.agent.ResetTracerMXBean;

/** Finds the agent's MBean in a target where the agent is active. */
final class ActiveAgent {

  private ActiveAgent() {}

  /**
   * Returns the MBean, or null if reset-tracer is not active in the target. An agent that came with
   * {@code -javaagent} registers its MBean only when first asked, by a second load of the jar
   * (which changes nothing else), so that its start-up never creates the platform MBean server.
   */
  static ResetTracerMXBean find(TargetJvm target, Management management) throws CliFailure {
    if (target.presence() == null) {
      return null;
    }
    ResetTracerMXBean bean = management.agent();
    if (bean == null) {
      target.loadAgent(AgentJar.path(), "");
      bean = management.agent();
    }
    if (bean == null) {
      throw CliFailure.failed(
          "reset-tracer is active in pid "
              + target.pid
              + " but could not register its MBean (the"
              + " reason is on that JVM's standard error)");
    }
    return bean;
  }

  static String notActive(long pid) {
    return "reset-tracer is not active in pid "
        + pid
        + "; load it with: java -jar "
        + jarForHint()
        + " attach "
        + pid;
  }

  private static String jarForHint() {
    try {
      return AgentJar.path();
    } catch (CliFailure e) {
      return "reset-tracer.jar";
    }
  }
}
