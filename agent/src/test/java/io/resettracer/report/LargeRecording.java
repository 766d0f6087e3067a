package io.resettracer.report;

import com.example.shop.InventoryClient;
import io.resettracer.emit.ConnectionResetEvent;
import io.resettracer.emit.ResetIncidentEvent;
import io.resettracer.emit.SyntheticEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Random;
import jdk.jfr.Recording;

/**
 * A recording of the agent's real event types with as many resets as asked, over a hundred peers,
 * with stacks and incidents: the report's input at scale.
 *
 * <p>As a program it measures the report on such a recording: {@code java -cp
 * agent/target/classes:agent/target/test-classes io.resettracer.report.LargeRecording <file.jfr>
 * [resets]} writes the recording, then reads it into each format in this JVM and prints the
 * times; {@code time java -jar agent/target/reset-tracer.jar report <file.jfr>} measures the
 * command itself.
 */
public final class LargeRecording {

  static final int PEERS = 120;

  private LargeRecording() {}

  /** Writes {@code resets} resets and one incident per thousand into {@code file}. */
  public static void write(Path file, int resets) throws Exception {
    Random random = new Random(42);
    try (Recording recording = new Recording()) {
      recording.enable(ConnectionResetEvent.class).withStackTrace();
      recording.enable(ResetIncidentEvent.class);
      recording.setToDisk(true);
      recording.start();
      for (int i = 0; i < resets; i++) {
        int peer = (int) Math.min(PEERS - 1, Math.abs(random.nextGaussian()) * PEERS / 3);
        String address = "10.0." + (peer / 100) + "." + (peer % 100 + 1);
        if (i % 5 == 4) {
          InventoryClient.placeOrder(address, 8443);
        } else {
          long idle = 350_000_000_000L + (long) (random.nextDouble() * 30e9);
          long survived = 340_000_000_000L + (long) (random.nextDouble() * 9e9);
          InventoryClient.fetchStock(address, 443, idle, survived);
        }
        if (i % 1000 == 999) {
          SyntheticEvents.incident("PEER_CRASH", 0.85f, 6, 1, 1, address + ":8443 ×6",
              System.currentTimeMillis() - 20, 4_000_000, "{PEER_CRASH=4, UNKNOWN=2}",
              "6 resets of 1 peer on 1 host within 4 ms, then connects refused",
              "find why " + address + ":8443 went away");
        }
      }
      recording.stop();
      recording.dump(file);
    }
  }

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args.length > 0 ? args[0] : "large.jfr");
    int resets = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    long t0 = System.nanoTime();
    write(file, resets);
    long t1 = System.nanoTime();
    System.out.printf(Locale.ROOT, "wrote %d resets to %s (%.1f MB) in %.1f s%n", resets, file,
        Files.size(file) / 1e6, (t1 - t0) / 1e9);
    for (int round = 1; round <= 3; round++) {
      long s0 = System.nanoTime();
      ReportBuilder builder = new ReportBuilder();
      builder.source(file.getFileName().toString());
      RecordingScan.read(file, 0, builder);
      Report report = builder.build();
      long s1 = System.nanoTime();
      int html = HtmlRenderer.render(report, "bench", ZoneId.of("UTC")).length();
      long s2 = System.nanoTime();
      TextRenderer.render(report, ZoneId.of("UTC"));
      JsonRenderer.render(report, "bench");
      long s3 = System.nanoTime();
      System.out.printf(Locale.ROOT, "round %d: read and aggregated %d resets, %d incidents in "
              + "%.2f s; html %d kB in %.0f ms; text and json in %.0f ms%n", round,
          report.resets(), report.incidentCount(), (s1 - s0) / 1e9, html / 1000, (s2 - s1) / 1e6,
          (s3 - s2) / 1e6);
    }
  }
}
