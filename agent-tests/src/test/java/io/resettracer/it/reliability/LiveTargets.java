package io.resettracer.it.reliability;

import io.resettracer.it.support.ChildJvm;
import io.resettracer.it.support.Jdks;
import io.resettracer.it.support.LiveProcess;
import java.util.ArrayList;
import java.util.List;

/** {@code LiveTarget} child JVMs for the reliability tests, ready once they say so. */
final class LiveTargets {

  static final String TARGET = "io.resettracer.it.scenarios.LiveTarget";

  private LiveTargets() {}

  /** {@code java <jvmArgs> LiveTarget}, behind {@code launcher} (such as a shell) when not empty. */
  static LiveProcess start(List<String> launcher, Jdks.Jdk jdk, List<String> jvmArgs)
      throws Exception {
    List<String> command = new ArrayList<>(launcher);
    command.add(jdk.java().toString());
    command.addAll(jvmArgs);
    command.addAll(List.of("-cp", ChildJvm.SCENARIO_CLASSES.toString(), TARGET));
    LiveProcess p = LiveProcess.start(command);
    try {
      p.awaitOut(0, l -> l.startsWith("READY "), 30_000);
    } catch (AssertionError | InterruptedException e) {
      p.close();
      throw e;
    }
    return p;
  }

  /** A shell that sets the umask to 000 and then becomes the JVM (same pid). */
  static List<String> umask000() {
    return List.of("/bin/sh", "-c", "umask 000; exec \"$@\"", "sh");
  }
}
