package io.resettracer.agent;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;

/**
 * The jar's entry points: {@code premain} ({@code -javaagent}), {@code agentmain} (attach) and
 * {@code main} (the command line). Compiled for Java 8 and free of references to the rest of the
 * agent, so that on a JDK too old for it the agent can still say so in one line and stand down
 * instead of failing to load, which would stop the host JVM from starting.
 */
public final class AgentMain {

  /**
   * Starts {@code agentmain}'s argument when {@code java -jar reset-tracer.jar status|detach|watch}
   * loads the jar into a JVM where the agent already runs, to ask it something: the answer comes
   * back through the JVM's agent properties, so no command needs a port. Not an option's form
   * (options are key=value), so an attach can never be taken for a command or the other way round.
   */
  public static final String COMMAND = "command:";

  private AgentMain() {}

  public static void premain(String args, Instrumentation inst) {
    start(args, inst, false);
  }

  public static void agentmain(String args, Instrumentation inst) {
    if (args != null && args.startsWith(COMMAND)) {
      command(args.substring(COMMAND.length()));
    } else {
      start(args, inst, true);
    }
  }

  public static void main(String[] args) {
    if (!supported()) {
      System.err.println(tooOld());
      System.exit(1);
    }
    int code;
    try {
      code = (Integer) Class.forName("io.resettracer.cli.Cli")
          .getMethod("run", String[].class)
          .invoke(null, (Object) args);
    } catch (InvocationTargetException e) {
      System.err.println("reset-tracer: " + e.getCause());
      code = 1;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      System.err.println("reset-tracer: " + e);
      code = 1;
    }
    System.exit(code);
  }

  private static void start(String args, Instrumentation inst, boolean dynamic) {
    try {
      if (!supported()) {
        System.err.println("[reset-tracer] " + tooOld() + "; the application runs without it");
        return;
      }
      Class.forName("io.resettracer.agent.AgentInstaller")
          .getMethod("install", String.class, Instrumentation.class, boolean.class)
          .invoke(null, args, inst, dynamic);
    } catch (Throwable t) {
      Throwable cause = t instanceof InvocationTargetException ? t.getCause() : t;
      // An I/O failure's message already names the file and what to do; its class adds nothing.
      System.err.println("[reset-tracer] ERROR could not start, the application runs without it: "
          + (cause instanceof IOException ? cause.getMessage() : String.valueOf(cause)));
    }
  }

  private static void command(String line) {
    try {
      if (!supported()) {
        System.err.println("[reset-tracer] " + tooOld());
        return;
      }
      Class.forName("io.resettracer.agent.AgentCommands")
          .getMethod("run", String.class)
          .invoke(null, line);
    } catch (Throwable t) {
      Throwable cause = t instanceof InvocationTargetException ? t.getCause() : t;
      System.err.println("[reset-tracer] ERROR a command from java -jar reset-tracer.jar failed: "
          + cause);
    }
  }

  private static boolean supported() {
    String spec = System.getProperty("java.specification.version");
    return JavaVersion.feature(spec) >= JavaVersion.MINIMUM;
  }

  private static String tooOld() {
    return "reset-tracer needs JDK " + JavaVersion.MINIMUM + " or later; this is Java "
        + System.getProperty("java.specification.version") + " ("
        + System.getProperty("java.home") + "): run it with a newer JDK";
  }
}
