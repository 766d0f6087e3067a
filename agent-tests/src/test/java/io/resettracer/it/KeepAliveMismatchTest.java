package io.resettracer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resettracer.it.support.Jdks;
import io.resettracer.it.support.ScenarioRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Real HTTP clients against a server whose keep-alive is shorter than the client's pool idle time:
 * every stale reuse is one event with verdict KEEPALIVE_MISMATCH, whatever form the failure took
 * (end of stream, RST, broken pipe), though the client retries and the application sees 200 each
 * time; the clean reuses around it yield nothing.
 */
class KeepAliveMismatchTest {

  private static final long MS = 1_000_000L;
  private static final Set<String> FORMS = Set.of("premature-eof", "reset", "broken-pipe");

  /** Client, and how many stale reuses it makes: the JDK's HttpClient watches idle connections. */
  private static final List<Object[]> CLIENTS = List.of(
      new Object[] {"keepalive-apache", 1},
      new Object[] {"keepalive-okhttp", 1},
      new Object[] {"keepalive-url-connection", 1},
      new Object[] {"keepalive-jdk", 0});

  @TestFactory
  Stream<DynamicNode> everyJdk() {
    List<Jdks.Jdk> jdks = Jdks.all();
    assertFalse(jdks.isEmpty(), "no JDK found to run child JVMs on");
    return jdks.stream().map(jdk -> DynamicContainer.dynamicContainer(jdk.toString(), clients(jdk)));
  }

  private Stream<DynamicNode> clients(Jdks.Jdk jdk) {
    List<DynamicNode> tests = new ArrayList<>();
    for (Object[] c : CLIENTS) {
      tests.add(DynamicTest.dynamicTest((String) c[0], () -> staleReuse(jdk, (String) c[0], (int) c[1])));
    }
    tests.add(DynamicTest.dynamicTest("reactor-netty-fin", () -> staleReuse(jdk, "reactor-netty-fin", 0)));
    tests.add(DynamicTest.dynamicTest("reactor-netty-rst", () -> idleReset(jdk)));
    return tests.stream();
  }

  /**
   * reactor-netty watches its idle pooled connections over epoll: a FIN retires them quietly (no
   * stale reuse, no event); an RST while idle fails the event loop's read, which reactor-netty
   * absorbs: the application never sees it, the event does (and names the idle limit).
   */
  private void idleReset(Jdks.Jdk jdk) throws Exception {
    ScenarioRun with = ScenarioRun.of(jdk, "reactor-netty-rst", "", List.of());
    ScenarioRun without = ScenarioRun.of(jdk, "reactor-netty-rst", null, List.of());
    assertEquals(List.of("APP-OK", "APP-OK", "APP-OK"), with.appExceptions, with.describe());
    assertEquals(without.appExceptions, with.appExceptions);
    assertEquals(0, with.swallowed, with.describe());
    assertEquals(1, with.events.size(), "the pooled connection reset while idle:\n" + with.describe());
    Map<String, String> e = with.events.get(0);
    System.out.println("[reactor-netty-rst on " + jdk + "] " + e);
    assertEquals("netty-epoll", e.get("transport"), e.toString());
    assertEquals("reset", e.get("failure"), e.toString());
    assertEquals("read", e.get("operation"), e.toString());
    assertEquals("io.netty.channel.unix.Errors$NativeIoException", e.get("exceptionClass"));
    assertEquals("recvAddress(..) failed: Connection reset by peer", e.get("exceptionMessage"));
    long idle = Long.parseLong(e.get("idleTime")) / MS;
    assertTrue(idle >= 1300 && idle < 2800, "idle " + idle + " ms; the server resets after 1300 ms");
    assertEquals("IDLE_TIMEOUT", e.get("verdict"), e.toString());
    assertEquals(with.fact("serverPort"), Long.parseLong(e.get("remotePort")));
    assertEquals("2", e.get("exchanges"), e.toString());
  }

  private void staleReuse(Jdks.Jdk jdk, String client, int staleReuses) throws Exception {
    ScenarioRun with = ScenarioRun.of(jdk, client, "", List.of());
    ScenarioRun without = ScenarioRun.of(jdk, client, null, List.of());
    System.out.printf("[%s on %s] %d event(s): %s%n", client, jdk, with.events.size(),
        with.events.stream().map(e -> e.get("failure") + " after " + e.get("idleTime") + " ns idle → "
            + e.get("verdict")).toList());
    assertEquals(List.of("APP-OK", "APP-OK", "APP-OK"), with.appExceptions, with.describe());
    assertEquals(without.appExceptions, with.appExceptions, "the application sees the same");
    assertEquals(0, with.swallowed, with.describe());
    assertEquals(staleReuses, with.events.size(), "one event per stale reuse:\n" + with.describe());
    for (Map<String, String> e : with.events) {
      assertEquals("KEEPALIVE_MISMATCH", e.get("verdict"), e.toString());
      assertTrue(FORMS.contains(e.get("failure")), e.toString());
      assertEquals(with.fact("serverPort"), Long.parseLong(e.get("remotePort")));
      long idle = Long.parseLong(e.get("idleTime")) / MS;
      assertTrue(idle >= with.fact("idleMs") - ResetEventsTest.CLOCK_SLACK_MS
          && idle < with.fact("idleMs") + 1500, "idle " + idle);
      assertTrue(Long.parseLong(e.get("exchanges")) >= 2, "a reused connection: " + e);
      assertTrue(e.get("evidence").contains("on a reused connection"), e.get("evidence"));
      assertTrue(e.get("recommendation").contains("set the pool's max idle / idle eviction to ≤"),
          e.get("recommendation"));
    }
  }
}
