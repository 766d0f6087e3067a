package io.resettracer.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.resettracer.model.HostSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class HostProbeTest {

  /**
   * A burst judges a reset a second and samples afresh each time: the counters' span must still
   * reach back to the oldest scheduled sample, not shrink to the last second.
   */
  @Test
  void freshSamplesDoNotPushTheScheduledOnesOut() throws InterruptedException {
    assumeTrue(Files.isReadable(Path.of("/proc/net/snmp")), "the kernel's counters are Linux's");
    HostProbe probe = new HostProbe();
    probe.sample();
    long scheduledAt = System.nanoTime();
    Thread.sleep(30);
    for (int i = 0; i < 5; i++) {
      // "Now" far enough ahead that every call finds the newest sample stale.
      probe.sampleIfStale(System.nanoTime() + 10 * HostProbe.FRESH_NANOS);
      Thread.sleep(5);
    }
    HostSnapshot s = probe.snapshot();
    assertTrue(s.counterSpanNanos() >= 30_000_000L, "span " + s.counterSpanNanos());
    assertTrue(s.counterSpanNanos() <= System.nanoTime() - scheduledAt + 1_000_000_000L);
  }

  @Test
  void aSingleSampleHasNoSpan() {
    assumeTrue(Files.isReadable(Path.of("/proc/net/snmp")), "the kernel's counters are Linux's");
    HostProbe probe = new HostProbe();
    probe.sampleIfStale(System.nanoTime());
    assertEquals(0, probe.snapshot().counterSpanNanos());
  }
}
