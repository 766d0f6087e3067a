package io.resettracer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.resettracer.it.support.ChildJvm;
import io.resettracer.it.support.Jdks;
import io.resettracer.it.support.ScenarioRun;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Netty however it is packaged, on every JDK: a real gRPC client over gRPC's relocated Netty
 * ({@code io.grpc.netty.shaded.io.netty}; gRPC 1.85 ships Netty 4.2.17) on epoll and on NIO whose
 * server, a JVM of its own, is killed mid-call; and Netty 4.2's io_uring transport, ping-pong and reset. Each runs with the agent
 * and without; the application must see the same either way.
 */
class NettyTransportsTest {

  private static final long MS = 1_000_000L;

  @TestFactory
  Stream<DynamicNode> everyJdk() {
    List<Jdks.Jdk> jdks = Jdks.all();
    assertFalse(jdks.isEmpty(), "no JDK found to run child JVMs on");
    return jdks.stream().map(jdk -> DynamicContainer.dynamicContainer(jdk.toString(), tests(jdk)));
  }

  private Stream<DynamicNode> tests(Jdks.Jdk jdk) {
    List<DynamicNode> tests = new ArrayList<>();
    tests.add(DynamicTest.dynamicTest("grpc-shaded-epoll",
        () -> grpcServerKilled(jdk, "grpc-shaded-epoll", "netty-epoll")));
    tests.add(DynamicTest.dynamicTest("grpc-shaded-nio",
        () -> grpcServerKilled(jdk, "grpc-shaded-nio", "nio")));
    // The 4.2 the project builds with, and a newer one: io_uring's woven internals move.
    for (String netty : List.of("resettracer.netty42", "resettracer.netty42latest")) {
      String name = netty.endsWith("latest") ? "4.2-newer" : "4.2";
      tests.add(DynamicTest.dynamicTest("netty-" + name + "-io_uring-read",
          () -> ioUringReset(jdk, netty)));
      tests.add(DynamicTest.dynamicTest("netty-" + name + "-io_uring-pingpong",
          () -> ioUringPingPong(jdk, netty)));
    }
    return tests.stream();
  }

  /**
   * The client's connection is reset by the dying server's kernel: one event, on the transport the
   * client used, naming the exception its transport met (gRPC hands the application a status).
   */
  private void grpcServerKilled(Jdks.Jdk jdk, String scenario, String transport) throws Exception {
    ScenarioRun with = ScenarioRun.of(jdk, scenario, "", List.of());
    assumeTrue(with.skipped == null, () -> scenario + " skipped on " + jdk + ": " + with.skipped);
    ScenarioRun without = ScenarioRun.of(jdk, scenario, null, List.of());
    assertSameApplicationView(with, without);
    assertEquals(0, with.swallowed, "the agent swallowed errors:\n" + with.describe());
    assertEquals(1, with.events.size(), "one event per reset connection:\n" + with.describe());
    Map<String, String> e = with.events.get(0);
    System.out.printf("[%s on JDK %d] %s%n", scenario, jdk.feature(), e);
    assertEquals(transport, e.get("transport"), e.toString());
    assertEquals("client", e.get("role"));
    assertEquals("reset", e.get("failure"), e.toString());
    assertEquals("read", e.get("operation"), e.toString());
    assertEquals("127.0.0.1", e.get("remoteAddress"));
    assertEquals(with.fact("serverPort"), Long.parseLong(e.get("remotePort")));
    assertTrue(Long.parseLong(e.get("localPort")) > 0, e.toString());
    assertEquals("true", e.get("ageKnown"), e.toString());
    // The finished call and the two in flight: more written than the 1100 bytes of payload.
    assertTrue(Long.parseLong(e.get("bytesWritten")) > 1100, e.toString());
    assertTrue(Long.parseLong(e.get("bytesRead")) > 100, e.toString());
    assertTrue(Long.parseLong(e.get("writtenSinceRead")) >= 1000, e.toString());
    if (transport.equals("nio")) {
      assertEquals("java.net.SocketException", e.get("exceptionClass"));
      assertEquals("Connection reset", e.get("exceptionMessage"));
    } else {
      // Relocated, and recognised by its errno (gRPC's Netty writes "failed with error(-104)").
      assertEquals("io.grpc.netty.shaded.io.netty.channel.unix.Errors$NativeIoException",
          e.get("exceptionClass"));
      assertTrue(e.get("exceptionMessage").contains("Connection reset by peer"), e.toString());
    }
    assertTrue(with.appExceptions.get(0).contains("UNAVAILABLE"), with.describe());
  }

  /** The shape of the other transports' reset scenario: a 100/10 exchange, a pause, a reset. */
  private void ioUringReset(Jdks.Jdk jdk, String netty) throws Exception {
    ScenarioRun with =
        onNetty42(netty, () -> ScenarioRun.of(jdk, "netty-io_uring-read", "", List.of()));
    assumeTrue(with.skipped == null, () -> "io_uring skipped on " + jdk + ": " + with.skipped);
    ScenarioRun without =
        onNetty42(netty, () -> ScenarioRun.of(jdk, "netty-io_uring-read", null, List.of()));
    assertTrue(with.facts.get("nettyVersion").startsWith("4.2."), with.facts.toString());
    assertSameApplicationView(with, without);
    assertEquals(0, with.swallowed, "the agent swallowed errors:\n" + with.describe());
    assertEquals(1, with.events.size(), "one event per reset connection:\n" + with.describe());
    Map<String, String> e = with.events.get(0);
    System.out.printf("[io_uring reset on JDK %d, Netty %s] %s%n", jdk.feature(),
        with.facts.get("nettyVersion"), e);
    String[] first = firstException(with);
    assertEquals(first[0], e.get("exceptionClass"), with.describe());
    assertEquals(first[1], e.get("exceptionMessage"), with.describe());
    assertEquals("netty-io_uring", e.get("transport"));
    assertEquals("reset", e.get("failure"));
    assertEquals("read", e.get("operation"));
    assertEquals("client", e.get("role"));
    assertEquals("127.0.0.1", e.get("remoteAddress"));
    assertEquals("127.0.0.1", e.get("localAddress"));
    assertEquals(with.fact("serverPort"), Long.parseLong(e.get("remotePort")));
    assertEquals(with.fact("clientPort"), Long.parseLong(e.get("localPort")));
    assertEquals(with.fact("bytesRead"), Long.parseLong(e.get("bytesRead")), "bytesRead");
    assertEquals(with.fact("bytesWritten"), Long.parseLong(e.get("bytesWritten")), "bytesWritten");
    assertEquals(with.fact("writtenSinceRead"), Long.parseLong(e.get("writtenSinceRead")));
    assertEquals(with.fact("exchanges"), Long.parseLong(e.get("exchanges")), "exchanges");
    assertEquals("true", e.get("ageKnown"));
    long idle = Long.parseLong(e.get("idleTime")) / MS;
    long idleMs = with.fact("idleMs");
    assertTrue(idle >= idleMs - ResetEventsTest.CLOCK_SLACK_MS && idle < idleMs + 1500,
        "idle " + idle + " ms, the scenario paused " + idleMs + " ms");
    assertTrue(e.get("stack").contains("io.netty.channel.uring."), "stack: " + e.get("stack"));
  }

  /**
   * Traffic without a reset: 200 round trips through the woven completions, then clean closes
   * from both ends. Nothing to report, nothing swallowed, and both ends' states gone with their
   * channels.
   */
  private void ioUringPingPong(Jdks.Jdk jdk, String netty) throws Exception {
    ScenarioRun with =
        onNetty42(netty, () -> ScenarioRun.of(jdk, "netty-io_uring-pingpong", "", List.of()));
    assumeTrue(with.skipped == null, () -> "io_uring skipped on " + jdk + ": " + with.skipped);
    ScenarioRun without =
        onNetty42(netty, () -> ScenarioRun.of(jdk, "netty-io_uring-pingpong", null, List.of()));
    assertTrue(with.facts.get("nettyVersion").startsWith("4.2."), with.facts.toString());
    assertEquals(List.of("APP-OK"), with.appExceptions, with.describe());
    assertEquals(without.appExceptions, with.appExceptions);
    assertEquals(0, with.swallowed, with.describe());
    assertEquals(List.of(), with.events, "clean traffic is not a reset:\n" + with.describe());
    assertEquals(0, with.tracked, "closed channels are no longer tracked:\n" + with.describe());
  }

  /**
   * Runs {@code body} with Netty 4.2's jars (io_uring's among them) in place of Netty 4.1's, from
   * the folder the build copied them to, named by the system property {@code netty}.
   */
  private static ScenarioRun onNetty42(String netty,
      java.util.concurrent.Callable<ScenarioRun> body) throws Exception {
    Path dir = Path.of(System.getProperty(netty));
    StringBuilder libraries = new StringBuilder();
    for (String entry : ChildJvm.LIBRARIES.split(File.pathSeparator)) {
      if (!entry.isEmpty() && !entry.contains("/io/netty/")) {
        libraries.append(File.pathSeparator).append(entry);
      }
    }
    try (Stream<Path> jars = Files.list(dir)) {
      jars.sorted().forEach(j -> libraries.append(File.pathSeparator).append(j));
    }
    return ChildJvm.withLibraries(libraries.toString(), body);
  }

  private static void assertSameApplicationView(ScenarioRun with, ScenarioRun without) {
    assertEquals(without.appExceptions, with.appExceptions,
        "the application must see the same outcome with the agent:\n" + with.describe());
    assertFalse(without.appExceptions.isEmpty(), "the scenario must make the application fail");
  }

  private static String[] firstException(ScenarioRun run) {
    for (String line : run.appExceptions) {
      if (line.startsWith("APP-EXCEPTION ")) {
        String head = line.substring("APP-EXCEPTION ".length(), line.indexOf(" | cause "));
        int colon = head.indexOf(": ");
        return new String[] {head.substring(0, colon), head.substring(colon + 2)};
      }
    }
    throw new AssertionError("the application saw no exception:\n" + run.describe());
  }
}
