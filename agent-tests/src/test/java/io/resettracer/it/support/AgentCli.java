package io.resettracer.it.support;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** {@code java -jar reset-tracer.jar ...} as a child process, on a given JDK. */
public final class AgentCli {

  private AgentCli() {}

  /** How the command ended, and how long it took from launch to exit. */
  public record Run(int exitCode, List<String> stdout, List<String> stderr, long millis) {
    public String describe() {
      return "exit " + exitCode + " after " + millis + " ms\n--- stdout\n" + String.join("\n", stdout)
          + "\n--- stderr\n" + String.join("\n", stderr);
    }

    public String out() {
      return String.join("\n", stdout);
    }

    public String err() {
      return String.join("\n", stderr);
    }
  }

  public static List<String> command(Jdks.Jdk jdk, String... args) {
    List<String> command = new ArrayList<>();
    command.add(jdk.java().toString());
    command.add("-jar");
    command.add(ChildJvm.AGENT_JAR.toString());
    command.addAll(List.of(args));
    return command;
  }

  public static Run run(Jdks.Jdk jdk, String... args) throws IOException, InterruptedException {
    return run(command(jdk, args));
  }

  public static Run run(List<String> command) throws IOException, InterruptedException {
    long started = System.nanoTime();
    try (LiveProcess p = LiveProcess.start(command)) {
      if (!p.awaitExit(60)) {
        throw new AssertionError("timed out after 60 s: " + command + "\n" + p.describe());
      }
      long millis = (System.nanoTime() - started) / 1_000_000;
      return new Run(p.process().exitValue(), p.out(), p.err(), millis);
    }
  }
}
