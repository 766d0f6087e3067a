package io.resettracer.it.scenarios;

import java.nio.file.Path;
import jdk.jfr.Recording;

/**
 * Runs several sample apps one after another in one JFR recording and keeps it: {@code
 * RecordSamplesMain <recording.jfr> <sample class>...}. The recording is what an operator would
 * bring to {@code report}: several causes, peers and incidents in one file.
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
    System.out.println("SWALLOWED " + ScenarioMain.swallowed());
    System.out.println("DONE");
  }
}
