package io.resettracer.jmc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.resettracer.jmc.SampleRecordings.Recording;
import io.resettracer.jmc.SampleRecordings.Scenario;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.openjdk.jmc.common.item.IItemCollection;
import org.openjdk.jmc.common.unit.IQuantity;
import org.openjdk.jmc.common.util.IPreferenceValueProvider;
import org.openjdk.jmc.flightrecorder.JfrLoaderToolkit;
import org.openjdk.jmc.flightrecorder.rules.IResult;
import org.openjdk.jmc.flightrecorder.rules.Severity;
import org.openjdk.jmc.flightrecorder.rules.TypedResult;

/**
 * The rule on real recordings of every sample app: the verdict the sample reproduces leads the
 * summary, the counts and the numbers in the text are the recording's own (read here
 * independently, with the JDK's reader), and a known cause warns while thin evidence informs.
 * The two controls: no reset with the agent is OK, no agent at all is OK and says so.
 */
class ResetRuleRecordingTest {

  /** What each scenario's text must show, from the recording's own events. */
  private static final Map<String, ScenarioCheck> CHECKS = Map.of(
      "idle-timeout", (r, e) -> assertContains(r.getSolution(),
          "idle for less than " + Text.duration(e.minNanos("idleTime"))),
      "keepalive-mismatch", (r, e) -> assertContains(r.getSolution(),
          "before " + Text.duration(e.minNanos("idleTime")) + " of idle"),
      "peer-crash", (r, e) -> assertContains(r.getExplanation(),
          "connections to " + e.onlyPeer() + " were cut within"),
      "resource-exhaustion", (r, e) -> assertContains(r.getExplanation(),
          e.count + " of " + e.count + " with nothing read"),
      "network-device", (r, e) -> assertContains(r.getExplanation(),
          "connections to " + e.hosts() + " hosts"),
      "large-payload", (r, e) -> assertContains(r.getSolution(),
          "below " + Text.bytes(e.minLong("writtenSinceRead"))),
      "network-instability", (r, e) -> assertContains(r.getExplanation(),
          "timed-out on read"),
      "thin-evidence", (r, e) -> assertContains(r.getExplanation(),
          "the agent could not attribute to one cause"));

  private interface ScenarioCheck {
    void check(IResult result, Events events);
  }

  @TestFactory
  Stream<DynamicTest> everySampleRecording() {
    return SampleRecordings.SCENARIOS.stream()
        .map(s -> DynamicTest.dynamicTest(s.name(), () -> judge(s)));
  }

  private static void judge(Scenario s) throws Exception {
    Recording recording = SampleRecordings.of(s);
    assumeTrue(recording.skipped() == null, () -> s.name() + " skipped: " + recording.skipped());
    Events events = Events.read(recording.file());
    assertTrue(events.count > 0, s.name() + ": the sample produced no reset event");

    IResult result = evaluate(recording.file());
    System.out.printf("[%s] %s, score %s%n  summary: %s%n  explanation: %s%n  solution: %s%n",
        s.name(), result.getSeverity(), score(result), result.getSummary(),
        result.getExplanation(), result.getSolution());

    assertContains(result.getSummary(), Text.plural(events.count, "connection reset",
        "connection resets") + " in ");
    // The cause the sample reproduces is the largest group (the first named).
    assertContains(result.getSummary(), "verdicts " + s.cause() + " ×");
    assertEquals(s.cause().equals("UNKNOWN") ? Severity.INFO : Severity.WARNING,
        result.getSeverity(), result.getSummary());
    assertEquals(events.count, result.getResult(ResetRule.RESETS).longValue());
    assertEquals(events.incidents, result.getResult(ResetRule.INCIDENTS).longValue());
    if (events.incidents > 0) {
      assertContains(result.getSummary(), Text.plural(events.incidents, "incident", "incidents"));
    }
    CHECKS.get(s.name()).check(result, events);
    if (!s.cause().equals("UNKNOWN")) {
      assertContains(result.getSolution(), s.cause() + ": ");
      assertContains(result.getSolution(), "The agent recommends: ");
    }
    assertJsonSafe(result);
  }

  @Test
  void agentWithoutResetsIsOk() throws Exception {
    IResult result = evaluate(SampleRecordings.quietWithAgent());
    assertEquals(Severity.OK, result.getSeverity(), result.getSummary());
    assertEquals(0, score(result));
    assertContains(result.getSummary(), "No connection reset in ");
    assertJsonSafe(result);
  }

  @Test
  void noAgentIsOkAndSaysSo() throws Exception {
    IResult result = evaluate(SampleRecordings.withoutAgent());
    assertEquals(Severity.OK, result.getSeverity(), result.getSummary());
    assertEquals(0, score(result));
    assertContains(result.getSummary(), "ran without the reset-tracer agent");
    assertContains(result.getSolution(), "-javaagent:reset-tracer.jar");
    assertJsonSafe(result);
  }

  // --- Helpers -----------------------------------------------------------------------------------

  static IResult evaluate(Path recording) throws Exception {
    IItemCollection items = JfrLoaderToolkit.loadEvents(recording.toFile());
    var evaluation = new ResetRule().createEvaluation(items,
        IPreferenceValueProvider.DEFAULT_VALUES, null);
    evaluation.run();
    IResult result = evaluation.get();
    assertNotNull(result.getResult(TypedResult.SCORE), "every result carries a score");
    return result;
  }

  static double score(IResult result) {
    IQuantity score = result.getResult(TypedResult.SCORE);
    return score.doubleValue();
  }

  static void assertContains(String text, String part) {
    assertNotNull(text, "no text where \"" + part + "\" was expected");
    assertTrue(text.contains(part), "\"" + part + "\" not in:\n" + text);
  }

  /** JfrRulesReport's JSON copies these three texts into JSON strings as they are. */
  private static void assertJsonSafe(IResult result) {
    for (String text : new String[] {result.getSummary(), result.getExplanation(),
        result.getSolution()}) {
      assertTrue(text.chars().noneMatch(c -> c == '"' || c == '\\' || c < 0x20),
          "a character that breaks the JSON report: " + text);
    }
  }

  /** The recording's reset events, read with the JDK's own reader for comparison. */
  static final class Events {
    long count;
    long incidents;
    final List<RecordedEvent> resets = new java.util.ArrayList<>();

    static Events read(Path recording) throws java.io.IOException {
      Events e = new Events();
      for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
        switch (event.getEventType().getName()) {
          case RecordedResets.RESET_TYPE -> {
            e.count++;
            e.resets.add(event);
          }
          case RecordedResets.INCIDENT_TYPE -> e.incidents++;
          default -> { }
        }
      }
      return e;
    }

    long minNanos(String field) {
      return resets.stream().map(r -> r.getDuration(field)).min(Duration::compareTo)
          .orElseThrow().toNanos();
    }

    long minLong(String field) {
      return resets.stream().mapToLong(r -> r.getLong(field)).min().orElseThrow();
    }

    long hosts() {
      return resets.stream().map(r -> r.getString("remoteAddress")).distinct().count();
    }

    String onlyPeer() {
      Map<String, Long> peers = new TreeMap<>();
      resets.forEach(r -> peers.merge(r.getString("remoteAddress") + ":" + r.getInt("remotePort"),
          1L, Long::sum));
      assertEquals(1, peers.size(), "one peer: " + peers);
      return peers.keySet().iterator().next();
    }
  }
}
