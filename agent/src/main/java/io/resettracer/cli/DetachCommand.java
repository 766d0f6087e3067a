package io.resettracer.cli;

import io.resettracer.agent.AgentCommands;
import java.io.PrintStream;

/**
 * {@code detach <pid>}: takes the agent out of a running JVM, by asking it (see {@link
 * AgentCommands}).
 */
final class DetachCommand {

  private DetachCommand() {}

  static int run(long pid, PrintStream out) throws CliFailure {
    long startedAt = System.nanoTime();
    try (TargetJvm target = TargetJvm.attach(pid)) {
      if (target.presence() == null) {
        throw CliFailure.failed("reset-tracer is not active in pid " + pid + "; nothing to detach");
      }
      String summary = target.ask(AgentCommands.DETACH, "");
      if (target.presence() != null) {
        throw CliFailure.failed("pid " + pid + ": " + summary + "; but the agent is still active");
      }
      out.println("pid " + pid + ": " + summary);
      out.println("detached in " + (System.nanoTime() - startedAt) / 1_000_000 + " ms");
      if (target.warnsOfDynamicLoading()) {
        out.println(target.dynamicLoadingNote());
      }
      return 0;
    }
  }
}
