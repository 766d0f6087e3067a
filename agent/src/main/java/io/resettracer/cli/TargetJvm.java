package io.resettracer.cli;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import io.resettracer.agent.AgentCommands;
import io.resettracer.agent.AgentMain;
import io.resettracer.agent.JavaVersion;
import io.resettracer.bootstrap.AgentPresence;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * A running JVM on this machine, attached to through the Attach API. Every reason an attach can
 * fail becomes one line that says what to do. A process is attached to only once it is known to be
 * a JVM that is ready for it: the attach handshake signals the process (SIGQUIT), which would kill
 * anything else, and a JVM that has not yet installed its handler.
 */
final class TargetJvm implements AutoCloseable {

  private static final int SIGQUIT = 3;

  final long pid;
  private final VirtualMachine vm;

  private TargetJvm(long pid, VirtualMachine vm) {
    this.pid = pid;
    this.vm = vm;
  }

  static long parsePid(String arg) throws CliFailure {
    try {
      long pid = Long.parseLong(arg);
      if (pid > 0) {
        return pid;
      }
    } catch (NumberFormatException e) {
      // the message below
    }
    throw CliFailure.usage("'" + arg + "' is not a process id");
  }

  static TargetJvm attach(long pid) throws CliFailure {
    checkAttachable(pid);
    try {
      return new TargetJvm(pid, VirtualMachine.attach(String.valueOf(pid)));
    } catch (AttachNotSupportedException e) {
      String m = String.valueOf(e.getMessage());
      if (m.contains("does not support the attach mechanism")) {
        throw attachDisabled(pid);
      }
      throw CliFailure.failed("cannot attach to pid " + pid + ": " + m);
    } catch (IOException e) {
      throw CliFailure.failed("cannot attach to pid " + pid + ": " + e.getMessage());
    }
  }

  /** The JVMs this user can see, as the Attach API lists them. */
  static List<VirtualMachineDescriptor> list() {
    return VirtualMachine.list();
  }

  /** Refuses, with the reason, every pid that is not a JVM this user may attach to. */
  private static void checkAttachable(long pid) throws CliFailure {
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isEmpty() || !process.get().isAlive()) {
      throw CliFailure.failed("no process with pid " + pid);
    }
    if (pid == ProcessHandle.current().pid()) {
      throw CliFailure.usage("pid " + pid + " is this command itself");
    }
    ProcessHandle.Info info = process.get().info();
    String owner = info.user().orElse(null);
    String me = ProcessHandle.current().info().user().orElse(System.getProperty("user.name"));
    if (owner != null && !owner.equals(me) && !"root".equals(me)) {
      throw CliFailure.failed(
          "pid "
              + pid
              + " belongs to user "
              + owner
              + ", and a JVM only lets its own user attach:"
              + " run this command as "
              + owner
              + " (e.g. sudo -u "
              + owner
              + " java -jar ...)");
    }
    if (!isJvm(pid)) {
      throw CliFailure.failed(
          "pid "
              + pid
              + " is not a Java virtual machine ("
              + info.command()
                  .map(c -> Path.of(c).getFileName().toString())
                  .orElse("unknown command")
              + ")");
    }
    String[] args = info.arguments().orElse(new String[0]);
    if (Stream.of(args).anyMatch("-XX:+DisableAttachMechanism"::equals)) {
      throw attachDisabled(pid);
    }
    if (!attachListenerRunning(pid) && !handlesAttachSignal(pid)) {
      throw CliFailure.failed(
          "pid "
              + pid
              + " does not handle the attach signal yet (it is starting, or runs with"
              + " -Xrs): try again in a moment");
    }
  }

  /** An attach listener that already runs answers on its socket, and no signal is sent. */
  private static boolean attachListenerRunning(long pid) {
    String socket = ".java_pid" + pid;
    return Files.exists(Path.of("/proc", String.valueOf(pid), "root", "tmp", socket))
        || Files.exists(Path.of(System.getProperty("java.io.tmpdir"), socket));
  }

  /**
   * Whether the JVM has installed its SIGQUIT handler, which answers the attach handshake. A JVM
   * still starting up has not, and the signal would kill it. True where this cannot be told.
   */
  static boolean handlesAttachSignal(long pid) {
    Path status = Path.of("/proc", String.valueOf(pid), "status");
    try (Stream<String> lines = Files.lines(status)) {
      return lines
          .filter(l -> l.startsWith("SigCgt:"))
          .findFirst()
          .map(
              l -> (Long.parseUnsignedLong(l.substring(7).trim(), 16) & (1L << (SIGQUIT - 1))) != 0)
          .orElse(true);
    } catch (IOException | RuntimeException e) {
      return true;
    }
  }

  private static CliFailure attachDisabled(long pid) {
    return CliFailure.failed(
        "pid "
            + pid
            + " does not allow attaching (-XX:+DisableAttachMechanism): load reset-tracer"
            + " with -javaagent at its next start instead");
  }

  /**
   * Listed by the Attach API (which reads the JVMs' performance data), or, for a JVM run with
   * {@code -XX:-UsePerfData}, mapping the JVM library.
   */
  private static boolean isJvm(long pid) {
    String id = String.valueOf(pid);
    if (VirtualMachine.list().stream().anyMatch(d -> d.id().equals(id))) {
      return true;
    }
    Path maps = Path.of("/proc", id, "maps");
    try (Stream<String> lines = Files.lines(maps)) {
      return lines.anyMatch(l -> l.endsWith("/libjvm.so"));
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Refuses a JVM older than the agent supports, before anything is loaded into it. */
  int requireSupportedJava() throws CliFailure {
    return requireSupported(pid, systemProperty("java.specification.version"));
  }

  static int requireSupported(long pid, String spec) throws CliFailure {
    int feature = JavaVersion.feature(spec);
    if (feature < JavaVersion.MINIMUM) {
      throw CliFailure.failed(
          "pid "
              + pid
              + " runs Java "
              + spec
              + "; reset-tracer needs JDK "
              + JavaVersion.MINIMUM
              + " or later in the target: load it with -javaagent after an upgrade");
    }
    return feature;
  }

  String systemProperty(String key) throws CliFailure {
    try {
      return vm.getSystemProperties().getProperty(key);
    } catch (IOException e) {
      throw lost(e);
    }
  }

  Properties agentProperties() throws CliFailure {
    try {
      return vm.getAgentProperties();
    } catch (IOException e) {
      throw lost(e);
    }
  }

  /** "version mode" while reset-tracer is active in the target, else null. */
  String presence() throws CliFailure {
    return agentProperties().getProperty(AgentPresence.KEY);
  }

  /** The JVM options the target was started with. */
  String jvmArgs() throws CliFailure {
    return agentProperties().getProperty("sun.jvm.args", "");
  }

  /** Loads the agent jar; returns once the agent's {@code agentmain} has returned. */
  void loadAgent(String jar, String options) throws CliFailure {
    try {
      vm.loadAgent(jar, options);
    } catch (AgentLoadException e) {
      throw CliFailure.failed("pid " + pid + " refused to load the agent: " + e.getMessage());
    } catch (AgentInitializationException e) {
      throw CliFailure.failed(
          "the agent failed to start in pid "
              + pid
              + "; the reason is on that JVM's standard error");
    } catch (IOException e) {
      throw lost(e);
    }
  }

  /**
   * Asks reset-tracer, active in the target, to run {@code command} (see {@link AgentCommands}) and
   * returns its answer: the jar is loaded once more with the command as {@code agentmain}'s
   * argument, and the answer read from the agent properties. No port is opened and no management
   * agent is started on either side.
   */
  String ask(String command, String argument) throws CliFailure {
    String token = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
    String jar = AgentJar.path();
    try {
      vm.loadAgent(jar, AgentMain.COMMAND + command + " " + token + " " + argument);
    } catch (AgentLoadException e) {
      String m = String.valueOf(e.getMessage());
      if (m.contains("EnableDynamicAgentLoading") || m.contains("not enabled")) {
        throw CliFailure.failed(
            "pid "
                + pid
                + " does not allow loading an agent while it runs"
                + " (-XX:-EnableDynamicAgentLoading), which "
                + command
                + " needs to ask reset-tracer: restart it without that flag");
      }
      throw CliFailure.failed("pid " + pid + " refused to load the agent jar: " + m);
    } catch (AgentInitializationException e) {
      throw CliFailure.failed(
          "reset-tracer in pid "
              + pid
              + " failed to answer; the reason is on that JVM's standard error");
    } catch (IOException e) {
      throw lost(e);
    }
    String reply = agentProperties().getProperty(AgentCommands.REPLY_PREFIX + token);
    if (reply == null) {
      throw CliFailure.failed(
          "reset-tracer in pid "
              + pid
              + " did not answer '"
              + command
              + "': it may be an earlier version (use the jar it was loaded from), or the reason"
              + " is on that JVM's standard error");
    }
    return reply;
  }

  /**
   * Since JDK 21 a JVM warns on its standard error at every agent loaded while it runs, unless it
   * was started with {@code -XX:+EnableDynamicAgentLoading}: whether it warned at the last load.
   */
  boolean warnsOfDynamicLoading() throws CliFailure {
    return JavaVersion.feature(systemProperty("java.specification.version")) >= 21
        && !jvmArgs().contains(AttachCommand.DYNAMIC_LOADING_FLAG);
  }

  /** The note that explains the target's warning after a command that loaded the jar to ask. */
  String dynamicLoadingNote() throws CliFailure {
    return "note: to ask reset-tracer, this command loaded its jar into pid "
        + pid
        + " once more, and Java "
        + JavaVersion.feature(systemProperty("java.specification.version"))
        + " printed its \"WARNING: A Java agent has been loaded dynamically\" on that JVM's"
        + " standard error. Start it with "
        + AttachCommand.DYNAMIC_LOADING_FLAG
        + " to allow this without the warning.";
  }

  CliFailure lost(Exception e) {
    return CliFailure.failed("lost the connection to pid " + pid + ": " + e.getMessage());
  }

  @Override
  public void close() {
    try {
      vm.detach();
    } catch (IOException e) {
      // The target is gone or closed the connection: nothing is left to release.
    }
  }
}
