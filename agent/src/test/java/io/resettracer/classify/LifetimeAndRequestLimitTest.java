package io.resettracer.classify;

import static io.resettracer.classify.Fixtures.facts;
import static io.resettracer.classify.Fixtures.nanos;
import static io.resettracer.classify.Fixtures.past;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resettracer.model.HostSnapshot;
import io.resettracer.model.PastReset;
import io.resettracer.model.ResetHistory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A peer that ends connections at one age, one that ends them after one number of requests, and
 * the causes they are confused with: a server's keep-alive (idle) close, a middlebox's idle limit,
 * a crash, a refused upload. The shapes are the corpus's measured ones (nginx keepalive_time 3 s
 * and keepalive_requests 5, a client pacing its connections at 150, 250 and 350 ms).
 */
class LifetimeAndRequestLimitTest {

  private static Classification classify(String line, List<PastReset> samePeer, long survived) {
    return new ResetClassifier().classify(facts(line),
        new ResetHistory(samePeer, List.of(), List.of(), survived, samePeer.size() + 1),
        HostSnapshot.UNKNOWN);
  }

  @Test
  void connectionsEndedAtOneAgeAfterVaryingExchangesAreALifetimeLimit() {
    Classification c = classify("read eof peer=10.0.0.2:80 idle=250ms exchanges=12 age=3.3s wsr=40",
        List.of(past("300ms", "read eof peer=10.0.0.2:80 idle=150ms exchanges=20 age=3.2s wsr=40"),
            past("800ms", "read eof peer=10.0.0.2:80 idle=350ms exchanges=9 age=3.5s wsr=40")),
        nanos("350ms"));
    assertEquals(Verdict.CONNECTION_LIFETIME, c.verdict(), c.evidence());
    assertEquals(0.85f, c.confidence(), 0.001);
    assertEquals(
        "end of stream on the next use of a connection 3.1 s old at its last reply (12 exchanges); 3 connections to 10.0.0.2:80 were ended at 3.1–3.2 s of age, after 9–20 exchanges: one age, not one count; the connection was busy (250 ms idle, below 1.0 s): no idle limit ended it; the peer had closed (FIN) first",
        c.evidence());
    assertEquals(
        "connections to 10.0.0.2:80 are ended once they are about 3.1 s old (learnt here: ended at 3.1–3.2 s of age on 3 connections): set the pool's max connection lifetime (time to live) to ≤ 2.7 s so they retire first, or raise the limit (nginx keepalive_time, a proxy's max connection duration, a firewall's session lifetime); a client that honours a reply's Connection: close (or HTTP/2 GOAWAY) never reuses a connection a server retired",
        c.recommendation());
  }

  @Test
  void connectionsEndedAfterOneCountAtVaryingAgesAreARequestLimit() {
    Classification c = classify("read eof peer=10.0.0.2:80 idle=300ms exchanges=5 age=1.5s wsr=40",
        List.of(past("400ms", "read eof peer=10.0.0.2:80 idle=150ms exchanges=5 age=750ms wsr=40"),
            past("900ms", "read reset peer=10.0.0.2:80 idle=450ms exchanges=5 age=2.25s wsr=40")),
        nanos("450ms"));
    assertEquals(Verdict.REQUEST_LIMIT, c.verdict(), c.evidence());
    assertEquals(0.85f, c.confidence(), 0.001);
    assertEquals(
        "end of stream on request 6 of a connection that had completed 5 exchanges; 3 connections to 10.0.0.2:80 failed after exactly 5 exchanges, at 600 ms–1.8 s of age: one count, not one age; the connection was busy (300 ms idle, below 1.0 s): no idle limit ended it; the peer had closed (FIN) first",
        c.evidence());
    assertEquals(
        "the peer at 10.0.0.2:80 ends a connection after 5 requests (learnt here: 3 connections failed on request 6): set the pool's max requests per connection to ≤ 5 so connections retire first, or raise the peer's limit (nginx keepalive_requests, Apache MaxKeepAliveRequests); a client that honours the last reply's Connection: close (or HTTP/2 GOAWAY) never reuses them",
        c.recommendation());
  }

  /** A steady pace makes ages cluster too: the exact count is the sharper fact. */
  @Test
  void oneCountAtOneAgeIsARequestLimit() {
    Classification c = classify("read eof peer=10.0.0.2:80 idle=200ms exchanges=5 age=1.0s wsr=40",
        List.of(past("1.1s", "read eof peer=10.0.0.2:80 idle=200ms exchanges=5 age=1.0s wsr=40"),
            past("2.2s", "read eof peer=10.0.0.2:80 idle=200ms exchanges=5 age=1.05s wsr=40")),
        nanos("200ms"));
    assertEquals(Verdict.REQUEST_LIMIT, c.verdict(), c.evidence());
  }

  /**
   * A server's keep-alive close met after a pause: in rounds, the connections also fail at one age
   * and one count (opened together, used alike), but the idle explains it.
   */
  @Test
  void aKeepAliveCloseAfterAPauseStaysAKeepAliveMismatchThoughAgesAndCountsCluster() {
    Classification c = classify("read eof peer=10.0.0.2:80 idle=1.6s exchanges=2 age=2.1s wsr=80",
        List.of(past("5ms", "read eof peer=10.0.0.2:80 idle=1.6s exchanges=2 age=2.1s wsr=80"),
            past("9ms", "read eof peer=10.0.0.2:80 idle=1.6s exchanges=2 age=2.1s wsr=80"),
            past("2.1s", "read eof peer=10.0.0.2:80 idle=1.6s exchanges=2 age=2.11s wsr=80")),
        nanos("500ms"));
    assertEquals(Verdict.KEEPALIVE_MISMATCH, c.verdict(), c.evidence());
  }

  /** A middlebox's idle limit (RST, no FIN) at one age and count, after a pause: still idle. */
  @Test
  void aMiddleboxIdleLimitStaysAnIdleTimeoutThoughAgesAndCountsCluster() {
    Classification c = classify("read reset peer=10.0.0.2:80 idle=1.7s exchanges=2 age=2.2s wsr=80",
        List.of(past("1.2s", "read reset peer=10.0.0.2:80 idle=1.7s exchanges=2 age=2.2s wsr=80"),
            past("2.4s", "read reset peer=10.0.0.2:80 idle=1.7s exchanges=2 age=2.2s wsr=80")),
        nanos("500ms"));
    assertEquals(Verdict.IDLE_TIMEOUT, c.verdict(), c.evidence());
  }

  /**
   * A connection to the peer survived a longer idle than the failing one: idle did not end it,
   * and the ages at last reply agree on one limit.
   */
  @Test
  void aLongIdleContradictedByASurvivorLeavesTheAge() {
    Classification c = classify("read eof peer=10.0.0.2:80 idle=2s exchanges=7 age=62s wsr=40",
        List.of(past("20s", "read eof peer=10.0.0.2:80 idle=1.5s exchanges=30 age=61.5s wsr=40"),
            past("45s", "read eof peer=10.0.0.2:80 idle=3s exchanges=4 age=63s wsr=40")),
        nanos("20s"));
    assertEquals(Verdict.CONNECTION_LIFETIME, c.verdict(), c.evidence());
    assertTrue(c.evidence().contains("a connection to it survived a longer idle (20.0 s)"),
        c.evidence());
  }

  /** Connections cut at one moment share the event, not an age nor a count. */
  @Test
  void connectionsCutAtOneMomentAreNeitherAnAgeNorACount() {
    Classification c = classify("read reset peer=10.0.0.2:6379 idle=10ms exchanges=2 age=1.4s wsr=40",
        List.of(past("2ms", "read reset peer=10.0.0.2:6379 idle=10ms exchanges=2 age=1.4s wsr=40"),
            past("4ms", "read reset peer=10.0.0.2:6379 idle=10ms exchanges=2 age=1.4s wsr=40")),
        -1);
    assertNotEquals(Verdict.CONNECTION_LIFETIME, c.verdict(), c.evidence());
    assertNotEquals(Verdict.REQUEST_LIMIT, c.verdict(), c.evidence());
    assertTrue(!c.evidence().contains("CONNECTION_LIFETIME") && !c.evidence().contains("REQUEST_LIMIT"),
        c.evidence());
  }

  /** Uploads refused midway after one warm-up request each: a size limit, not a request limit. */
  @Test
  void uploadsCutMidBodyAfterOneExchangeAreNotARequestLimit() {
    Classification c = classify("write reset peer=10.0.0.2:80 idle=100ms exchanges=1 wsr=2MiB written=2MiB read=100 age=700ms",
        List.of(past("300ms", "write reset peer=10.0.0.2:80 idle=100ms exchanges=1 wsr=3MiB age=1.4s"),
            past("1.5s", "write reset peer=10.0.0.2:80 idle=100ms exchanges=1 wsr=2.5MiB age=2.2s")),
        -1);
    assertEquals(Verdict.LARGE_PAYLOAD, c.verdict(), c.evidence());
  }

  /**
   * A firewall's session lifetime: busy connections reset (no FIN) at 30 s of age, whatever their
   * exchanges. A hop's fixed age is a connection lifetime as much as a server's.
   */
  @Test
  void aDevicesSessionLifetimeIsAConnectionLifetime() {
    Classification c = classify("read reset peer=10.0.0.2:5432 idle=40ms exchanges=310 age=30.05s wsr=60",
        List.of(past("4s", "write broken-pipe peer=10.0.0.2:5432 idle=20ms exchanges=95 age=30.02s wsr=0"),
            past("9s", "read reset peer=10.0.0.2:5432 idle=10ms exchanges=1200 age=30.01s wsr=60")),
        nanos("2s"));
    assertEquals(Verdict.CONNECTION_LIFETIME, c.verdict(), c.evidence());
    assertEquals(0.8f, c.confidence(), 0.001);
    assertTrue(c.recommendation().contains("max connection lifetime (time to live) to ≤ 27 s"),
        c.recommendation());
  }

  /** Two failures at one age may be chance: named only with a third, or nothing against them. */
  @Test
  void twoFailuresAtOneAgeAreNotYetALimitWhenOthersDisagree() {
    Classification c = classify("read eof peer=10.0.0.2:80 idle=200ms exchanges=12 age=3.3s wsr=40",
        List.of(past("1s", "read eof peer=10.0.0.2:80 idle=200ms exchanges=20 age=3.2s wsr=40"),
            past("3s", "read eof peer=10.0.0.2:80 idle=200ms exchanges=3 age=800ms wsr=40"),
            past("6s", "read eof peer=10.0.0.2:80 idle=200ms exchanges=40 age=9s wsr=40")),
        nanos("200ms"));
    assertEquals(Verdict.UNKNOWN, c.verdict(), c.evidence());
  }

  /**
   * A reply cut while being read (nginx resetting a stalled download) after as many exchanges as
   * another: no request was on its way, so no limit on requests ended it.
   */
  @Test
  void aReplyCutWhileReadIsNoRequestLimit() {
    Classification c = classify("read reset peer=10.0.0.2:80 idle=577ms exchanges=2 age=1.42s wsr=0",
        List.of(past("206ms", "read reset peer=10.0.0.2:80 idle=1.0s exchanges=2 age=1.18s wsr=0"),
            past("900ms", "read reset peer=10.0.0.2:80 idle=100ms exchanges=2 age=3.5s wsr=0")),
        nanos("133ms"));
    assertTrue(!c.evidence().contains("REQUEST_LIMIT"), c.evidence());
    assertNotEquals(Verdict.REQUEST_LIMIT, c.verdict(), c.evidence());
  }
}
