package io.resettracer.it.scenarios;

import java.nio.file.Files;
import java.nio.file.Path;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * Runs one sample app's {@code main} in a child JVM inside a JFR recording, then prints, after the
 * sample's own lines, every reset-tracer event and what the agent swallowed, in {@link
 * ScenarioMain}'s format. {@code INCIDENT} lines carry {@code resettracer.ResetIncident} events
 * when the agent records them.
 */
public final class SampleMain {

  static final String INCIDENT = "resettracer.ResetIncident";

  private SampleMain() {}

  public static void main(String[] args) throws Exception {
    Class<?> sample = Class.forName(args[0]);
    Path jfrFile = Path.of(args[1]);
    try (Recording recording = new Recording()) {
      recording.enable(ScenarioMain.EVENT).withStackTrace();
      recording.enable(INCIDENT);
      recording.start();
      sample.getMethod("main", String[].class).invoke(null, (Object) new String[0]);
      recording.stop();
      recording.dump(jfrFile);
    }
    for (RecordedEvent e : RecordingFile.readAllEvents(jfrFile)) {
      String type = e.getEventType().getName();
      if (type.equals(ScenarioMain.EVENT)) {
        // startTime's raw value is in ticks; the wall clock is what bursts are judged on.
        System.out.println("EVENT " + ScenarioMain.describe(e) + "\tstartEpochMillis="
            + e.getStartTime().toEpochMilli());
      } else if (type.equals(INCIDENT)) {
        System.out.println("INCIDENT " + ScenarioMain.describe(e));
      }
    }
    Files.deleteIfExists(jfrFile);
    System.out.println("SWALLOWED " + ScenarioMain.swallowed());
    System.out.println("DONE");
  }
}
