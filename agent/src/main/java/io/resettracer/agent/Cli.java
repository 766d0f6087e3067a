package io.resettracer.agent;

import java.io.PrintStream;

/** {@code java -jar reset-tracer.jar <command>}: the command-line side of the agent jar. */
public final class Cli {

  private static final String USAGE =
      String.join(
          "\n",
          "usage: java -jar reset-tracer.jar <command>",
          "",
          "commands:",
          "  help       this text",
          "  version    the agent's version",
          "",
          "To trace a JVM from its start:",
          "  java -javaagent:reset-tracer.jar[=options] ...",
          "options (comma-separated key=value):",
          "  " + AgentOptions.HELP);

  private Cli() {}

  /** Returns the exit code: 0 success, 1 failure, 2 usage error. */
  public static int run(String[] args) {
    PrintStream out = System.out;
    if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")) {
      out.println(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    if (args[0].equals("version")) {
      out.println("reset-tracer " + AgentVersion.get());
      return 0;
    }
    System.err.println("reset-tracer: unknown command '" + args[0] + "'; try: java -jar reset-tracer.jar help");
    return 2;
  }
}
