package io.resettracer.it.scenarios;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * Runs several sample apps one after another in one JFR recording and keeps it: {@code
 * RecordSamplesMain <recording.jfr> <sample class>...}. The recording is what an operator would
 * bring to {@code report}: several causes, peers and incidents in one file. Prints how many
 * resets, incidents and peers it holds.
 */
public final class RecordSamplesMain {

  private RecordSamplesMain() {}

  public static void main(String[] args) throws Exception {
    Path jfrFile = Path.of(args[0]);
    try (Recording recording = new Recording()) {
      recording.enable(ScenarioMain.EVENT).withStackTrace();
      recording.enable(SampleMain.INCIDENT);
      recording.start();
      for (int i = 1; i < args.length; i++) {
        Class.forName(args[i]).getMethod("main", String[].class)
            .invoke(null, (Object) new String[0]);
      }
      recording.stop();
      recording.dump(jfrFile);
    }
    // Counted here with the JDK's own reader, for the report's numbers to be checked against.
    long resets = 0;
    long incidents = 0;
    Set<String> peers = new HashSet<>();
    for (RecordedEvent e : RecordingFile.readAllEvents(jfrFile)) {
      if (e.getEventType().getName().equals(ScenarioMain.EVENT)) {
        resets++;
        peers.add(e.getString("remoteAddress") + ":" + e.getInt("remotePort"));
      } else if (e.getEventType().getName().equals(SampleMain.INCIDENT)) {
        incidents++;
      }
    }
    System.out.println("RESETS " + resets);
    System.out.println("INCIDENTS " + incidents);
    System.out.println("PEERS " + peers.size());
    System.out.println("SWALLOWED " + ScenarioMain.swallowed());
    System.out.println("DONE");
  }
}
