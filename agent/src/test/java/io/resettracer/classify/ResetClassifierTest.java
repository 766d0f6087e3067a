package io.resettracer.classify;

import static io.resettracer.classify.Fixtures.facts;
import static io.resettracer.classify.Fixtures.nanos;
import static io.resettracer.classify.Fixtures.past;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resettracer.model.HostSnapshot;
import io.resettracer.model.ResetHistory;
import io.resettracer.model.Stage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One fixture per cause, and the thin case: the verdict, its confidence, and the rendered evidence
 * and recommendation word for word, numbers included.
 */
class ResetClassifierTest {

  private final HostSnapshot none = HostSnapshot.UNKNOWN;

  private static Classification classify(String line, ResetHistory history, HostSnapshot host) {
    return new ResetClassifier().classify(facts(line), history, host);
  }

  @Test
  void idleNat() {
    Classification c = classify("read reset peer=192.0.2.10:443 idle=350.4s exchanges=14 wsr=120 read=9KiB written=3KiB age=900s",
        new ResetHistory(List.of(past("40s", "read reset peer=192.0.2.10:443 idle=350.1s exchanges=3 wsr=100"), past("90s", "read reset peer=192.0.2.10:443 idle=351.0s exchanges=5 wsr=100")), List.of(), List.of(), nanos("300s"), 20), none);
    assertEquals(Verdict.IDLE_TIMEOUT, c.verdict());
    assertEquals(0.95f, c.confidence(), 0.001);
    assertEquals(
        "RST with no FIN before it on a reused connection (14 exchanges) after 350.4 s idle (threshold 1.0 s), on the first request after the pause; failures after 350.1–351.0 s idle on 3 connections to 192.0.2.10:443, none below: the longest idle a connection to it survived is 300.0 s; idle just above the AWS NAT Gateway / NLB / Network Firewall (350 s) limit",
        c.evidence());
    assertEquals(
        "keep connections to 192.0.2.10:443 idle below the hop's limit (likely AWS NAT Gateway / NLB / Network Firewall (350 s)): set the pool's max idle to ≤ 315 s, or enable TCP keepalive with TCP_KEEPIDLE below it (jdk.net.ExtendedSocketOptions), or raise the hop's idle timeout above the longest pause",
        c.recommendation());
  }

  @Test
  void idleSingle() {
    Classification c = classify("read reset idle=2.5s exchanges=3 wsr=23", ResetHistory.NONE, none);
    assertEquals(Verdict.IDLE_TIMEOUT, c.verdict());
    assertEquals(0.6f, c.confidence(), 0.001);
    assertEquals(
        "RST with no FIN before it on a reused connection (3 exchanges) after 2.5 s idle (threshold 1.0 s), on the first request after the pause; failure after 2.5 s idle",
        c.evidence());
    assertEquals(
        "keep connections to 192.0.2.10:443 idle below the hop's limit (learnt here: below 2.5 s): set the pool's max idle to ≤ 2.2 s, or enable TCP keepalive with TCP_KEEPIDLE below it (jdk.net.ExtendedSocketOptions), or raise the hop's idle timeout above the longest pause",
        c.recommendation());
  }

  @Test
  void keepaliveEof() {
    Classification c = classify("read eof peer=127.0.0.1:8080 idle=5.2s exchanges=2 wsr=80", new ResetHistory(List.of(past("3s", "read eof peer=127.0.0.1:8080 idle=5.6s exchanges=1 wsr=80")), List.of(), List.of(), nanos("4.1s"), 5), none);
    assertEquals(Verdict.KEEPALIVE_MISMATCH, c.verdict());
    assertEquals(0.95f, c.confidence(), 0.001);
    assertEquals(
        "end of stream right after a request on a reused connection (2 exchanges) after 5.2 s idle (threshold 1.0 s), on the first request after the pause; 1 earlier failure to this peer after a pause came after a FIN; failures after 5.2–5.6 s idle on 2 connections to 127.0.0.1:8080, none below: the longest idle a connection to it survived is 4.1 s; idle just above the Apache httpd / Node.js / uvicorn keep-alive (5 s) default",
        c.evidence());
    assertEquals(
        "the server at 127.0.0.1:8080 closes idle keep-alive connections sooner than the client's pool retires them (likely Apache httpd / Node.js / uvicorn keep-alive (5 s)): set the pool's max idle / idle eviction to ≤ 4.6 s (failures start at 5.2 s idle), or raise the server's keep-alive timeout above the pool's max idle, or validate connections idle longer than that before reuse",
        c.recommendation());
  }

  @Test
  void keepaliveRstRace() {
    Classification c = classify("read reset peer=127.0.0.1:8080 idle=5.0s exchanges=2 wsr=80", new ResetHistory(List.of(past("3s", "read eof peer=127.0.0.1:8080 idle=5.6s exchanges=1 wsr=80")), List.of(), List.of(), nanos("4.1s"), 5), none);
    assertEquals(Verdict.KEEPALIVE_MISMATCH, c.verdict());
    assertEquals(0.95f, c.confidence(), 0.001);
    assertEquals(
        "RST on a reused connection (2 exchanges) after 5.0 s idle (threshold 1.0 s), on the first request after the pause; 1 earlier failure to this peer after a pause came after a FIN; failures after 5.0–5.6 s idle on 2 connections to 127.0.0.1:8080, none below: the longest idle a connection to it survived is 4.1 s; idle just above the Apache httpd / Node.js / uvicorn keep-alive (5 s) default",
        c.evidence());
    assertEquals(
        "the server at 127.0.0.1:8080 closes idle keep-alive connections sooner than the client's pool retires them (likely Apache httpd / Node.js / uvicorn keep-alive (5 s)): set the pool's max idle / idle eviction to ≤ 4.5 s (failures start at 5.0 s idle), or raise the server's keep-alive timeout above the pool's max idle, or validate connections idle longer than that before reuse",
        c.recommendation());
  }

  @Test
  void crash() {
    Classification c = classify("read reset peer=127.0.0.1:9000 idle=10ms exchanges=3 wsr=40", new ResetHistory(List.of(past("20ms", "read reset peer=127.0.0.1:9000 idle=5ms exchanges=2 wsr=40"), past("30ms", "read reset peer=127.0.0.1:9000 idle=5ms exchanges=4 wsr=40")), List.of(), List.of(nanos("0.5s")), -1, 4), none);
    assertEquals(Verdict.PEER_CRASH, c.verdict());
    assertEquals(0.95f, c.confidence(), 0.001);
    assertEquals(
        "3 connections to 127.0.0.1:9000 failed within 30 ms (burst window 1.0 s); 1 connect to it refused in the last 10.0 s; a request was outstanding",
        c.evidence());
    assertEquals(
        "find why 127.0.0.1:9000 went away (3 connections cut at once): its logs, OOM kills, restarts and deploys; give it a graceful shutdown that drains connections; retry idempotent requests with back-off",
        c.recommendation());
  }

  @Test
  void twoConnectionsToOnePeerAreNotYetACrash() {
    // A device in front of this one peer would cut them alike: other hosts or refusals must tell.
    Classification c = classify("read reset peer=127.0.0.1:9000 idle=10ms exchanges=3 wsr=40", new ResetHistory(List.of(past("1ms", "read reset peer=127.0.0.1:9000 idle=5ms exchanges=2 wsr=40")), List.of(), List.of(), -1, 2), none);
    assertEquals(Verdict.UNKNOWN, c.verdict());
    assertEquals(
        "reset on read after 10 ms idle, 3 exchanges, 40 B written since the last read; nearest causes: PEER_CRASH (45 %: 2 connections to 127.0.0.1:9000 failed within 1 ms (burst window 1.0 s); a request was outstanding); a verdict needs 50 % and a 15 % lead",
        c.evidence());
  }

  @Test
  void crashFirst() {
    Classification c = classify("read reset peer=127.0.0.1:9000 idle=10ms exchanges=3 wsr=40", ResetHistory.NONE, none);
    assertEquals(Verdict.UNKNOWN, c.verdict());
    assertEquals(0.0f, c.confidence(), 0.001);
    assertEquals(
        "reset on read after 10 ms idle, 3 exchanges, 40 B written since the last read; nearest causes: PEER_CRASH (20 %: no other connection to 127.0.0.1:9000 failed within 1.0 s; a request was outstanding); a verdict needs 50 % and a 15 % lead",
        c.evidence());
    assertEquals(
        "not enough to tell yet; if it is PEER_CRASH: find why 127.0.0.1:9000 went away: its logs, OOM kills, restarts and deploys; give it a graceful shutdown that drains connections; retry idempotent requests with back-off",
        c.recommendation());
  }

  @Test
  void exhaustion() {
    Classification c = classify("read reset peer=127.0.0.1:7000 age=3ms wsr=50", new ResetHistory(List.of(past("2ms", "read reset peer=127.0.0.1:7000 age=2ms wsr=50"), past("4ms", "read reset peer=127.0.0.1:7000 age=2ms wsr=50")), List.of(), List.of(), -1, 9), new HostSnapshot(180, 1024, 5_000_000_000L, 1000, 0, 0, 3, -1, -1));
    assertEquals(Verdict.RESOURCE_EXHAUSTION, c.verdict());
    assertEquals(0.9f, c.confidence(), 0.001);
    assertEquals(
        "a brand-new connection (3 ms old, threshold 3.0 s) reset with 0 bytes ever read after its first request was sent; 3 brand-new connections to 127.0.0.1:7000 reset within 1.0 s; this host's accept queues overflowed 3 times in the last 5.0 s",
        c.evidence());
    assertEquals(
        "127.0.0.1:7000 cannot take more connections: raise its accept backlog (net.core.somaxconn, the server's backlog), its file-descriptor limit and capacity; limit this client's connection rate and reuse pooled connections",
        c.recommendation());
  }

  @Test
  void device() {
    Classification c = classify("read reset peer=127.0.0.4:80 idle=200ms exchanges=6 wsr=30", new ResetHistory(List.of(), List.of(past("5ms", "read reset peer=127.0.0.2:80 idle=100ms exchanges=6 wsr=30"), past("9ms", "read reset peer=127.0.0.3:80 idle=100ms exchanges=6 wsr=30")), List.of(), -1, 1), none);
    assertEquals(Verdict.NETWORK_DEVICE, c.verdict());
    assertEquals(0.85f, c.confidence(), 0.001);
    assertEquals(
        "3 different hosts (127.0.0.4, 127.0.0.2, 127.0.0.3) reset within 1.0 s (device threshold 3 hosts); the connection was busy (idle 200 ms)",
        c.evidence());
    assertEquals(
        "a firewall, NAT or load balancer between this host and 127.0.0.4, 127.0.0.2, 127.0.0.3 cut its flows at once (policy change, state-table overflow, conntrack INVALID): check its state table and session limits (conntrack -S, nf_conntrack_max) and its logs at that moment; involve the network team",
        c.recommendation());
  }

  @Test
  void payload() {
    Classification c = classify("write reset peer=127.0.0.1:8443 exchanges=1 wsr=4.2MiB written=4.2MiB read=100", ResetHistory.NONE, none);
    assertEquals(Verdict.LARGE_PAYLOAD, c.verdict());
    assertEquals(0.8f, c.confidence(), 0.001);
    assertEquals(
        "4.2 MiB written since the last read (large request from 1.0 MiB), cut while still writing",
        c.evidence());
    assertEquals(
        "127.0.0.1:8443 (or a proxy before it) refuses request bodies this large and closed mid-upload, after 4.2 MiB had been sent: raise its body limit above the real request size (nginx: client_max_body_size, 1 MiB by default), send Expect: 100-continue so the refusal comes before the body, or split the upload into parts below the limit; the refusal (413) may still be readable on the connection",
        c.recommendation());
  }

  @Test
  void instability() {
    Classification c = classify("read timed-out peer=10.1.0.2:5432 idle=100ms exchanges=40 wsr=200", ResetHistory.NONE, new HostSnapshot(50, 1024, 5_000_000_000L, 2000, 300, 12, 0, -1, -1));
    assertEquals(Verdict.NETWORK_INSTABILITY, c.verdict());
    assertEquals(0.95f, c.confidence(), 0.001);
    assertEquals(
        "the kernel gave up retransmitting (\"Connection timed out\") on an established connection; 150.0 ‰ of TCP segments retransmitted in the last 5.0 s (300 of 2000; threshold 20 ‰); 12 retransmission timeouts",
        c.evidence());
    assertEquals(
        "the path to 10.1.0.2:5432 loses packets: trace it (mtr 10.1.0.2), test the MTU (ping -M do -s 1472 10.1.0.2), involve the network team; meanwhile retry with back-off and set read timeouts so a dead path fails fast",
        c.recommendation());
  }

  @Test
  void thin() {
    Classification c = classify("read reset idle=20ms exchanges=3 wsr=10 age=200ms", ResetHistory.NONE, none);
    assertEquals(Verdict.UNKNOWN, c.verdict());
    assertEquals(0.0f, c.confidence(), 0.001);
    assertEquals(
        "reset on read after 20 ms idle, 3 exchanges, 10 B written since the last read; nearest causes: PEER_CRASH (20 %: no other connection to 192.0.2.10:443 failed within 1.0 s; a request was outstanding); a verdict needs 50 % and a 15 % lead",
        c.evidence());
    assertEquals(
        "not enough to tell yet; if it is PEER_CRASH: find why 192.0.2.10:443 went away: its logs, OOM kills, restarts and deploys; give it a graceful shutdown that drains connections; retry idempotent requests with back-off",
        c.recommendation());
  }

  @Test
  void gc() {
    Classification c = classify("read reset idle=2.5s exchanges=3 wsr=23", ResetHistory.NONE, new HostSnapshot(50, 1024, 0, -1, -1, -1, -1, 3_200_000_000L, 10_000_000_000L));
    assertEquals(Verdict.IDLE_TIMEOUT, c.verdict());
    assertEquals(0.6f, c.confidence(), 0.001);
    assertEquals(
        "RST with no FIN before it on a reused connection (3 exchanges) after 2.5 s idle (threshold 1.0 s), on the first request after the pause; failure after 2.5 s idle; note: this JVM spent 3.2 s in GC pauses in the last 10.0 s, long enough for a peer to give up on it",
        c.evidence());
    assertEquals(
        "keep connections to 192.0.2.10:443 idle below the hop's limit (learnt here: below 2.5 s): set the pool's max idle to ≤ 2.2 s, or enable TCP keepalive with TCP_KEEPIDLE below it (jdk.net.ExtendedSocketOptions), or raise the hop's idle timeout above the longest pause",
        c.recommendation());
  }

  @Test
  void aConnectionThatSurvivedALongerIdleContradictsAnIdleLimit() {
    Classification c = classify("read reset idle=2.5s exchanges=3 wsr=23",
        new ResetHistory(List.of(), List.of(), List.of(), nanos("30s"), 4), none);
    assertEquals(Verdict.UNKNOWN, c.verdict());
    assertEquals(0f, c.confidence());
    assertTrue(c.evidence().contains("yet the longest idle a connection to it survived is 30.0 s"),
        c.evidence());
  }

  @Test
  void thresholdsAreOverridableByName() {
    Thresholds t = Thresholds.defaults().set("idleMin", nanos("5s"));
    Classification c = new ResetClassifier(t).classify(
        facts("read reset idle=2.5s exchanges=3 wsr=23"), ResetHistory.NONE, none);
    assertEquals(Verdict.UNKNOWN, c.verdict(), "2.5 s is no longer a pause");
    assertEquals(5_000_000_000L, t.get("idleMin"));
  }

  @Test
  void anUnknownThresholdSaysWhichAreKnown() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> Thresholds.defaults().set("idleMinimum", 5));
    assertTrue(e.getMessage().startsWith("unknown rule threshold 'idleMinimum'; known: idleMin,"),
        e.getMessage());
  }

  @Test
  void theCatalogueNamesAHopOnlyJustAboveItsLimit() {
    assertEquals(List.of("AWS NAT Gateway / NLB / Network Firewall"),
        TimeoutCatalog.matching(nanos("351s"), 100).stream().map(TimeoutCatalog.Entry::name).toList());
    assertEquals(List.of(), TimeoutCatalog.matching(nanos("340s"), 100));
  }

  /**
   * A balancer that drops an idle flow with an RST (HAProxy's nolinger, measured): the very first
   * write after the pause fails, nothing written since the last read. A server's FIN would have let
   * that write through.
   */
  @Test
  void aFirstWriteThatFailsAfterAPauseIsAMiddleboxIdleLimit() {
    Classification c = classify("write broken-pipe peer=10.101.1.1:8080 idle=1.7s exchanges=2 wsr=0", ResetHistory.NONE, none);
    assertEquals(Verdict.IDLE_TIMEOUT, c.verdict());
    assertEquals(0.65f, c.confidence(), 0.001);
    assertEquals(
        "the very first write after the pause failed (\"Broken pipe\", nothing written since the last read): the connection had been aborted (RST) while it sat idle, which a server's close (FIN) never does; on a reused connection (2 exchanges) after 1.7 s idle (threshold 1.0 s); failure after 1.7 s idle",
        c.evidence());
  }

  /**
   * An event loop keeps a read waiting on its idle pooled connections: an RST sent on its own to a
   * connection idle past a limit (a server or balancer that resets idle flows) fails that read at
   * once, nothing written since the last one. On a blocking socket the same facts are a reply cut
   * while the application read it.
   */
  @Test
  void anRstMetByAnEventLoopWhileIdleIsAnIdleLimit() {
    ResetHistory survivedShort = new ResetHistory(List.of(), List.of(), List.of(), nanos("317ms"), 2);
    Classification c = classify("read reset peer=127.0.0.1:46021 idle=1.3s exchanges=2 wsr=0 transport=netty-epoll", survivedShort, none);
    assertEquals(Verdict.IDLE_TIMEOUT, c.verdict(), c.evidence());
    assertTrue(c.evidence().contains("the RST came on its own while the connection rested"), c.evidence());
    Classification blocking = classify("read reset peer=127.0.0.1:46021 idle=1.3s exchanges=2 wsr=0", survivedShort, none);
    assertTrue(blocking.confidence() < c.confidence(), blocking.evidence());
    assertTrue(blocking.evidence().contains("the RST answered no request"), blocking.evidence());
  }

  /**
   * A handshake reset right after the ClientHello, once: a refusal by a proxy or a server at its
   * limit read the same. Named when it repeats on every connection to the peer, none getting
   * through; a server that takes some handshakes is not refusing by policy.
   */
  @Test
  void aTlsHandshakeCutOnEveryConnectionIsARefusalInThePath() {
    String line = "read reset peer=192.0.2.20:443 age=40ms wsr=517";
    Classification once = new ResetClassifier().classify(facts(line), Stage.TLS_HANDSHAKE, new ResetHistory(List.of(), List.of(), List.of(), -1, 1), none);
    assertEquals(Verdict.UNKNOWN, once.verdict(), once.evidence());
    assertTrue(once.evidence().contains("in its TLS handshake, after the ClientHello was sent"), once.evidence());
    assertTrue(once.evidence().contains("the TLS handshake was reset after the ClientHello"), once.evidence());

    ResetHistory everyOne = new ResetHistory(List.of(past("2s", line), past("4s", line)), List.of(), List.of(), -1, 3);
    Classification c = new ResetClassifier().classify(facts(line), Stage.TLS_HANDSHAKE, everyOne, none);
    assertEquals(Verdict.NETWORK_DEVICE, c.verdict(), c.evidence());
    assertTrue(c.recommendation().contains("-servername"), c.recommendation());

    ResetHistory othersWork = new ResetHistory(List.of(past("2s", line), past("4s", line)), List.of(), List.of(), nanos("3s"), 40);
    Classification busy = new ResetClassifier().classify(facts(line), Stage.TLS_HANDSHAKE, othersWork, none);
    assertTrue(busy.verdict() != Verdict.NETWORK_DEVICE, busy.evidence());
  }

  /** A server's FIN lets the request's head through; its body's write then meets the RST. */
  @Test
  void aBrokenPipeOnASecondWriteAfterAPauseIsAServerClose() {
    Classification c = classify("write broken-pipe peer=127.0.0.1:8080 idle=1.6s exchanges=2 wsr=200", ResetHistory.NONE, none);
    assertEquals(Verdict.KEEPALIVE_MISMATCH, c.verdict());
    assertEquals(0.75f, c.confidence(), 0.001);
  }

  /** Earlier first-write failures are RSTs, not FINs: they do not count as a server closing. */
  @Test
  void earlierFirstWriteFailuresAreNotFins() {
    Classification c = classify("write broken-pipe peer=10.101.1.1:8080 idle=1.7s exchanges=2 wsr=0", new ResetHistory(List.of(past("2ms", "write broken-pipe peer=10.101.1.1:8080 idle=1.7s exchanges=2 wsr=0"), past("3s", "write broken-pipe peer=10.101.1.1:8080 idle=1.7s exchanges=1 wsr=0")), List.of(), List.of(), nanos("0.6s"), 6), none);
    assertEquals(Verdict.IDLE_TIMEOUT, c.verdict());
    assertEquals(0.9f, c.confidence(), 0.001);
  }

  /** Heavy retransmission beside a reset after a pause: the path, not an idle limit. */
  @Test
  void heavyLossMovesTheVerdictToThePath() {
    Classification c = classify("read reset idle=2.5s exchanges=3 wsr=23", ResetHistory.NONE, new HostSnapshot(50, 1024, 5_000_000_000L, 2000, 600, 9, 0, -1, -1));
    assertEquals(Verdict.NETWORK_INSTABILITY, c.verdict());
    assertEquals(0.8f, c.confidence(), 0.001);
  }

  /**
   * A download stalled by loss on the way in and then reset (nginx's send_timeout under 30 % loss,
   * measured): the client retransmits little of its own (it sends ACKs), but a third of what it
   * received came past a gap. The stall is no idle limit.
   */
  @Test
  void lossOnTheWayInIsSeenInTheSegmentsReceivedOutOfOrder() {
    HostSnapshot download = new HostSnapshot(50, 1024, 5_000_000_000L, 900, 4, 0, 0, -1, -1, 1200, 420);
    Classification c = classify("read reset idle=1.0s exchanges=2 wsr=0 read=14KiB", ResetHistory.NONE, download);
    assertEquals(Verdict.NETWORK_INSTABILITY, c.verdict(), c.evidence());
    assertTrue(c.evidence().contains("350.0 ‰ of segments received came out of order"), c.evidence());
    Classification healthy = classify("read reset idle=1.0s exchanges=2 wsr=0 read=14KiB", ResetHistory.NONE,
        new HostSnapshot(50, 1024, 5_000_000_000L, 900, 4, 0, 0, -1, -1, 1200, 3));
    assertTrue(healthy.verdict() != Verdict.NETWORK_INSTABILITY, healthy.evidence());
  }

  /**
   * The same stall as a host sees it when the download is all it receives: 45 segments in, 12 of
   * them past a gap (measured, nginx's send_timeout under 30 % loss, the reset 1.5 s into the
   * connection after 37 KiB and 786 ms without a byte). Few segments, but a segment past a gap only
   * follows a loss: at least 15 % at 95 %, where 2 of 25 or 4 of 45 (under the minimum of 5) tell
   * nothing.
   */
  @Test
  void aFewSegmentsPastAGapStillTellLossOnTheWayIn() {
    String reset = "read reset idle=786ms exchanges=2 wsr=0 read=37KiB age=1.5s";
    Classification c = classify(reset, ResetHistory.NONE, inbound(45, 12));
    assertEquals(Verdict.NETWORK_INSTABILITY, c.verdict(), c.evidence());
    assertTrue(c.evidence().contains("266.7 ‰ of segments received came out of order, past a gap"
        + " (12 of 45, at least 160 ‰ at 95 %"), c.evidence());
    assertTrue(classify(reset, ResetHistory.NONE, inbound(25, 2)).verdict()
        != Verdict.NETWORK_INSTABILITY);
    assertTrue(classify(reset, ResetHistory.NONE, inbound(45, 4)).verdict()
        != Verdict.NETWORK_INSTABILITY);
    // 19 of 61 is heavy loss even at its lower bound (21 %).
    assertEquals(0.75f, classify(reset, ResetHistory.NONE, inbound(61, 19)).confidence(), 0.001);
  }

  @Test
  void theLowerBoundOfAShareIsWilsons() {
    assertEquals(0.0809, ResetEvidence.lowerBound95(6, 35), 0.0005);
    assertEquals(0.2094, ResetEvidence.lowerBound95(19, 61), 0.0005);
    assertEquals(0.0, ResetEvidence.lowerBound95(0, 40), 1e-9);
    assertEquals(0.0, ResetEvidence.lowerBound95(0, 0), 1e-9);
  }

  private static HostSnapshot inbound(long in, long outOfOrder) {
    return new HostSnapshot(76, 20000, 5_300_000_000L, in + 6, 0, 0, 0, -1, -1, in, outOfOrder);
  }

  /** 6 retransmitted of 61 sent is no rate: no loss is claimed from it. */
  @Test
  void aSmallSampleIsNotARetransmissionRate() {
    Classification c = classify("read reset idle=2.5s exchanges=3 wsr=23", ResetHistory.NONE, new HostSnapshot(50, 1024, 5_000_000_000L, 61, 6, 1, 0, -1, -1));
    assertEquals(Verdict.IDLE_TIMEOUT, c.verdict());
    assertEquals(0.6f, c.confidence(), 0.001);
  }

  /**
   * Under loss (a server's body timeout cutting stalled uploads), cuts from 90 KiB to 3 MiB are not
   * a size limit.
   */
  @Test
  void uploadsCutAtWidelyVaryingOffsetsOnALossyPathAreNotASizeLimit() {
    Classification c = classify("write reset peer=10.1.0.2:80 exchanges=1 wsr=300KiB written=300KiB read=100 age=12s", new ResetHistory(List.of(past("2s", "write reset peer=10.1.0.2:80 exchanges=1 wsr=3MiB age=30s"), past("4s", "write reset peer=10.1.0.2:80 exchanges=2 wsr=90KiB age=5s")), List.of(), List.of(), -1, 3), new HostSnapshot(50, 1024, 5_000_000_000L, 4000, 400, 20, 0, -1, -1));
    assertEquals(Verdict.NETWORK_INSTABILITY, c.verdict());
    assertTrue(c.evidence().contains("100.0 ‰ of TCP segments retransmitted"), c.evidence());
  }

  /**
   * redis refusing one 16 MiB value over and over (measured): the cuts fall from 81 KiB to 638 KiB,
   * as much as the socket buffers happened to hold; on a healthy path that is still a size limit.
   */
  @Test
  void aSizeLimitsCutsVaryWithTheBuffersOnAHealthyPath() {
    Classification c = classify("write reset peer=10.126.2.10:6379 exchanges=1 wsr=638KiB written=638KiB read=106 age=700ms", new ResetHistory(List.of(past("150ms", "write reset peer=10.126.2.10:6379 exchanges=1 wsr=392KiB age=560ms"), past("1.5s", "write reset peer=10.126.2.10:6379 exchanges=1 wsr=81KiB age=1.2s")), List.of(), List.of(), -1, 3), none);
    assertEquals(Verdict.LARGE_PAYLOAD, c.verdict());
  }

  /**
   * Pooled connections idle a while, then several services of one host reset together and its
   * connects refused right after (the burst's picture, as its grouper feeds it): a crash, not an
   * idle limit.
   */
  @Test
  void aHostsServicesResetTogetherThenRefusedIsACrashWhateverTheIdle() {
    ResetHistory h = new ResetHistory(List.of(), List.of(), List.of(), -1, 6)
        .withBurst(new io.resettracer.model.BurstContext(6, 1, 3, 4, 0, true));
    Classification c = classify("read reset peer=10.0.0.9:6380 idle=1.2s exchanges=3 wsr=30", h, none);
    assertEquals(Verdict.PEER_CRASH, c.verdict());
    assertTrue(c.evidence().contains("3 ports of 10.0.0.9 failed together; 4 connects to 10.0.0.9 refused right after"), c.evidence());
  }


  /**
   * redis refusing a 16 MiB value (measured): 143 KiB went out after a pause, then the RST. A flow
   * a middlebox forgot is reset at its first packet, so this is the peer refusing the body.
   */
  @Test
  void anUploadCutAfterAPauseIsNotAnIdleLimit() {
    Classification c = classify("write reset peer=10.125.2.10:6379 idle=1.8s exchanges=2 wsr=143KiB written=143KiB read=111", ResetHistory.NONE, none);
    assertEquals(Verdict.LARGE_PAYLOAD, c.verdict());
    assertEquals(0.55f, c.confidence(), 0.001);
  }

  /** A download reset by its server mid-reply after a stall: the RST answered no request. */
  @Test
  void aResetMidReplyIsNotAnIdleLimit() {
    Classification c = classify("read reset peer=10.128.2.10:80 idle=1.0s exchanges=2 wsr=0 read=37KiB", ResetHistory.NONE, none);
    assertEquals(Verdict.UNKNOWN, c.verdict());
    assertTrue(c.evidence().contains("but nothing had been sent since the last read: the RST answered no request"), c.evidence());
  }

  /**
   * A stateful firewall that lost its table resets flows to three hosts at once; a busy connection
   * stalled 1.1 s on a loaded machine is among them. With the burst's picture it is the device.
   */
  @Test
  void threeHostsInTheBurstOutweighAnIdleThatJustPassedTheThreshold() {
    ResetHistory h = new ResetHistory(List.of(), List.of(), List.of(), -1, 6)
        .withBurst(new io.resettracer.model.BurstContext(6, 3, 1, 0, 6, true));
    Classification c = classify("read reset peer=10.122.2.12:6379 idle=1.1s exchanges=10 wsr=25", h, none);
    assertEquals(Verdict.NETWORK_DEVICE, c.verdict());
  }


  /**
   * Three redis servers of one host killed with requests outstanding, their pooled connections idle
   * 1.9 s before (measured): without the refusals that followed, an idle limit is not ruled out,
   * but services of one host reset within milliseconds of each other speak against it: no verdict
   * yet, rather than a confident idle timeout.
   */
  @Test
  void servicesOfOneHostResetAtOnceAfterAPauseAreNotConfidentlyAnIdleLimit() {
    Classification c = classify("read reset peer=10.111.2.10:6381 idle=1.9s exchanges=2 wsr=25 age=2.5s",
        new ResetHistory(List.of(past("1ms", "read reset peer=10.111.2.10:6381 idle=1.9s exchanges=2 wsr=25 age=2.4s")),
            List.of(past("2ms", "read reset peer=10.111.2.10:6379 idle=1.9s exchanges=2 wsr=25"), past("3ms", "read reset peer=10.111.2.10:6380 idle=1.9s exchanges=2 wsr=25")),
            List.of(), nanos("1ms"), 6), none);
    assertEquals(Verdict.UNKNOWN, c.verdict());
    assertTrue(c.evidence().contains("3 services (ports) of 10.111.2.10 were reset within 50 ms"), c.evidence());
  }


  /** HAProxy at its connection limit (measured): the connect itself is reset, not refused. */
  @Test
  void aConnectThatIsResetIsAPeerAtCapacity() {
    Classification c = classify("connect reset peer=10.117.1.1:8080 age=0s", ResetHistory.NONE, none);
    assertEquals(Verdict.RESOURCE_EXHAUSTION, c.verdict());
    assertEquals(0.55f, c.confidence(), 0.001);
  }

  /**
   * HAProxy denying bodies over 256 KiB (measured): new connections cut mid-upload at 78 KiB, one
   * after another. One peer's connections failing together is not a crash when every one of them
   * was cut mid-upload at one offset.
   */
  @Test
  void uploadsCutTogetherAtOneOffsetAreNotACrash() {
    Classification c = classify("write broken-pipe peer=10.123.1.1:8080 age=42ms wsr=78KiB written=78KiB",
        new ResetHistory(List.of(past("100ms", "write broken-pipe peer=10.123.1.1:8080 age=40ms wsr=79KiB written=79KiB"), past("300ms", "write broken-pipe peer=10.123.1.1:8080 exchanges=1 idle=1.2s wsr=79KiB written=79KiB"), past("500ms", "write broken-pipe peer=10.123.1.1:8080 exchanges=1 idle=1.3s wsr=79KiB written=79KiB")), List.of(), List.of(), -1, 4), none);
    assertEquals(Verdict.LARGE_PAYLOAD, c.verdict());
  }


  /**
   * nginx and Apache httpd on one host killed with requests outstanding (measured): Apache's
   * connection read end of stream after a 1.9 s pause, exactly as a stale keep-alive does. Only the
   * burst tells: two ports of the host cut together, then its connects refused.
   */
  @Test
  void anEndOfStreamAfterAPauseIsACrashWhenTheHostThenRefuses() {
    ResetHistory h = new ResetHistory(List.of(), List.of(), List.of(), nanos("0.5s"), 4)
        .withBurst(new io.resettracer.model.BurstContext(4, 1, 2, 6, 0, true));
    Classification c = classify("read eof peer=10.114.2.10:81 idle=1.9s exchanges=3 wsr=124", h, none);
    assertEquals(Verdict.PEER_CRASH, c.verdict());
    assertEquals(0.7f, c.confidence(), 0.001);
  }

}
