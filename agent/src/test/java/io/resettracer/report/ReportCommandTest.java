package io.resettracer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code report}'s command line: its errors, its output file, its formats. */
class ReportCommandTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return ReportCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void usageErrorsExitWithTwo() {
    assertEquals(2, run());
    assertTrue(err().startsWith("reset-tracer: no recording given: report <recording.jfr>..."),
        err());
    err.reset();
    assertEquals(2, run("a.jfr", "--format", "pdf"));
    assertTrue(err().startsWith("reset-tracer: unknown format 'pdf': html, text or json\n"), err());
    err.reset();
    assertEquals(2, run("a.jfr", "-o"));
    assertTrue(err().startsWith("reset-tracer: -o needs a value\n"), err());
    err.reset();
    assertEquals(2, run("a.jfr", "--colour"));
    assertTrue(err().startsWith("reset-tracer: unknown report option '--colour'\n"), err());
  }

  @Test
  void aMissingOrForeignFileFailsWithOneLine(@TempDir Path dir) throws Exception {
    assertEquals(1, run(dir.resolve("none.jfr").toString()));
    assertEquals("reset-tracer: no recording at " + dir.resolve("none.jfr") + "\n", err());
    err.reset();
    Path text = Files.writeString(dir.resolve("notes.jfr"), "not a recording");
    assertEquals(1, run(text.toString(), "--format", "text"));
    assertEquals("reset-tracer: cannot read " + text + ": not a JFR recording\n", err());
    err.reset();
    Path whole = dir.resolve("whole.jfr");
    LargeRecording.write(whole, 50);
    byte[] bytes = Files.readAllBytes(whole);
    Path cut =
        Files.write(dir.resolve("cut.jfr"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertEquals(1, run(cut.toString()));
    assertTrue(err().startsWith("reset-tracer: cannot read " + cut + ": the recording ends inside"
        + " a chunk (at byte " + bytes.length / 2 + " of "), err());
    assertEquals(1, err().split("\n").length, err());
  }

  @Test
  void theReportIsWrittenForItsOwnerOnlyOrPrinted(@TempDir Path dir) throws Exception {
    Path recording = dir.resolve("r.jfr");
    LargeRecording.write(recording, 50);
    Path html = dir.resolve("r.html");
    assertEquals(0, run(recording.toString(), "-o", html.toString()), err());
    assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("wrote " + html + ": 50 resets, "),
        out.toString(StandardCharsets.UTF_8));
    assertTrue(Files.readString(html).contains("<svg"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(html)));
    out.reset();
    assertEquals(0, run(recording.toString(), "--format=json"), err());
    JsonCheck.valid(out.toString(StandardCharsets.UTF_8));
    out.reset();
    assertEquals(0, run("--format", "text", recording.toString(), recording.toString()), err());
    assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("Connection resets: 100 resets"),
        "two recordings add up: " + out.toString(StandardCharsets.UTF_8));
  }
}
