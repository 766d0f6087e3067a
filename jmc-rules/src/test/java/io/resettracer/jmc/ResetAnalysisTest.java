package io.resettracer.jmc;

import static io.resettracer.jmc.ResetRuleRecordingTest.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resettracer.jmc.RecordedResets.Incident;
import io.resettracer.jmc.RecordedResets.Reset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jmc.flightrecorder.rules.Severity;

/** The scoring and the text from one-line fixtures, without a recording. */
class ResetAnalysisTest {

  private static final long S = 1_000_000_000L;
  private static final long MIN = 60 * S;
  private static final ResetAnalysis.Thresholds DEFAULTS = new ResetAnalysis.Thresholds(0.1, 1);

  private static Reset reset(long at, String verdict, String peer, long idle, long inFlight) {
    String[] p = peer.split(":");
    return new Reset(at, verdict, 80, p[0], Long.parseLong(p[1]), "read", "reset", idle, 5 * S,
        100, inFlight, verdict + " evidence at " + at, verdict + " advice at " + at, "");
  }

  private static ResetAnalysis analyse(long span, List<Reset> resets, Incident... incidents) {
    return new ResetAnalysis(new RecordedResets(new ArrayList<>(resets), List.of(incidents),
        resets.size()), span, DEFAULTS);
  }

  @Test
  void frequentIdleTimeoutsWarnWithTheShortestIdleAsTheLimit() {
    List<Reset> resets = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      resets.add(reset(i * S, "IDLE_TIMEOUT", "10.0.0.1:443", (62 + i % 5) * S, 120));
    }
    ResetAnalysis a = analyse(10 * MIN, resets);
    assertEquals(Severity.WARNING, Severity.get(a.score));
    assertEquals(
        "30 connection resets in 10.0 min (3.0/min), 30 of 30 with a known cause; verdicts "
            + "IDLE_TIMEOUT ×30; no incident.", a.summary);
    assertContains(a.explanation, "IDLE_TIMEOUT ×30 (1 peer, confidence 80 %): connections to "
        + "10.0.0.1:443 were reset on their first use after 62.0–66.0 s idle");
    assertContains(a.solution, "IDLE_TIMEOUT: keep connections to 10.0.0.1:443 idle for less "
        + "than 62.0 s");
    assertContains(a.solution, "The agent recommends: IDLE_TIMEOUT advice at " + 29 * S + ".");
  }

  @Test
  void connectionsEndedAtOneAgeOrCountAreExplainedWithTheirAges() {
    List<Reset> resets = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      long age = (3 * S) + i * 20_000_000L;
      resets.add(new Reset(i * S, "CONNECTION_LIFETIME", 85, "10.0.0.2", 80, "read",
          "premature-eof", 200_000_000L, age, 100, 60, "", "", ""));
      resets.add(new Reset(i * S + 1, "REQUEST_LIMIT", 85, "10.0.0.3", 80, "read",
          "premature-eof", 150_000_000L, S + i * 100_000_000L, 100, 60, "", "", ""));
    }
    ResetAnalysis a = analyse(10 * MIN, resets);
    assertContains(a.explanation, "connections to 10.0.0.2:80 were ended at one age (3.0–3.2 s"
        + " old when next used");
    assertContains(a.solution, "a max connection lifetime below 3.0 s");
    assertContains(a.explanation, "connections to 10.0.0.3:80 were ended after one number of"
        + " requests");
    assertContains(a.solution, "nginx keepalive_requests, Apache MaxKeepAliveRequests");
  }

  @Test
  void aRareResetOfKnownCauseIsInfo() {
    ResetAnalysis a = analyse(120 * MIN, List.of(reset(0, "IDLE_TIMEOUT", "10.0.0.1:443", 70 * S,
        12)));
    assertEquals(ResetAnalysis.ANY_RESET_SCORE, a.score);
    assertEquals(Severity.INFO, Severity.get(a.score));
    assertContains(a.summary, "1 connection reset in 2.0 h (0.5/h)");
  }

  @Test
  void unknownCausesStayInfoHoweverFrequent() {
    List<Reset> resets = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      resets.add(reset(i * S, "UNKNOWN", "10.0.0.1:443", 0, 10));
    }
    ResetAnalysis a = analyse(2 * MIN, resets);
    assertEquals(Severity.INFO, Severity.get(a.score));
    assertEquals(50, a.score, 1);
    assertContains(a.summary, "0 of 100 with a known cause; verdicts UNKNOWN ×100");
  }

  @Test
  void anIncidentSpeaksForItsResetsAndWarns() {
    long first = 1000 * S;
    List<Reset> resets = List.of(
        reset(first + 30_000_000, "PEER_CRASH", "10.0.0.9:8080", 0, 13),
        reset(first + 31_000_000, "UNKNOWN", "10.0.0.9:8080", 0, 13),
        // The same moment, another peer the incident does not name: not its member.
        reset(first + 31_000_000, "UNKNOWN", "10.0.0.99:8080", 0, 13));
    Incident crash = new Incident(first + 2 * S, first, 600_000, "PEER_CRASH", 85, 2, 1, 1,
        "10.0.0.9:8080 ×2", "2 resets of 1 peer, then \"Connection refused\"",
        "find why 10.0.0.9:8080 went away", "");
    ResetAnalysis a = analyse(10 * MIN, resets, crash);
    assertEquals(Severity.WARNING, Severity.get(a.score));
    assertContains(a.summary, "2 of 3 with a known cause; verdicts PEER_CRASH ×2, UNKNOWN ×1; "
        + "1 incident: PEER_CRASH (2 resets).");
    assertContains(a.explanation, "1 reset judged otherwise at the moment of the reset counts "
        + "under the incident's verdict");
    // Quotes from events would break JfrRulesReport's JSON.
    assertContains(a.explanation, "then 'Connection refused'");
  }

  @Test
  void incidentIdsLinkWhereBothEventsCarryThem() {
    long t = 50 * S;
    Reset member = new Reset(t, "UNKNOWN", 10, "10.0.0.5", 80, "read", "reset", 0, S, 0, 0, "",
        "", "7");
    Reset stranger = new Reset(t, "UNKNOWN", 10, "10.0.0.5", 80, "read", "reset", 0, S, 0, 0, "",
        "", "8");
    Incident seven = new Incident(t + S, t, 1000, "NETWORK_DEVICE", 90, 1, 1, 1, "10.0.0.5:80",
        "e", "r", "7");
    ResetAnalysis a = analyse(MIN, List.of(member, stranger), seven);
    assertContains(a.summary, "verdicts NETWORK_DEVICE ×1, UNKNOWN ×1");
  }

  @Test
  void peerListEntriesMatchWhole() {
    assertTrue(ResetAnalysis.listsPeer("10.0.0.1:80 ×3, 10.0.0.2:8080 ×1", "10.0.0.2:8080"));
    assertTrue(ResetAnalysis.listsPeer("10.0.0.1:80", "10.0.0.1:80"));
    assertFalse(ResetAnalysis.listsPeer("10.0.0.1:8080 ×3", "10.0.0.1:80"));
    assertFalse(ResetAnalysis.listsPeer("110.0.0.1:80 ×3", "10.0.0.1:80"));
  }

  @Test
  void textIsSafeForHtmlAndJson() {
    assertEquals("a 'b' &lt;c&gt; &amp; d/e f", Text.safe("a \"b\" <c> & d\\e\nf"));
    assertEquals("2.2–2.6 s", Text.durationRange(2_200_000_000L, 2_600_000_000L));
    assertEquals("591 µs", Text.duration(591_000));
    assertEquals("3.7 MiB", Text.bytes(3_880_000));
    assertEquals("0.5/h", Text.rate(1 / 120.0));
  }
}
