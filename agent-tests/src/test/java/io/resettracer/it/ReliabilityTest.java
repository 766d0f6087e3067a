package io.resettracer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resettracer.it.support.ChildJvm;
import io.resettracer.it.support.Jdks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * What the agent promises when things go wrong, on every JDK found: under a reset storm with
 * thousands of descriptors open nothing is lost without being counted (events in the recording,
 * plus what the rate limit left out, plus what the hand-off shed, add up to the resets the
 * application saw), and bursts that end as the JVM exits are all in its recording, incidents too.
 * How fast the application runs meanwhile is the benchmark's to show ({@code storms}).
 */
class ReliabilityTest {

  private static final Pattern EXIT_SUMMARY = Pattern.compile(
      "at exit: (\\d+) resets judged.*?, (\\d+) incidents; (\\d+) shed under load.*?, (\\d+) left out"
          + " by JfrOutput");

  @TestFactory
  Stream<DynamicNode> everyJdk() {
    List<DynamicNode> tests = new ArrayList<>();
    for (Jdks.Jdk jdk : Jdks.all()) {
      System.out.println("ReliabilityTest on " + jdk);
      tests.add(DynamicTest.dynamicTest(jdk + " storm, 8000 descriptors",
          () -> storm(jdk, 8000, 3000)));
      tests.add(DynamicTest.dynamicTest(jdk + " bursts at exit", () -> burstsAtExit(jdk)));
    }
    return tests.stream();
  }

  private void storm(Jdks.Jdk jdk, int fds, int resets) throws Exception {
    Path jfr = Files.createTempFile(ChildJvm.WORK, "storm-", ".jfr");
    try {
      ChildJvm.Result r = ChildJvm.run(jdk,
          List.of(ChildJvm.javaagent("eventLimit=100,eventWindow=1s"),
              "-XX:StartFlightRecording=dumponexit=true,filename=" + jfr),
          "io.resettracer.it.scenarios.StormMain", List.of("storm", "" + fds, "" + resets), 120);
      assertEquals(0, r.exitCode(), r.describe());
      long seen = fact(r, "RESETS");
      assertTrue(seen > resets / 2, "the storm happened: " + r.describe());
      Matcher m = summary(r);
      long judged = Long.parseLong(m.group(1));
      long shed = Long.parseLong(m.group(3));
      long leftOut = Long.parseLong(m.group(4));
      long events = events(jfr, "resettracer.ConnectionReset").size();
      assertEquals(seen, judged + shed, "every reset judged or counted as shed: " + m.group());
      assertEquals(judged, events + leftOut,
          "every judged reset in the recording or counted as left out: " + events + " events, "
              + m.group());
      assertTrue(leftOut > 0, "the rate limit was met, and counted: " + m.group());
      assertTrue(shed > 0, "a storm is shed before it costs the application, and counted: "
          + m.group());
    } finally {
      Files.deleteIfExists(jfr);
    }
  }

  private void burstsAtExit(Jdks.Jdk jdk) throws Exception {
    int bursts = 3;
    int perBurst = 3;
    for (int run = 0; run < 2; run++) {
      Path jfr = Files.createTempFile(ChildJvm.WORK, "exit-", ".jfr");
      try {
        ChildJvm.Result r = ChildJvm.run(jdk,
            List.of(ChildJvm.javaagent(""),
                "-XX:StartFlightRecording=dumponexit=true,filename=" + jfr),
            "io.resettracer.it.scenarios.StormMain",
            List.of("exit", "" + bursts, "" + perBurst), 120);
        assertEquals(0, r.exitCode(), r.describe());
        assertEquals(bursts * perBurst, fact(r, "RESETS"), r.describe());
        List<RecordedEvent> resets = events(jfr, "resettracer.ConnectionReset");
        List<RecordedEvent> incidents = events(jfr, "resettracer.ResetIncident");
        assertEquals(bursts * perBurst, resets.size(), "every reset in the recording");
        assertEquals(bursts, incidents.size(), "every burst's incident in the recording, the last"
            + " one settled at exit: " + r.describe());
        Set<Long> ids = new HashSet<>();
        for (RecordedEvent e : incidents) {
          ids.add(e.getLong("incidentId"));
        }
        for (RecordedEvent e : resets) {
          assertTrue(ids.contains(e.getLong("incidentId")), "each reset names its incident");
        }
      } finally {
        Files.deleteIfExists(jfr);
      }
    }
  }

  private static Matcher summary(ChildJvm.Result r) {
    for (String line : r.stderr()) {
      Matcher m = EXIT_SUMMARY.matcher(line);
      if (m.find()) {
        return m;
      }
    }
    throw new AssertionError("no summary at exit:\n" + r.describe());
  }

  private static long fact(ChildJvm.Result r, String key) {
    for (String line : r.stdout()) {
      if (line.startsWith(key + " ")) {
        return Long.parseLong(line.substring(key.length() + 1).trim());
      }
    }
    throw new AssertionError("no " + key + ":\n" + r.describe());
  }

  private static List<RecordedEvent> events(Path jfr, String name) throws Exception {
    List<RecordedEvent> out = new ArrayList<>();
    for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
      if (e.getEventType().getName().equals(name)) {
        out.add(e);
      }
    }
    return out;
  }
}
