package io.resettracer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading recordings: which frames are the application's, what evidence says, real events. */
class RecordingScanTest {

  @Test
  void theAgentsFramesAndTheJdksSocketInternalsAboveTheApplicationAreLeftOut() {
    List<String> frames = List.of(
        "io.resettracer.emit.JfrEmitter.emit(line 40)",
        "io.resettracer.track.ConnectionTracker.failed(line 90)",
        "io.resettracer.bootstrap.HookDispatcher.ioFailed(line 12)",
        "sun.nio.ch.NioSocketImpl.implRead(line 1)",
        "java.net.Socket$SocketInputStream.read(line 2)",
        "com.example.Client.fetch(line 42)",
        "com.example.Client$$Lambda$155+0x00007f686813dbf8.612097453.run()",
        "jdk.internal.reflect.NativeMethodAccessorImpl.invoke0()",
        "io.resettracer.samples.Sample.main(line 7)",
        "java.lang.Thread.run(line 840)");
    assertEquals(List.of("com.example.Client.fetch(line 42)",
        "io.resettracer.samples.Sample.main(line 7)", "java.lang.Thread.run(line 840)"),
        RecordingScan.keptFrames(frames), "a sample app's frames are the application's own");
    assertEquals(List.of(), RecordingScan.keptFrames(frames.subList(0, 5)));
  }

  @Test
  void theStackFieldIsReadLineByLine() {
    assertEquals(List.of("com.example.A.get(A.java:3)", "com.example.Main.main(Main.java:9)"),
        RecordingScan.frames(
            "at com.example.A.get(A.java:3)\n  at com.example.Main.main(Main.java:9)\n"));
    assertEquals(List.of(), RecordingScan.frames(""));
  }

  @Test
  void theLongestIdleSurvivedIsReadFromTheEvidence() {
    assertEquals(1_600_000_000L, RecordingScan.survivedFromEvidence(
        "failures after 2.2–2.6 s idle on 5 connections to 127.0.0.1:35605, none below: the "
            + "longest idle a connection to it survived is 1.6 s; idle just above"));
    assertEquals(701_000_000L, RecordingScan.survivedFromEvidence("... survived is 701 ms"));
    assertEquals(6_000_000_000L, RecordingScan.survivedFromEvidence("survived is 0.1 min."));
    assertEquals(-1, RecordingScan.survivedFromEvidence("RST with no FIN before it"));
    assertEquals(-1, RecordingScan.survivedFromEvidence("survived is unknown"));
  }

  @Test
  void aRecordingOfTheAgentsEventsIsReadWithItsApplicationFrames(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("synthetic.jfr");
    LargeRecording.write(file, 2_000);
    ReportBuilder b = new ReportBuilder();
    RecordingScan.read(file, 0, b);
    Report r = b.build();
    assertEquals(2_000, r.resets());
    assertEquals(2, r.incidentCount());
    assertEquals(2, r.callSites().size(), "two call sites: " + r.callSites());
    for (Report.CallSite s : r.callSites()) {
      assertTrue(s.frames().get(0).startsWith("com.example.shop.InventoryClient."),
          "the application's frame first: " + s.frames());
      assertTrue(s.frames().stream().noneMatch(f -> f.startsWith("io.resettracer.emit.")),
          s.frames().toString());
    }
    Report.Peer p = r.peers().stream().filter(x -> x.limitNanos() > 0).findFirst().orElseThrow();
    assertTrue(p.limitNanos() >= 350_000_000_000L, "learnt from the idle times: " + p);
    assertTrue(p.survivedNanos() >= 340_000_000_000L, "read from the evidence: " + p);
    assertEquals(315_000_000_000L, p.maxIdleSettingNanos());
    assertEquals(List.of("AWS NAT Gateway / NLB / Network Firewall (350 s)"), p.catalogue());
    assertTrue(Files.size(file) > 0);
  }
}
