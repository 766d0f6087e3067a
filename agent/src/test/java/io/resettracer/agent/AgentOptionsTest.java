package io.resettracer.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
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

  @Test
  void aLongBadOptionIsEchoedInPart() {
    String huge = "colour=" + "x".repeat(20_000);
    AgentOptions o = AgentOptions.parse(huge);
    assertEquals(1, o.warnings().size());
    String warning = o.warnings().get(0);
    assertTrue(warning.startsWith("ignoring option 'colour=xxx"), warning);
    assertTrue(warning.contains("x…': unknown option 'colour'"), warning);
    assertTrue(warning.length() < 1_000, "bounded: " + warning.length() + " characters");

    String hugeValue = AgentOptions.parse("eventWindow=" + "9".repeat(20_000) + "q").warnings().get(0);
    assertTrue(hugeValue.length() < 1_000, hugeValue);
    String hugeRule = AgentOptions.parse("rule." + "n".repeat(20_000) + "=1").warnings().get(0);
    assertTrue(hugeRule.length() < 1_500, hugeRule);
  }

  @Test
  void aKeyGivenTwiceIsNamedAndTheLastWins() {
    AgentOptions o = AgentOptions.parse("logLimit=5,jfr=false,logLimit=7");
    assertEquals(7, o.logLimit);
    assertEquals(List.of("option 'logLimit' is given more than once ('logLimit=5', then 'logLimit=7'):"
        + " the last is used"), o.warnings());
    assertEquals(List.of("option 'logLimit' is given more than once ('logLimit=5', then 'logLimit=7'):"
        + " give it once"), o.refusals());

    AgentOptions rules = AgentOptions.parse("rule.idleMin=5s,rule.idleMin=6s");
    assertEquals(TimeUnit.SECONDS.toNanos(6), rules.thresholds.get("idleMin"));
    assertEquals(1, rules.warnings().size(), rules.warnings().toString());
  }

  @Test
  void aBadOptionIsRefusedInTheWordsOfAttach() {
    AgentOptions o = AgentOptions.parse("colour=blue");
    assertTrue(o.refusals().get(0).startsWith("bad option 'colour=blue': unknown option 'colour'"),
        o.refusals().toString());
  }

  @Test
  void absurdDurationsAreRefusedInOneLine() {
    AgentOptions o = AgentOptions.parse("eventWindow=99999999999999999h");
    assertEquals(List.of("ignoring option 'eventWindow=99999999999999999h': '99999999999999999h' is too"
        + " long: at most 365 days; options: " + AgentOptions.HELP), o.warnings());
    assertEquals(TimeUnit.SECONDS.toNanos(1), o.eventWindowNanos, "the default stays");
    assertThrows(IllegalArgumentException.class, () -> AgentOptions.duration("8761h"));
    assertThrows(IllegalArgumentException.class,
        () -> AgentOptions.duration("1" + "0".repeat(400) + "ms"), "beyond a double's range too");
    assertEquals(TimeUnit.HOURS.toNanos(8760), AgentOptions.duration("8760h"));
    assertThrows(IllegalArgumentException.class, () -> AgentOptions.duration("0.0000001ms"));
  }

  @Test
  void tmpdirTakesAnAbsolutePath() {
    assertEquals("/var/tmp/rt", AgentOptions.parse("tmpdir=/var/tmp/rt").tmpdir);
    AgentOptions relative = AgentOptions.parse("tmpdir=rt");
    assertNull(relative.tmpdir);
    assertTrue(relative.warnings().get(0).startsWith("ignoring option 'tmpdir=rt': 'rt' is not an"
        + " absolute path"), relative.warnings().toString());
  }
}
