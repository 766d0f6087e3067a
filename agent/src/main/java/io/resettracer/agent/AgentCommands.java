package io.resettracer.agent;

import io.resettracer.bootstrap.ResetTracerHooks;
import io.resettracer.log.AgentLog;
import org.slf4j.Logger;

/**
 * What {@code java -jar reset-tracer.jar status|detach|watch} asks the running agent to do. The
 * command loads the jar once more with {@code command:<name> <token> [argument]} as {@code
 * agentmain}'s argument (see {@code AgentMain.COMMAND}); the agent runs the command here and
 * answers in the JVM's agent properties under {@link #REPLY_PREFIX}{@code <token>}, which the
 * command reads through the Attach API. Neither side opens a port, and nothing starts the JVM's
 * management agent. No answer under its token tells the command that the agent did not understand
 * it (an earlier version) or failed.
 */
public final class AgentCommands {

  public static final String STATUS = "status";
  public static final String DETACH = "detach";
  public static final String WATCH = "watch";

  /**
   * Where a command's answer is: {@code io.resettracer.agent.reply.<token>}, one key per command so
   * that two commands at once each find their own. The last few are kept; a detach leaves its own.
   */
  public static final String REPLY_PREFIX = "io.resettracer.agent.reply.";

  /** Text that {@code status} shows: {@code io.resettracer.status.<name>}. */
  public static final String STATUS_PREFIX = "io.resettracer.status.";

  /**
   * Every number of the MBean's, {@code io.resettracer.count.<name>}, and for a count per key (per
   * verdict) its total there and each key at {@code io.resettracer.count.<name>.<key>}. {@code
   * status} prints them all, so a counter added to the MBean shows without changing the command.
   */
  public static final String COUNT_PREFIX = "io.resettracer.count.";

  /** The answer to {@code status} once the snapshot is published (see {@link Presence}). */
  public static final String STATUS_OK = "ok";

  /** The answer to {@code watch}: this, then the JFR repository the command can stream from. */
  public static final String WATCHING = "repository ";

  private static final Logger log = AgentLog.get(AgentCommands.class);

  private AgentCommands() {}

  /** Called reflectively by {@code AgentMain}; never throws, every failure is the answer. */
  public static void run(String line) {
    String[] words = line.trim().split(" ");
    String token = words.length > 1 ? words[1] : "";
    if (!isToken(token)) {
      // Not from the command line (it sends a short hex token): no key named after it.
      log.warn("ignoring a command without a valid token");
      return;
    }
    String answer;
    try {
      answer = answer(words[0], words.length > 2 ? words[2] : "");
    } catch (Throwable t) {
      ResetTracerHooks.swallow(t);
      log.warn("the command '{}' failed", words[0], t);
      answer = "failed in the target: " + t;
    }
    Presence.reply(token, answer);
  }

  private static boolean isToken(String s) {
    if (s.isEmpty() || s.length() > 32) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
        return false;
      }
    }
    return true;
  }

  private static String answer(String command, String argument) throws Exception {
    if (command.equals(DETACH)) {
      return AgentRuntime.detach();
    }
    AgentRuntime runtime = AgentRuntime.current();
    if (runtime == null) {
      return "reset-tracer is not active in this JVM";
    }
    switch (command) {
      case STATUS:
        Presence.publishStatus(runtime);
        return STATUS_OK;
      case WATCH:
        return watch(runtime, argument);
      default:
        return "unknown command '"
            + command
            + "' (from a newer reset-tracer.jar than the one loaded here?)";
    }
  }

  private static String watch(AgentRuntime runtime, String watcherPid) throws Exception {
    if (!runtime.options().jfr) {
      return "reset-tracer runs with jfr=false here: it records no events to watch, and logs each"
          + " reset on this JVM's standard error instead";
    }
    if (ModuleLayer.boot().findModule("jdk.jfr").isEmpty()) {
      return "this JVM's runtime has no jdk.jfr module: there are no events to watch, and each"
          + " reset is logged on its standard error instead";
    }
    long pid;
    try {
      pid = Long.parseLong(watcherPid);
    } catch (NumberFormatException e) {
      return "watch needs the watching process's id, not '" + watcherPid + "'";
    }
    Presence.watchStarted();
    return WATCHING + WatchRecording.start(pid);
  }
}
