package io.resettracer.report;

import static io.resettracer.report.Resets.S;
import static io.resettracer.report.Resets.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The aggregation, from plain records: counts, each peer's idle limit, call sites, the caps. */
class ReportBuilderTest {

  @Test
  void countsResetsAndIncidentsPerVerdictInTheCatalogueOrderOverTheirSpan() {
    ReportBuilder b = new ReportBuilder();
    b.add(Resets.reset(T0 + 5_000, "PEER_CRASH", "10.0.0.1:80", 0));
    b.add(Resets.reset(T0, "IDLE_TIMEOUT", "10.0.0.2:80", 3 * S));
    b.add(Resets.reset(T0 + 1_000, "IDLE_TIMEOUT", "10.0.0.2:80", 4 * S));
    b.add(Resets.reset(T0 + 2_000, "SOMETHING_NEW", "10.0.0.2:80", 0));
    b.add(Resets.incident(7, "PEER_CRASH", T0 + 4_000, 3_000_000_000L));
    Report r = b.build();
    assertEquals(4, r.resets());
    assertEquals(1, r.incidentCount());
    assertEquals(2, r.peerCount());
    assertEquals(T0, r.firstMillis());
    assertEquals(T0 + 7_000, r.lastMillis(), "the incident's last reset ends the span");
    assertEquals(List.of(new Report.VerdictCount("IDLE_TIMEOUT", 2, 0),
        new Report.VerdictCount("PEER_CRASH", 1, 1),
        new Report.VerdictCount("SOMETHING_NEW", 1, 0)), r.verdicts());
    assertEquals("10.0.0.2:80", r.peers().get(0).peer(), "most resets first");
  }

  @Test
  void aPeersLearntLimitLiesBetweenWhatSurvivedAndWhatFailedAndMatchesTheCatalogue() {
    ReportBuilder b = new ReportBuilder();
    String rec = "keep connections to 10.0.0.5:443 idle below the hop's limit: set the pool's max"
        + " idle to ≤ 315 s, or enable TCP keepalive";
    b.add(Resets.idle(T0, "IDLE_TIMEOUT", "10.0.0.5:443", 352 * S, 300 * S, rec));
    b.add(Resets.idle(T0 + 1, "IDLE_TIMEOUT", "10.0.0.5:443", 351 * S, 340 * S, rec));
    b.add(Resets.idle(T0 + 2, "UNKNOWN", "10.0.0.5:443", 5 * S, -1, "look at the peer"));
    Report.Peer p = b.build().peers().get(0);
    assertEquals(3, p.resets());
    assertEquals(Map.of("IDLE_TIMEOUT", 2L, "UNKNOWN", 1L), p.verdicts());
    assertEquals("IDLE_TIMEOUT", p.verdict());
    assertEquals(351 * S, p.limitNanos(), "the shortest idle of its idle-timeout resets");
    assertEquals(340 * S, p.survivedNanos(), "the longest idle survived any event knew");
    assertEquals(5 * S, p.minIdleNanos());
    assertEquals(352 * S, p.maxIdleNanos());
    assertEquals(315 * S, p.maxIdleSettingNanos());
    assertEquals(rec, p.recommendation(), "its most frequent verdict's recommendation");
    assertEquals(List.of("AWS NAT Gateway / NLB / Network Firewall (350 s)"), p.catalogue());
    assertEquals(350 * S, p.catalogueNanos());
  }

  @Test
  void theCatalogueIsReadAsTheRulesReadIt() {
    // 65.5 s is just above both the ALB's 60 s (a middlebox) and OCI's client keep-alive 65 s (a
    // server): an idle timeout blames the first, a keep-alive mismatch the second.
    ReportBuilder b = new ReportBuilder();
    b.add(Resets.idle(T0, "IDLE_TIMEOUT", "a:1", 65_500_000_000L, -1, ""));
    b.add(Resets.idle(T0, "KEEPALIVE_MISMATCH", "b:1", 65_500_000_000L, -1, ""));
    Report r = b.build();
    Map<String, Report.Peer> byName = Map.of(r.peers().get(0).peer(), r.peers().get(0),
        r.peers().get(1).peer(), r.peers().get(1));
    assertEquals(List.of("AWS ALB / Classic ELB (60 s)"), byName.get("a:1").catalogue());
    assertEquals(List.of("OCI load balancer (client keep-alive) (65 s)"),
        byName.get("b:1").catalogue());
  }

  @Test
  void maxIdleSettingsAreReadFromTheRecommendationsWords() {
    assertEquals(1_900_000_000L,
        ReportBuilder.maxIdleSetting("set the pool's max idle to ≤ 1.9 s"));
    assertEquals(1_100_000_000L,
        ReportBuilder.maxIdleSetting(
            "set the pool's max idle / idle eviction to ≤ 1.1 s (failures"));
    assertEquals(900_000_000L, ReportBuilder.maxIdleSetting("pool max idle ≤ 900 ms"));
    assertEquals(-1, ReportBuilder.maxIdleSetting("raise its accept backlog"));
  }

  @Test
  void callSitesGroupByTheirFirstFramesAndStopAtTheirCap() {
    ReportBuilder b = new ReportBuilder();
    List<String> deep = new java.util.ArrayList<>();
    for (int i = 0; i < ReportBuilder.CALL_SITE_FRAMES + 3; i++) {
      deep.add("com.example.F.f" + i + "(F.java:" + i + ")");
    }
    b.add(Resets.at("PEER_CRASH", deep));
    List<String> differentBelow = new java.util.ArrayList<>(deep);
    differentBelow.set(deep.size() - 1, "com.example.Other.main(Other.java:1)");
    b.add(Resets.at("UNKNOWN", differentBelow));
    for (int i = 0; i < ReportBuilder.MAX_CALL_SITES + 2; i++) {
      b.add(Resets.at("UNKNOWN", List.of("com.example.S.site" + i + "(S.java:1)")));
    }
    Report r = b.build();
    Report.CallSite top = r.callSites().get(0);
    assertEquals(2, top.resets(), "frames below the first few do not split a call site");
    assertEquals(ReportBuilder.CALL_SITE_FRAMES, top.frames().size());
    assertEquals(Map.of("PEER_CRASH", 1L, "UNKNOWN", 1L), top.verdicts());
    assertEquals("java.io.IOException: Broken pipe", top.exception());
    assertEquals(List.of("write"), top.operations());
    assertEquals(ReportBuilder.MAX_CALL_SITES, r.callSites().size());
    assertEquals(3, r.resetsAtOtherCallSites());
  }

  @Test
  void peersPastTheCapAreCountedNotFollowed() {
    ReportBuilder b = new ReportBuilder();
    for (int i = 0; i < ReportBuilder.MAX_PEERS + 7; i++) {
      b.add(Resets.reset(T0 + i, "UNKNOWN", "10.0." + (i / 250) + "." + (i % 250) + ":80", 0));
    }
    Report r = b.build();
    assertEquals(ReportBuilder.MAX_PEERS, r.peers().size());
    assertEquals(ReportBuilder.MAX_PEERS + 7, r.peerCount());
    assertEquals(7, r.resetsOfOtherPeers());
  }

  @Test
  void aPeersIdleSampleStaysBoundedAndDrawnFromItsResets() {
    ReportBuilder b = new ReportBuilder();
    for (int i = 0; i < 20_000; i++) {
      b.add(Resets.reset(T0 + i, "IDLE_TIMEOUT", "10.0.0.1:80", (100 + i % 50) * S));
    }
    Report.Peer p = b.build().peers().get(0);
    assertEquals(ReportBuilder.IDLE_SAMPLES, p.idleSamples().length);
    for (long idle : p.idleSamples()) {
      assertTrue(idle >= 100 * S && idle < 150 * S, "a sampled idle " + idle);
    }
  }

  @Test
  void theTimelineWidensItsBinsToStayBoundedAndKeepsEveryReset() {
    ReportBuilder b = new ReportBuilder();
    int n = 0;
    // An hour of resets, out of order as several recordings give them.
    for (long t = 3_600_000; t >= 0; t -= 7_919) {
      b.add(Resets.reset(T0 + t, n % 3 == 0 ? "PEER_CRASH" : "IDLE_TIMEOUT", "a:1", 0));
      n++;
    }
    Report.Timeline t = b.build().timeline();
    assertTrue(t.bins() <= ReportBuilder.MAX_BINS, t.bins() + " bins");
    assertEquals(0, Long.bitCount(t.binMillis()) - 1, "a power of two: " + t.binMillis());
    assertTrue(t.startMillis() <= T0);
    assertTrue(t.startMillis() + t.bins() * t.binMillis() > T0 + 3_600_000);
    long sum = 0;
    for (long[] bin : t.counts()) {
      for (long c : bin) {
        sum += c;
      }
    }
    assertEquals(n, sum);
    assertEquals(List.of("IDLE_TIMEOUT", "PEER_CRASH"), t.verdicts());
  }
}
