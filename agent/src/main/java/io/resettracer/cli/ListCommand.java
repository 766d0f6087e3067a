package io.resettracer.cli;

import com.sun.tools.attach.VirtualMachineDescriptor;
import java.io.PrintStream;

/**
 * {@code list}: the JVMs on this machine and whether reset-tracer is active in each. Finding out
 * attaches to each JVM (as {@code jcmd} does) and reads one agent property; nothing is loaded.
 */
final class ListCommand {

  private static final String FORMAT = "%-8s %-32s %s%n";

  private ListCommand() {}

  static int run(PrintStream out) {
    out.printf(FORMAT, "PID", "RESET-TRACER", "MAIN");
    long self = ProcessHandle.current().pid();
    for (VirtualMachineDescriptor d : TargetJvm.list()) {
      long pid;
      try {
        pid = Long.parseLong(d.id());
      } catch (NumberFormatException e) {
        continue;
      }
      if (pid == self || ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)) {
        continue; // this command, or a JVM that ended since it was listed
      }
      out.printf(FORMAT, pid, state(pid), d.displayName().isBlank() ? "?" : d.displayName());
    }
    return 0;
  }

  private static String state(long pid) {
    try (TargetJvm target = TargetJvm.attach(pid)) {
      String presence = target.presence();
      return presence == null ? "-" : "active " + AttachCommand.describe(presence);
    } catch (CliFailure e) {
      return "? " + e.getMessage().replace("pid " + pid + " ", "");
    }
  }
}
