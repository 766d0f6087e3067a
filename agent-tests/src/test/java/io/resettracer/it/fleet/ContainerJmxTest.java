package io.resettracer.it.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resettracer.it.support.ChildJvm;
import io.resettracer.it.support.Jdks;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Under {@code -javaagent} the MBean registers itself, but never before a container that names its
 * own log manager and MBean server builder has installed them: the container gets both, and the
 * agent's MBean appears in the container's server afterwards.
 */
class ContainerJmxTest {

  @Test
  void theMBeanWaitsForTheContainersOwnServerAndLogManager() throws Exception {
    for (Jdks.Jdk jdk : Jdks.all()) {
      ChildJvm.Result r = ChildJvm.run(jdk, List.of(
          "-Djava.util.logging.manager=" + ContainerTarget.Logs.class.getName(),
          "-Djavax.management.builder.initial=" + ContainerTarget.Builder.class.getName(),
          ChildJvm.javaagent("")), ContainerTarget.class.getName(), List.of(), 60);
      String out = String.join("\n", r.stdout());
      System.out.printf("[fleet] %s: container start: %s%n", jdk, out.replace('\n', ' '));
      assertEquals(0, r.exitCode(), jdk + ": " + r.describe());
      assertTrue(r.stdout().contains("LOGMANAGER " + ContainerTarget.Logs.class.getName()),
          jdk + ": the container's log manager: " + r.describe());
      assertTrue(r.stdout().contains("BUILDER true"), jdk + ": the container's builder: "
          + r.describe());
      assertTrue(r.stdout().contains("MBEAN registered"), jdk + ": " + r.describe());
      assertTrue(r.stdout().contains("ATTRIBUTE 0"), jdk + ": a plain counter: " + r.describe());
      assertTrue(r.stdout().contains("SWALLOWED 0"), jdk + ": " + r.describe());
    }
  }
}
