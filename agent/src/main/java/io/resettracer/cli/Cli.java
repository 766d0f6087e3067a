package io.resettracer.cli;

import io.resettracer.agent.AgentOptions;
import io.resettracer.agent.AgentVersion;
import io.resettracer.report.ReportCommand;
import java.io.PrintStream;
import java.util.List;

/** {@code java -jar reset-tracer.jar <command>}: the command-line side of the agent jar. */
public final class Cli {

  static final String USAGE =
      String.join(
          "\n",
          "usage: java -jar reset-tracer.jar <command>",
          "",
          "commands:",
          "  list                    the JVMs on this machine, and whether reset-tracer is active",
          "                          in each",
          "  attach <pid> [options]  load reset-tracer into a running JVM (JDK 17+, same user)",
          "  status <pid>            whether it is active: version, options, connections tracked,",
          "                          resets seen per verdict, errors it swallowed",
          "  watch <pid> [--json]    print that JVM's resets and incidents as they happen, until"
              + " Ctrl-C;\n                          --json: one JSON object per line",
          "  detach <pid>            take reset-tracer out again: original bytecode back, tracking",
          "                          stopped",
          "  report <recording.jfr>... [-o <file>] [--format html|text|json]",
          "                          what recordings made with the agent say about resets: a",
          "                          page with charts (the default, reset-tracer-report.html),",
          "                          a table for the terminal, or JSON for scripts",
          "  version                 the agent's version",
          "  help                    this text",
          "",
          "exit codes: 0 success, 1 the attach, the target or the agent failed, 2 usage error",
          "",
          "To trace a JVM from its start:",
          "  java -javaagent:reset-tracer.jar[=options] ...",
          "options (comma-separated key=value, the same for attach):",
          "  " + AgentOptions.HELP,
          "",
          "On JDK 21+ a JVM prints a warning when an agent is attached to it; start it with",
          "-XX:+EnableDynamicAgentLoading to allow attaching without the warning.");

  private static final List<String> NEEDS_ATTACH =
      List.of("list", "attach", "status", "watch", "detach");

  private Cli() {}

  /** Returns the exit code: 0 success, 1 failure, 2 usage error. */
  public static int run(String[] args) {
    return run(args, System.out, System.err);
  }

  /** As {@link #run(String[])}, printing to the given streams. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length > 0 && args[0].equals("report")) {
      // Reads files only: no attach, no target; it reports its own errors the same way.
      return ReportCommand.run(List.of(args).subList(1, args.length), out, err);
    }
    try {
      int code = dispatch(args, out);
      out.flush();
      return code;
    } catch (CliFailure f) {
      out.flush();
      err.println("reset-tracer: " + f.getMessage());
      if (f.exitCode == CliFailure.USAGE) {
        err.println("try: java -jar reset-tracer.jar help");
      }
      return f.exitCode;
    }
  }

  private static int dispatch(String[] args, PrintStream out) throws CliFailure {
    if (args.length == 0) {
      throw CliFailure.usage("no command given");
    }
    String command = args[0];
    if (command.equals("help") || command.equals("--help") || command.equals("-h")) {
      out.println(USAGE);
      return 0;
    }
    if (command.equals("version")) {
      out.println("reset-tracer " + AgentVersion.get());
      return 0;
    }
    if (!NEEDS_ATTACH.contains(command)) {
      throw CliFailure.usage("unknown command '" + command + "'");
    }
    if (ModuleLayer.boot().findModule("jdk.attach").isEmpty()) {
      throw CliFailure.failed(
          "this Java runtime ("
              + System.getProperty("java.home")
              + ") has no jdk.attach module, which"
              + " "
              + command
              + " needs: run the command with a full JDK 17+ (its bin/java)");
    }
    if (command.equals("list")) {
      expectArguments(args, 1, 1, "list");
      return ListCommand.run(out);
    }
    if (command.equals("attach")) {
      expectArguments(args, 2, 3, "attach <pid> [options]");
      return AttachCommand.run(TargetJvm.parsePid(args[1]), args.length > 2 ? args[2] : "", out);
    }
    if (command.equals("watch")) {
      expectArguments(args, 2, 3, "watch <pid> [--json]");
      if (args.length == 3 && !args[2].equals("--json")) {
        throw CliFailure.usage("usage: java -jar reset-tracer.jar watch <pid> [--json]");
      }
      return WatchCommand.run(TargetJvm.parsePid(args[1]), args.length == 3, out);
    }
    expectArguments(args, 2, 2, command + " <pid>");
    long pid = TargetJvm.parsePid(args[1]);
    switch (command) {
      case "status":
        return StatusCommand.run(pid, out);
      default:
        return DetachCommand.run(pid, out);
    }
  }

  private static void expectArguments(String[] args, int min, int max, String form)
      throws CliFailure {
    if (args.length < min || args.length > max) {
      throw CliFailure.usage("usage: java -jar reset-tracer.jar " + form);
    }
  }
}
