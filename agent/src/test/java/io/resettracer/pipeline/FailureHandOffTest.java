package io.resettracer.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The storm gate, driven by a clock the test sets. */
class FailureHandOffTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  void aStormIsJudgedInFullInItsFirstSecondAndAtTheSustainedRateAfter() {
    FailureHandOff gate = new FailureHandOff(4096, 256, 64);
    long t = System.nanoTime() + SECOND;
    assertEquals(256, admitted(gate, t, 1000));
    assertEquals(64, admitted(gate, t + SECOND, 1000));
    assertEquals(64, admitted(gate, t + 2 * SECOND, 1000));
    assertEquals(3000 - 256 - 64 - 64, gate.shed());
  }

  @Test
  void aBurstWithinOneSecondIsJudgedWholeAndAQuietSecondEndsTheStorm() {
    FailureHandOff gate = new FailureHandOff(4096, 256, 64);
    long t = System.nanoTime() + SECOND;
    assertEquals(100, admitted(gate, t, 100)); // a pool of connections cut at once: all judged
    assertEquals(64, admitted(gate, t + SECOND, 1000)); // and failing on: a storm
    // Nothing for a whole second: the next storm starts with the full allowance again.
    assertEquals(256, admitted(gate, t + 4 * SECOND, 1000));
    assertEquals(40, admitted(gate, t + 5 * SECOND, 40)); // the storm ebbs below 64 a second
    assertEquals(256, admitted(gate, t + 6 * SECOND, 1000)); // and is over
  }

  private static int admitted(FailureHandOff gate, long at, int failures) {
    int n = 0;
    for (int i = 0; i < failures; i++) {
      if (gate.admit(at)) {
        n++;
      }
    }
    return n;
  }
}
