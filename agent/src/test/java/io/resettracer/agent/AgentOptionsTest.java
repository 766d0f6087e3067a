package io.resettracer.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class AgentOptionsTest {

  @Test
  void defaultsWhenEmpty() {
    AgentOptions o = AgentOptions.parse(null);
    assertEquals(Level.INFO, o.logLevel);
    assertTrue(o.jfr);
    assertEquals(20, o.logLimit);
    assertEquals(TimeUnit.SECONDS.toNanos(10), o.logWindowNanos);
    assertEquals(0, o.startupWaitNanos, "by default the host's first socket never waits for the agent");
    assertTrue(o.warnings().isEmpty());
  }

  @Test
  void readsEveryKey() {
    AgentOptions o = AgentOptions.parse(
        "log=debug, logLimit=5,logWindow=500ms,jfr=false,eventLimit=7,eventWindow=2m,maxConnections=9,"
            + "startupWait=3s");
    assertEquals(Level.DEBUG, o.logLevel);
    assertEquals(5, o.logLimit);
    assertEquals(TimeUnit.MILLISECONDS.toNanos(500), o.logWindowNanos);
    assertFalse(o.jfr);
    assertEquals(7, o.eventLimit);
    assertEquals(TimeUnit.MINUTES.toNanos(2), o.eventWindowNanos);
    assertEquals(9, o.maxConnections);
    assertEquals(TimeUnit.SECONDS.toNanos(3), o.startupWaitNanos);
    assertTrue(o.warnings().isEmpty(), o.warnings().toString());
  }

  @Test
  void ruleThresholdsAreOptionsWithUnits() {
    AgentOptions o = AgentOptions.parse("rule.idleMin=5s,rule.deviceHosts=4,rule.largeRequest=2048");
    assertEquals(TimeUnit.SECONDS.toNanos(5), o.thresholds.get("idleMin"));
    assertEquals(4, o.thresholds.get("deviceHosts"));
    assertEquals(2048, o.thresholds.get("largeRequest"));
    assertTrue(o.warnings().isEmpty(), o.warnings().toString());

    AgentOptions bad = AgentOptions.parse("rule.idleMin=5,rule.nope=1s");
    assertEquals(2, bad.warnings().size(), bad.warnings().toString());
    assertTrue(bad.warnings().get(0).startsWith("ignoring option 'rule.idleMin=5': '5' is not a duration"),
        bad.warnings().get(0));
    assertTrue(bad.warnings().get(1).contains("unknown rule threshold 'nope'"), bad.warnings().get(1));
    assertEquals(TimeUnit.SECONDS.toNanos(1), bad.thresholds.get("idleMin"), "the default stays");
  }

  @Test
  void logOffIsNull() {
    assertNull(AgentOptions.parse("log=off").logLevel);
  }

  @Test
  void badKeyOrValueWarnsOnceAndKeepsTheDefault() {
    AgentOptions o = AgentOptions.parse("colour=blue,logWindow=10,jfr=maybe,logLimit=-1,log=info");
    assertEquals(4, o.warnings().size(), o.warnings().toString());
    assertTrue(o.warnings().get(0).startsWith("ignoring option 'colour=blue': unknown option 'colour'"));
    assertTrue(o.warnings().get(1).contains("'10' is not a duration such as 500ms, 30s or 5m"));
    assertTrue(o.warnings().get(2).contains("'maybe' is not true or false"));
    assertTrue(o.warnings().get(3).contains("'-1' is not a whole number"));
    assertEquals(TimeUnit.SECONDS.toNanos(10), o.logWindowNanos);
    assertTrue(o.jfr);
    assertEquals(20, o.logLimit);
  }

  @Test
  void durationsNeedAUnit() {
    assertEquals(TimeUnit.SECONDS.toNanos(30), AgentOptions.duration("30s"));
    assertEquals(TimeUnit.MILLISECONDS.toNanos(1500), AgentOptions.duration("1.5s"));
    assertEquals(TimeUnit.HOURS.toNanos(1), AgentOptions.duration("1h"));
    assertThrows(IllegalArgumentException.class, () -> AgentOptions.duration("30"));
    assertThrows(IllegalArgumentException.class, () -> AgentOptions.duration("30parsecs"));
    assertThrows(IllegalArgumentException.class, () -> AgentOptions.duration("0s"));
  }
}
