package io.resettracer.cli;

import io.resettracer.agent.ResetTracerMXBean;
import java.io.PrintStream;

/** {@code detach <pid>}: takes the agent out of a running JVM. */
final class DetachCommand {

  private DetachCommand() {}

  static int run(long pid, PrintStream out) throws CliFailure {
    long startedAt = System.nanoTime();
    try (TargetJvm target = TargetJvm.attach(pid)) {
      if (target.presence() == null) {
        throw CliFailure.failed("reset-tracer is not active in pid " + pid + "; nothing to detach");
      }
      String summary;
      try (Management management = target.management()) {
        ResetTracerMXBean agent = ActiveAgent.find(target, management);
        summary = agent.detach();
      }
      if (target.presence() != null) {
        throw CliFailure.failed("pid " + pid + ": " + summary + "; but the agent is still active");
      }
      out.println("pid " + pid + ": " + summary);
      out.println("detached in " + (System.nanoTime() - startedAt) / 1_000_000 + " ms");
      return 0;
    }
  }
}
