package io.resettracer.cli;

/** What the commands say of a target where reset-tracer is not active. */
final class ActiveAgent {

  private ActiveAgent() {}

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
