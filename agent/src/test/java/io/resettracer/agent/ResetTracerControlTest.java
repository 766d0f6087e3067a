package io.resettracer.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resettracer.classify.Verdict;
import io.resettracer.model.FailureKind;
import org.junit.jupiter.api.Test;

class ResetTracerControlTest {

  @Test
  void everyVerdictAndFailureKindHasAPlainCounterFromTheStart() {
    var counters = ResetTracerControl.counters().keySet();
    for (Verdict v : Verdict.values()) {
      assertTrue(counters.contains("ResetsByVerdict_" + v.name()), v.name());
      assertTrue(counters.contains("IncidentsByVerdict_" + v.name()), v.name());
    }
    for (FailureKind k : FailureKind.values()) {
      assertTrue(counters.contains("ResetsByKind_" + k.name()), k.name());
    }
    for (String total : new String[] {"ResetsSeen", "BeingJudged", "Shed", "DroppedByOutputs",
        "OutputErrors"}) {
      assertTrue(counters.contains(total), total);
    }
    assertEquals(2 * Verdict.values().length + FailureKind.values().length + 5, counters.size());
  }

  @Test
  void aContainerThatChoosesItsOwnServerOrLogManagerIsRecognised() {
    String builder = System.getProperty("javax.management.builder.initial");
    String logs = System.getProperty("java.util.logging.manager");
    try {
      System.clearProperty("javax.management.builder.initial");
      System.clearProperty("java.util.logging.manager");
      String plain = ResetTracerControl.containerSign();
      assertTrue(plain.isEmpty() || plain.equals("JBoss Modules"), plain);
      System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
      assertEquals("java.util.logging.manager=org.jboss.logmanager.LogManager",
          ResetTracerControl.containerSign());
    } finally {
      restore("javax.management.builder.initial", builder);
      restore("java.util.logging.manager", logs);
    }
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }
}
