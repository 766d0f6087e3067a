package io.resettracer.jmc;

import static io.resettracer.jmc.ResetRuleRecordingTest.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.resettracer.jmc.SampleRecordings.Recording;
import io.resettracer.jmc.SampleRecordings.Scenario;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openjdk.jmc.flightrecorder.rules.IResult;
import org.openjdk.jmc.flightrecorder.rules.RuleRegistry;
import org.openjdk.jmc.flightrecorder.rules.Severity;
import org.openjdk.jmc.flightrecorder.rules.report.JfrRulesReport;

/**
 * JMC's headless report, JfrRulesReport, as an operator runs it, over every sample's recording and
 * the two controls: it finds the rule through META-INF/services beside JMC's own rules, and the
 * text format carries the rule's summary and solution with their numbers. The JSON format is run
 * in a child JVM with this rule as the only one: JMC 9.1 writes {@code "score": ,} for every
 * result without a score, and several of its own rules set none, so a JSON report with them never
 * parses; with this rule alone it must, with a score on every recording.
 */
class JfrRulesReportTest {

  private static final String RULE_NAME = "Connection Resets (reset-tracer)";

  /** Recording → the rule's own result on it, to compare the report with. */
  private static final Map<Path, IResult> recordings = new LinkedHashMap<>();

  @BeforeAll
  static void record() throws Exception {
    for (Scenario s : SampleRecordings.SCENARIOS) {
      Recording r = SampleRecordings.of(s);
      if (r.skipped() == null) {
        recordings.put(r.file(), ResetRuleRecordingTest.evaluate(r.file()));
      }
    }
    for (Path control : List.of(SampleRecordings.quietWithAgent(),
        SampleRecordings.withoutAgent())) {
      recordings.put(control, ResetRuleRecordingTest.evaluate(control));
    }
  }

  @Test
  void discoveredByServiceLoaderBesideJmcRules() {
    assertTrue(RuleRegistry.getRules().stream().anyMatch(r -> r instanceof ResetRule),
        "RuleRegistry did not load the rule from META-INF/services");
    assertTrue(RuleRegistry.getRules().size() > 10, "JMC's own rules are on the class path too");
  }

  @Test
  void textReportShowsTheRuleWithItsNumbers() throws Exception {
    String text = report("text");
    java.nio.file.Files.writeString(SampleRecordings.DIR.resolve("jfr-rules-report.txt"), text);
    for (Map.Entry<Path, IResult> e : recordings.entrySet()) {
      String section = section(text, "File: " + e.getKey());
      assertContains(section, "Rule: " + RULE_NAME + "\nSeverity: "
          + e.getValue().getSeverity().getLocalizedName() + "\nScore: ");
      assertContains(section, "Summary: " + e.getValue().getSummary());
      assertContains(section, "Solution: " + e.getValue().getSolution());
    }
  }

  @Test
  void jsonReportParsesWithTheRuleScoredOnEveryRecording() throws Exception {
    String json = reportWithThisRuleAlone("json");
    JsonNode reports = new ObjectMapper().readTree(json);
    assertEquals(recordings.size(), reports.size(), json);
    List<Path> files = new ArrayList<>(recordings.keySet());
    for (int i = 0; i < reports.size(); i++) {
      JsonNode report = reports.get(i);
      Path file = files.get(i);
      assertEquals(file.toString(), report.get("file").asText());
      JsonNode ours = null;
      for (JsonNode rule : report.get("rules")) {
        if (rule.get("id").asText().equals(ResetRule.ID)) {
          ours = rule;
        }
      }
      assertNotNull(ours, "no result of the rule for " + file + " in:\n" + report);
      IResult expected = recordings.get(file);
      assertTrue(ours.get("score").isNumber(), "score: " + ours);
      assertEquals(ResetRuleRecordingTest.score(expected), ours.get("score").asDouble(), 0.5);
      assertEquals(expected.getSeverity().getLocalizedName(), ours.get("severity").asText());
      assertEquals(expected.getSummary(), ours.get("summary").asText());
      assertEquals(expected.getSolution(), ours.get("solution").asText());
      assertFalse(ours.has("error"), ours.toString());
    }
  }

  /** JfrRulesReport prints to System.out; the report is taken from there. */
  private static synchronized String report(String format) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream original = System.out;
    try (PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      JfrRulesReport.printReport(format, Severity.OK, true, false,
          recordings.keySet().stream().map(Path::toString).toArray(String[]::new));
    } finally {
      System.setOut(original);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /**
   * JfrRulesReport in a child JVM whose class path holds this module's classes and JMC's core
   * (rules API, parser, common, and the lz4 and OWASP encoder libraries they load), but none of
   * JMC's own rules.
   */
  private static String reportWithThisRuleAlone(String format) throws Exception {
    List<String> classPath = new ArrayList<>();
    for (Class<?> c : List.of(ResetRule.class, org.openjdk.jmc.flightrecorder.rules.IRule.class,
        org.openjdk.jmc.flightrecorder.JfrLoaderToolkit.class,
        org.openjdk.jmc.common.item.IItem.class, net.jpountz.lz4.LZ4Factory.class,
        org.owasp.encoder.Encode.class)) {
      classPath.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString());
    }
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", String.join(java.io.File.pathSeparator, classPath),
        JfrRulesReport.class.getName(), "-format", format, "-verbose"));
    recordings.keySet().forEach(p -> command.add(p.toString()));
    // Kept beside the recordings, to read after the run.
    Path out = SampleRecordings.DIR.resolve("jfr-rules-report-this-rule." + format);
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "report timed out");
    } finally {
      p.destroyForcibly();
    }
    assertEquals(0, p.exitValue(), "JfrRulesReport failed: " + command);
    return java.nio.file.Files.readString(out, StandardCharsets.UTF_8);
  }

  /** One file's part of a text report. */
  private static String section(String text, String header) {
    int start = text.indexOf(header);
    assertTrue(start >= 0, header + " not in the report");
    int end = text.indexOf("File: ", start + header.length());
    return text.substring(start, end < 0 ? text.length() : end);
  }
}
