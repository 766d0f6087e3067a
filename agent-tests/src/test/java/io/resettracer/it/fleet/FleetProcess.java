package io.resettracer.it.fleet;

import io.resettracer.it.support.ChildJvm;
import io.resettracer.it.support.Jdks;
import io.resettracer.it.support.LiveProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Starting {@link FleetTarget} with the agent, and what the fleet tests share. */
final class FleetProcess {

  private FleetProcess() {}

  /** Starts {@link FleetTarget} on {@code jdk} with {@code jvmArgs}; waits for it to be ready. */
  static LiveProcess start(Jdks.Jdk jdk, List<String> jvmArgs) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(jdk.java().toString());
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add(ChildJvm.SCENARIO_CLASSES + ChildJvm.LIBRARIES);
    command.add(FleetTarget.class.getName());
    LiveProcess p = LiveProcess.start(command);
    try {
      p.awaitOut(0, l -> l.startsWith("READY "), 60_000);
    } catch (Throwable t) {
      p.close();
      throw t;
    }
    return p;
  }

  /** A loopback port free a moment ago, for a server the test or a child starts itself. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Milliseconds the failing call took, from a {@code RESET <port> <millis> <outcome>} line. */
  static long callMillis(String resetLine) {
    return Long.parseLong(resetLine.split(" ")[2]);
  }
}
