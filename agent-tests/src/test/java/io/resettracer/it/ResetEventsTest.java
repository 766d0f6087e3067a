package io.resettracer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.resettracer.it.support.ChildJvm;
import io.resettracer.it.support.Jdks;
import io.resettracer.it.support.ScenarioRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Each scenario runs twice per JDK in a child JVM, with the agent and without. The run with the agent
 * must produce one {@code resettracer.ConnectionReset} per reset connection with the scenario's known
 * numbers, and the application must see exactly what it sees without the agent.
 */
class ResetEventsTest {

  private static final long MS = 1_000_000L;
  /** Generous: a loaded 2-core CI machine can stall a thread for a while. */
  private static final long TIMING_SLACK_MS = 1500;
  /** The agent's I/O-path clock ticks every 50 ms: an idle may read up to a tick (and a stall) short. */
  static final long CLOCK_SLACK_MS = 100;

  /** Scenarios with one 100/10 exchange, a pause, and a reset: name, transport. */
  private static final List<String[]> SINGLE_RESET = List.of(
      new String[] {"socket-read", "socket"},
      new String[] {"socket-write", "socket"},
      new String[] {"nio-blocking-read", "nio"},
      new String[] {"nio-selector-read", "nio"},
      new String[] {"nio-adaptor-read", "nio"},
      new String[] {"async-handler-read", "async"},
      new String[] {"async-future-read", "async"},
      new String[] {"virtual-thread-read", "socket"},
      new String[] {"netty-epoll-read", "netty-epoll"},
      new String[] {"netty-nio-read", "nio"});

  @TestFactory
  Stream<DynamicNode> everyJdk() {
    List<Jdks.Jdk> jdks = Jdks.all();
    assertFalse(jdks.isEmpty(), "no JDK found to run child JVMs on");
    return jdks.stream().map(jdk -> DynamicContainer.dynamicContainer(jdk.toString(), scenarios(jdk)));
  }

  private Stream<DynamicNode> scenarios(Jdks.Jdk jdk) {
    List<DynamicNode> tests = new ArrayList<>();
    for (String[] s : SINGLE_RESET) {
      tests.add(DynamicTest.dynamicTest(s[0], () -> singleReset(jdk, s[0], s[1])));
    }
    tests.add(DynamicTest.dynamicTest("netty-4.2-epoll-read", () -> netty42(jdk)));
    tests.add(DynamicTest.dynamicTest("netty-epoll-own-loader", () -> nettyOwnLoader(jdk)));
    tests.add(DynamicTest.dynamicTest("tls-read", () -> tlsReset(jdk)));
    tests.add(DynamicTest.dynamicTest("http-client", () -> retriedResets(jdk, "http-client", "nio")));
    tests.add(DynamicTest.dynamicTest("http-url-connection",
        () -> retriedResets(jdk, "http-url-connection", "socket")));
    tests.add(DynamicTest.dynamicTest("clean-traffic", () -> cleanTraffic(jdk)));
    tests.add(DynamicTest.dynamicTest("premature-eof-socket", () -> prematureEofSocket(jdk)));
    return tests.stream();
  }

  /**
   * A blocking socket's request answered by end of stream is a premature close, reported once: on a
   * brand-new connection (a server at capacity that accepts and closes) and after a request that
   * waited 1.5 s, far past the 500 ms the channel paths allow, for a peer that then went away.
   */
  private void prematureEofSocket(Jdks.Jdk jdk) throws Exception {
    ScenarioRun with = ScenarioRun.of(jdk, "premature-eof-socket", "", List.of());
    ScenarioRun without = ScenarioRun.of(jdk, "premature-eof-socket", null, List.of());
    assertSameApplicationView(with, without);
    assertEquals(0, with.swallowed, with.describe());
    assertEquals(2, with.events.size(), "both premature closes:\n" + with.describe());
    // A recording keeps each thread's events in buffers of their own: ordered by when they failed.
    List<Map<String, String>> byTime = new ArrayList<>(with.events);
    byTime.sort(java.util.Comparator.comparingLong(e -> Long.parseLong(e.get("failedAt"))));
    Map<String, String> brandNew = byTime.get(0);
    Map<String, String> waited = byTime.get(1);
    for (Map<String, String> e : with.events) {
      assertEquals("premature-eof", e.get("failure"), e.toString());
      assertEquals("socket", e.get("transport"), e.toString());
      assertEquals("read", e.get("operation"), e.toString());
      assertEquals(with.fact("serverPort"), Long.parseLong(e.get("remotePort")));
      assertEquals("response", e.get("stage"), e.toString());
      assertEquals("complete", e.get("requestDelivered"), e.toString());
    }
    assertEquals("0", brandNew.get("exchanges"), brandNew.toString());
    assertEquals("20", brandNew.get("writtenSinceRead"), brandNew.toString());
    assertEquals("1", waited.get("exchanges"), waited.toString());
    assertEquals("30", waited.get("writtenSinceRead"), waited.toString());
  }

  private void singleReset(Jdks.Jdk jdk, String scenario, String transport) throws Exception {
    ScenarioRun with = ScenarioRun.of(jdk, scenario, "", List.of());
    assumeTrue(with.skipped == null, () -> scenario + " skipped on " + jdk + ": " + with.skipped);
    ScenarioRun without = ScenarioRun.of(jdk, scenario, null, List.of());
    assertSameApplicationView(with, without);
    assertEquals(0, with.swallowed, "the agent swallowed errors:\n" + with.describe());

    assertEquals(1, with.events.size(), "one event per reset connection:\n" + with.describe());
    Map<String, String> e = with.events.get(0);
    String[] firstFailure = firstException(with);
    assertEquals(firstFailure[0], e.get("exceptionClass"), with.describe());
    assertEquals(firstFailure[1], e.get("exceptionMessage"), with.describe());
    assertEquals(with.facts.get("operation"), e.get("operation"));
    assertEquals(transport, e.get("transport"));
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

    long idleMs = with.fact("idleMs");
    long idle = Long.parseLong(e.get("idleTime")) / MS;
    long age = Long.parseLong(e.get("connectionAge")) / MS;
    assertTrue(idle >= idleMs - CLOCK_SLACK_MS && idle < idleMs + TIMING_SLACK_MS,
        "idle " + idle + " ms, the scenario paused " + idleMs + " ms");
    assertTrue(age >= idle && age < idleMs + 3 * TIMING_SLACK_MS, "age " + age + " ms");

    assertEquals("UNKNOWN", e.get("verdict"));
    // Committed on the thread that saw the failure, with the stack that led there.
    if (scenario.startsWith("netty")) {
      // Netty reads on its event loop: the stack is the loop's, down to the failing native read.
      assertTrue(e.get("stack").contains("io.netty.channel."), "stack: " + e.get("stack"));
    } else if (!transport.equals("async")) {
      assertTrue(e.get("stack").contains("io.resettracer.it.scenarios.Scenarios."),
          "stack of the failing call: " + e.get("stack"));
    } else {
      assertTrue(e.get("stack").contains("sun.nio.ch.UnixAsynchronousSocketChannelImpl."),
          e.get("stack"));
    }
  }

  /**
   * The Netty epoll scenario with Netty in a class loader of its own (its parent the platform
   * loader), as in a fat jar or an application server: woven there just the same.
   */
  private void nettyOwnLoader(Jdks.Jdk jdk) throws Exception {
    StringBuilder nettyJars = new StringBuilder();
    StringBuilder others = new StringBuilder();
    for (String entry : ChildJvm.LIBRARIES.split(java.io.File.pathSeparator)) {
      if (!entry.isEmpty()) {
        StringBuilder to = entry.contains("/io/netty/") ? nettyJars : others;
        to.append(to.length() == 0 && to == nettyJars ? "" : java.io.File.pathSeparator).append(entry);
      }
    }
    String jarsArg = "-Dscenario.nettyJars=" + nettyJars;
    ChildJvm.withLibraries(others.toString(), () -> {
      ScenarioRun with = ScenarioRun.of(jdk, "netty-epoll-own-loader", "", List.of(jarsArg));
      ScenarioRun without = ScenarioRun.of(jdk, "netty-epoll-own-loader", null, List.of(jarsArg));
      assertEquals("netty-app", with.facts.get("nettyLoader"), with.describe());
      assertSameApplicationView(with, without);
      assertEquals(0, with.swallowed, with.describe());
      assertEquals(1, with.events.size(), with.describe());
      Map<String, String> e = with.events.get(0);
      assertEquals("netty-epoll", e.get("transport"));
      assertEquals("io.netty.channel.unix.Errors$NativeIoException", e.get("exceptionClass"));
      assertEquals(with.fact("bytesRead"), Long.parseLong(e.get("bytesRead")));
      assertEquals(with.fact("bytesWritten"), Long.parseLong(e.get("bytesWritten")));
      return null;
    });
  }

  /** The Netty epoll scenario again, on Netty 4.2's jars instead of 4.1's. */
  private void netty42(Jdks.Jdk jdk) throws Exception {
    java.nio.file.Path dir = java.nio.file.Path.of(System.getProperty("resettracer.netty42"));
    StringBuilder libraries = new StringBuilder();
    for (String entry : ChildJvm.LIBRARIES.split(java.io.File.pathSeparator)) {
      if (!entry.isEmpty() && !entry.contains("/io/netty/")) {
        libraries.append(java.io.File.pathSeparator).append(entry);
      }
    }
    try (Stream<java.nio.file.Path> jars = java.nio.file.Files.list(dir)) {
      jars.forEach(j -> libraries.append(java.io.File.pathSeparator).append(j));
    }
    ChildJvm.withLibraries(libraries.toString(), () -> {
      singleReset(jdk, "netty-epoll-read", "netty-epoll");
      return null;
    });
    ScenarioRun run = ChildJvm.withLibraries(libraries.toString(),
        () -> ScenarioRun.of(jdk, "netty-epoll-read", null, List.of()));
    assertTrue(run.facts.get("nettyVersion").startsWith("4.2."), run.facts.toString());
  }

  private void tlsReset(Jdks.Jdk jdk) throws Exception {
    ScenarioRun with = ScenarioRun.of(jdk, "tls-read", "", List.of());
    ScenarioRun without = ScenarioRun.of(jdk, "tls-read", null, List.of());
    assertSameApplicationView(with, without);
    assertEquals(0, with.swallowed);
    assertEquals(1, with.events.size(), with.describe());
    Map<String, String> e = with.events.get(0);
    assertEquals("socket", e.get("transport"));
    assertEquals("read", e.get("operation"));
    assertEquals("Connection reset", e.get("exceptionMessage"));
    assertEquals(with.fact("serverPort"), Long.parseLong(e.get("remotePort")));
    assertEquals(with.fact("clientPort"), Long.parseLong(e.get("localPort")));
    // The handshake's round trips count as exchanges too; at least the application's one.
    assertTrue(Long.parseLong(e.get("exchanges")) >= 1, e.toString());
    long idle = Long.parseLong(e.get("idleTime")) / MS;
    assertTrue(idle >= with.fact("idleMs") - CLOCK_SLACK_MS
            && idle < with.fact("idleMs") + TIMING_SLACK_MS,
        "idle " + idle);
    assertTrue(firstException(with)[1].contains("Connection reset"), with.describe());
  }

  /** HTTP clients retry a reset request on a new connection: one event per reset connection. */
  private void retriedResets(Jdks.Jdk jdk, String scenario, String transport) throws Exception {
    ScenarioRun with = ScenarioRun.of(jdk, scenario, "", List.of());
    ScenarioRun without = ScenarioRun.of(jdk, scenario, null, List.of());
    assertSameApplicationView(with, without);
    assertEquals(0, with.swallowed);
    long resets = with.fact("resetConnections");
    assertTrue(resets >= 1, with.describe());
    assertEquals(resets, with.events.size(), "one event per reset connection:\n" + with.describe());
    for (Map<String, String> e : with.events) {
      assertEquals(transport, e.get("transport"));
      assertEquals("client", e.get("role"));
      assertEquals(with.fact("serverPort"), Long.parseLong(e.get("remotePort")));
      assertTrue(e.get("exceptionMessage").startsWith("Connection reset")
          || e.get("exceptionMessage").equals("Broken pipe"), e.toString());
      if (transport.equals("socket")) {
        // HttpURLConnection writes and reads on one thread. The JDK HttpClient writes on a worker
        // thread and reads on its selector thread: the reset can be seen before the writer's count
        // lands, so its byte count is not asserted.
        assertTrue(Long.parseLong(e.get("bytesWritten")) > 0, "the request was written: " + e);
      }
    }
    System.out.printf("[%s on JDK %d] the client reset %d connection(s); the application saw: %s%n",
        scenario, jdk.feature(), resets, with.appExceptions);
  }

  private void cleanTraffic(Jdks.Jdk jdk) throws Exception {
    ScenarioRun with = ScenarioRun.of(jdk, "clean-traffic", "", List.of());
    assertEquals(0, with.swallowed);
    assertTrue(with.appExceptions.isEmpty(), with.describe());
    assertEquals(List.of(), with.events, "clean traffic and clean closes are not resets");
    // Every socket, channel and asynchronous channel of the scenario is closed: their states went
    // with the close, not at some later collection.
    assertEquals(0, with.tracked, "closed connections are no longer tracked:\n" + with.describe());
    // Loaded after the agent started, both classes carry their connections' state themselves: the
    // I/O path's fast case, which every other scenario then exercises. Ten sockets (both ends of
    // five connections) and one channel; the asynchronous channel's descriptor is in the table.
    assertEquals("sun.nio.ch.NioSocketImpl,sun.nio.ch.SocketChannelImpl", with.stateFields,
        with.describe());
    assertEquals(11, with.ownState, with.describe());
  }

  /** Same exception class, message, cause and stack frames, with and without the agent. */
  private static void assertSameApplicationView(ScenarioRun with, ScenarioRun without) {
    assertEquals(without.appExceptions, with.appExceptions,
        "the application must see the same outcome with the agent");
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
