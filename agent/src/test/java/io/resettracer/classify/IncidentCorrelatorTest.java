package io.resettracer.classify;

import static io.resettracer.classify.Fixtures.facts;
import static io.resettracer.classify.Fixtures.nanos;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bursts judged as one, on a clock of plain numbers, with the peers' aftermath mocked. */
class IncidentCorrelatorTest {

  private final IncidentCorrelator correlator =
      new IncidentCorrelator(Thresholds.defaults(), nanos("2s"));
  private final IncidentCorrelator.FollowUp followUp = mock(IncidentCorrelator.FollowUp.class);
  private static final Classification UNKNOWN = Classification.unknown("thin", "");

  @Test
  void onePeersConnectionsCutThenRefusedIsACrash() {
    when(followUp.refusedSince(anyString(), anyInt(), anyLong())).thenReturn(3);
    when(followUp.connects("127.0.0.1", 9000)).thenReturn(6L);
    for (int i = 0; i < 4; i++) {
      correlator.add(facts("read reset peer=127.0.0.1:9000 idle=10ms exchanges=2 wsr=40"),
          UNKNOWN, 4, nanos("10s") + i * nanos("5ms"));
    }
    assertNull(correlator.settle(nanos("11s"), followUp, false), "not settled yet");
    Incident i = correlator.settle(nanos("12.1s"), followUp, false);
    assertEquals(Verdict.PEER_CRASH, i.verdict());
    assertEquals(0.85f, i.confidence(), 0.001);
    assertEquals(4, i.resets());
    assertEquals("127.0.0.1:9000 ×4", i.peerList());
    assertEquals(Map.of(Verdict.UNKNOWN, 4), i.memberVerdicts());
    assertEquals("4 resets of 1 peer on 1 host within 15 ms: one peer's connections cut"
        + " together, then connects to it refused: its process died or restarted; afterwards 3"
        + " connects refused, 2 new connections made; per reset: UNKNOWN ×4", i.evidence());
    assertEquals("find why 127.0.0.1:9000 went away (its logs, OOM kills, restarts, deploys); drain"
        + " connections on shutdown; retry idempotent requests with back-off", i.recommendation());
    assertNull(correlator.settle(nanos("20s"), followUp, false), "judged once");
  }

  @Test
  void manyHostsAtOnceIsADevice() {
    when(followUp.connects(anyString(), anyInt())).thenReturn(2L);
    for (int h = 2; h <= 5; h++) {
      correlator.add(facts("read reset peer=127.0.0." + h + ":80 idle=100ms exchanges=3 wsr=9"),
          UNKNOWN, 1, nanos("1s") + h * nanos("1ms"));
    }
    Incident i = correlator.settle(nanos("9s"), followUp, false);
    assertEquals(Verdict.NETWORK_DEVICE, i.verdict());
    assertEquals(0.85f, i.confidence(), 0.001, "new connects succeeded afterwards");
    assertEquals(4, i.hosts());
  }

  @Test
  void theMajorityVerdictCarriesAnIdleSweep() {
    Classification idle = new Classification(Verdict.IDLE_TIMEOUT, 0.8f, "e", "keep idle below 2 s");
    correlator.add(facts("read reset peer=127.0.0.1:8080 idle=2.5s exchanges=2 wsr=9"), UNKNOWN, 6,
        nanos("1s"));
    correlator.add(facts("read reset peer=127.0.0.1:8080 idle=2.6s exchanges=2 wsr=9"), idle, 6,
        nanos("1.4s"));
    correlator.add(facts("read reset peer=127.0.0.1:8080 idle=2.7s exchanges=2 wsr=9"), idle, 6,
        nanos("1.8s"));
    Incident i = correlator.settle(nanos("4s"), followUp, false);
    assertEquals(Verdict.IDLE_TIMEOUT, i.verdict());
    assertEquals(0.8f, i.confidence(), 0.001);
    assertEquals("keep idle below 2 s", i.recommendation());
  }

  @Test
  void aLoneResetIsNoIncidentAndAGapSplitsBursts() {
    correlator.add(facts("read reset idle=10ms exchanges=2 wsr=9"), UNKNOWN, 1, nanos("1s"));
    correlator.add(facts("read reset idle=10ms exchanges=2 wsr=9"), UNKNOWN, 1, nanos("3s"));
    assertNull(correlator.settle(nanos("3.1s"), followUp, true), "the second reset began a new burst");
  }
}
