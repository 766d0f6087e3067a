package io.resettracer.report;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jfr.EventType;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Streams recordings event by event into a {@link ReportBuilder}. Every field is read only if the
 * event has it: recordings come from other versions of the agent, with fields added or missing.
 */
public final class RecordingScan {

  public static final String RESET = "resettracer.ConnectionReset";
  public static final String INCIDENT = "resettracer.ResetIncident";

  /** The agent's own packages: frames there are how the failure was seen, not where. */
  private static final List<String> AGENT_PACKAGES =
      List.of("agent.", "bootstrap.", "instrument.", "track.", "pipeline.", "classify.", "emit.",
          "model.", "host.", "log.", "shaded.", "cli.", "report.");
  /** The JDK's socket internals between the application's call and the failure. */
  private static final List<String> JDK_PREFIXES =
      List.of("java.", "javax.", "jdk.", "sun.", "com.sun.");
  /** Frames kept below the first application frame. */
  static final int MAX_FRAMES = 12;
  private static final Pattern SURVIVED =
      Pattern.compile("survived is ([0-9]+(?:\\.[0-9]+)?) (µs|ms|s|min)\\b");

  private RecordingScan() {}

  /** Reads one recording into {@code into}; {@code index} tells its incidents from others'. */
  public static void read(Path file, int index, ReportBuilder into) throws IOException {
    try (RecordingFile recording = new RecordingFile(file)) {
      while (recording.hasMoreEvents()) {
        RecordedEvent e = recording.readEvent();
        EventType type = e.getEventType();
        String name = type.getName();
        if (name.equals(RESET)) {
          into.add(reset(e));
        } else if (name.equals(INCIDENT)) {
          into.add(incident(e, index));
        }
      }
    }
  }

  static ResetRecord reset(RecordedEvent e) {
    Instant at = instant(e, "failedAt");
    if (at == null) {
      at = e.getStartTime();
    }
    String evidence = text(e, "evidence");
    long survived = nanos(e, "survivedIdle");
    if (survived < 0) {
      survived = survivedFromEvidence(evidence);
    }
    String remote = text(e, "remoteAddress");
    String peer = remote.isEmpty() ? "unknown peer" : remote + ":" + number(e, "remotePort");
    List<String> stack = frames(text(e, "stack"));
    if (stack.isEmpty()) {
      stack = frames(e.getStackTrace());
    }
    String thread = threadName(e, "failingThread");
    if (thread.isEmpty()) {
      thread = threadName(e, "eventThread");
    }
    String verdict = text(e, "verdict");
    return new ResetRecord(at == null ? -1 : at.toEpochMilli(),
        verdict.isEmpty() ? "UNKNOWN" : verdict, fraction(e, "confidence"), peer,
        nanos(e, "idleTime"), survived, text(e, "operation"), text(e, "failure"),
        text(e, "transport"), text(e, "exceptionClass"), text(e, "exceptionMessage"), evidence,
        text(e, "recommendation"), stack, thread, number(e, "incidentId"));
  }

  static IncidentRecord incident(RecordedEvent e, int recording) {
    Instant first = instant(e, "firstReset");
    if (first == null) {
      first = e.getStartTime();
    }
    String verdict = text(e, "verdict");
    return new IncidentRecord(recording, Math.max(0, number(e, "incidentId")),
        verdict.isEmpty() ? "UNKNOWN" : verdict, fraction(e, "confidence"),
        (int) number(e, "resets"), (int) number(e, "peers"), (int) number(e, "hosts"),
        text(e, "peerList"), first == null ? -1 : first.toEpochMilli(), nanos(e, "span"),
        text(e, "memberVerdicts"), text(e, "evidence"), text(e, "recommendation"));
  }

  /** "the longest idle a connection to it survived is 1.6 s" → nanoseconds, else -1. */
  static long survivedFromEvidence(String evidence) {
    Matcher m = SURVIVED.matcher(evidence);
    if (!m.find()) {
      return -1;
    }
    double value = Double.parseDouble(m.group(1));
    double unit = switch (m.group(2)) {
      case "µs" -> 1e3;
      case "ms" -> 1e6;
      case "min" -> 60e9;
      default -> 1e9;
    };
    return Math.round(value * unit);
  }

  /** The {@code stack} field's lines: "at cls.method(File:line)", application frames already. */
  static List<String> frames(String stack) {
    if (stack.isBlank()) {
      return List.of();
    }
    List<String> lines = new ArrayList<>();
    for (String line : stack.split("\n")) {
      String frame = line.strip();
      if (frame.startsWith("at ")) {
        frame = frame.substring(3).strip();
      }
      if (!frame.isEmpty()) {
        lines.add(frame);
      }
    }
    return keptFrames(lines);
  }

  static List<String> frames(RecordedStackTrace trace) {
    if (trace == null) {
      return List.of();
    }
    List<String> lines = new ArrayList<>();
    for (RecordedFrame f : trace.getFrames()) {
      RecordedMethod m = f.getMethod();
      if (m == null || m.getType() == null) {
        continue;
      }
      int line = f.getLineNumber();
      lines.add(m.getType().getName() + "." + m.getName()
          + (line > 0 ? String.format(Locale.ROOT, "(line %d)", line) : "()"));
      if (lines.size() > 256) {
        break;
      }
    }
    return keptFrames(lines);
  }

  /**
   * The frames from the first application frame down, at most {@link #MAX_FRAMES}: the agent's
   * frames and the JDK's socket internals above it say how the failure was seen, not where.
   */
  static List<String> keptFrames(List<String> frames) {
    int start = 0;
    while (start < frames.size() && !isApplication(frames.get(start))) {
      start++;
    }
    List<String> kept = new ArrayList<>();
    for (int i = start; i < frames.size() && kept.size() < MAX_FRAMES; i++) {
      String f = frames.get(i);
      if (!isAgent(f) && !isPlumbing(f)) {
        kept.add(f);
      }
    }
    return List.copyOf(kept);
  }

  /**
   * Frames a JVM makes up between two application frames: a lambda's hidden class, whose name
   * changes from run to run and would split one call site in two, and reflective calls.
   */
  static boolean isPlumbing(String frame) {
    return frame.contains("$$Lambda") || frame.startsWith("jdk.internal.reflect.")
        || frame.startsWith("java.lang.reflect.Method.invoke");
  }

  static boolean isApplication(String frame) {
    if (isAgent(frame) || isPlumbing(frame)) {
      return false;
    }
    for (String p : JDK_PREFIXES) {
      if (frame.startsWith(p)) {
        return false;
      }
    }
    return true;
  }

  static boolean isAgent(String frame) {
    if (!frame.startsWith("io.resettracer.")) {
      return false;
    }
    String rest = frame.substring("io.resettracer.".length());
    for (String p : AGENT_PACKAGES) {
      if (rest.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  private static String text(RecordedEvent e, String field) {
    if (!e.hasField(field)) {
      return "";
    }
    try {
      Object v = e.getValue(field);
      return v == null ? "" : v.toString();
    } catch (RuntimeException wrongType) {
      return "";
    }
  }

  private static long number(RecordedEvent e, String field) {
    if (!e.hasField(field)) {
      return -1;
    }
    try {
      return e.getLong(field);
    } catch (RuntimeException wrongType) {
      return -1;
    }
  }

  private static double fraction(RecordedEvent e, String field) {
    if (!e.hasField(field)) {
      return -1;
    }
    try {
      return e.getDouble(field);
    } catch (RuntimeException wrongType) {
      return -1;
    }
  }

  private static long nanos(RecordedEvent e, String field) {
    if (!e.hasField(field)) {
      return -1;
    }
    try {
      Duration d = e.getDuration(field);
      return d == null ? -1 : d.toNanos();
    } catch (RuntimeException wrongType) {
      return -1;
    }
  }

  private static Instant instant(RecordedEvent e, String field) {
    if (!e.hasField(field)) {
      return null;
    }
    try {
      Instant at = e.getInstant(field);
      return at == null || at.toEpochMilli() <= 0 ? null : at;
    } catch (RuntimeException wrongType) {
      return null;
    }
  }

  private static String threadName(RecordedEvent e, String field) {
    if (!e.hasField(field)) {
      return "";
    }
    try {
      RecordedThread t = e.getThread(field);
      if (t == null) {
        return "";
      }
      String name = t.getJavaName();
      return name == null ? "" : name;
    } catch (RuntimeException wrongType) {
      return "";
    }
  }
}
