package io.resettracer.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The status snapshot: every figure of the MBean, by its getter's name. */
class PresenceTest {

  @Test
  void everyGetterOfTheMBeanBecomesAKey() throws Exception {
    Map<String, String> expected = new TreeMap<>();
    expected.put("io.resettracer.status.version", "1.2.3");
    expected.put("io.resettracer.status.mode", "attach");
    expected.put("io.resettracer.status.options", "log=warn");
    expected.put("io.resettracer.count.trackedConnections", "12");
    expected.put("io.resettracer.count.resetsPerVerdict", "3");
    expected.put("io.resettracer.count.resetsPerVerdict.IDLE_TIMEOUT", "2");
    expected.put("io.resettracer.count.resetsPerVerdict.UNKNOWN", "1");
    expected.put("io.resettracer.count.incidentsPerVerdict", "0");
    expected.put("io.resettracer.count.swallowedErrors", "1");
    expected.put("io.resettracer.status.firstSwallowedError", "java.lang.IllegalStateException: x");
    assertEquals(expected, Presence.snapshot(new Fixed()));
  }

  @Test
  void textIsOneBoundedLine() throws Exception {
    Fixed view = new Fixed();
    view.options = "a\nb" + "c".repeat(5_000);
    String options = Presence.snapshot(view).get("io.resettracer.status.options");
    assertEquals("a b" + "c".repeat(Presence.MAX_TEXT - 3) + "…", options);
  }

  /** Figures as an agent would give them. */
  private static final class Fixed implements ResetTracerMXBean {
    String options = "log=warn";

    @Override
    public String getVersion() {
      return "1.2.3";
    }

    @Override
    public String getMode() {
      return "attach";
    }

    @Override
    public String getOptions() {
      return options;
    }

    @Override
    public int getTrackedConnections() {
      return 12;
    }

    @Override
    public Map<String, Long> getResetsPerVerdict() {
      return Map.of("IDLE_TIMEOUT", 2L, "UNKNOWN", 1L);
    }

    @Override
    public Map<String, Long> getIncidentsPerVerdict() {
      return Map.of();
    }

    @Override
    public long getSwallowedErrors() {
      return 1;
    }

    @Override
    public String getFirstSwallowedError() {
      return "java.lang.IllegalStateException: x";
    }

    @Override
    public String detach() {
      throw new AssertionError("a snapshot never detaches");
    }
  }
}
