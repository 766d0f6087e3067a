package io.resettracer.report;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.EventType;
import jdk.jfr.Timespan;
import jdk.jfr.ValueDescriptor;
import jdk.jfr.consumer.EventStream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;

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
  /** "FLR\0": the first bytes of every chunk of a JFR recording. */
  private static final int CHUNK_MAGIC = 0x464c5200;
  private static final int MAX_CACHED_STACKS = 4_096;
  private static final String SURVIVED = "survived is ";

  /** Thread names, by the constant-pool object the chunk's events share. */
  private final Map<RecordedThread, String> threads = new IdentityHashMap<>();
  /**
   * The fields of each event type, asked once per type: recordings from other versions of the
   * agent have fields added or missing, and asking each event costs more than reading it.
   */
  private final Map<EventType, TypeFields> types = new IdentityHashMap<>();
  /** The fields of the event being read. */
  private TypeFields type = new TypeFields(Set.of(), Map.of());
  private Set<String> has = Set.of();
  private EventType lastType;

  /**
   * A type's field names, and the nanoseconds per unit of its durations whose unit is fixed
   * (JFR's {@code getDuration} looks the unit up again on every call).
   */
  private record TypeFields(Set<String> names, Map<String, Long> nanosPerUnit) {
    static TypeFields of(EventType type) {
      Set<String> names = new HashSet<>();
      Map<String, Long> units = new HashMap<>();
      for (ValueDescriptor d : type.getFields()) {
        names.add(d.getName());
        Timespan span = d.getAnnotation(Timespan.class);
        if (span != null && (d.getTypeName().equals("long") || d.getTypeName().equals("int"))) {
          Long perUnit = switch (span.value()) {
            case Timespan.NANOSECONDS -> 1L;
            case Timespan.MICROSECONDS -> 1_000L;
            case Timespan.MILLISECONDS -> 1_000_000L;
            case Timespan.SECONDS -> 1_000_000_000L;
            default -> null; // ticks: getDuration knows the recording's tick rate
          };
          if (perUnit != null) {
            units.put(d.getName(), perUnit);
          }
        }
      }
      return new TypeFields(names, units);
    }
  }

  private RecordingScan() {}

  /**
   * Stacks already turned into frames. A chunk's events share one object per distinct stack, so
   * a recording with a few call sites and millions of resets formats a few stacks. Bounded: it
   * starts afresh when full.
   */
  private final Map<RecordedStackTrace, List<String>> stacks = new IdentityHashMap<>();

  /**
   * Reads one recording into {@code into}; {@code index} tells its incidents from others'. A
   * stream with handlers for the agent's two event types only: the JDK's parser then skips every
   * other event (a recording's samples, GC and I/O events) without building it, and neither keeps
   * nor sorts the events, which the aggregation needs in no order.
   */
  public static void read(Path file, int index, ReportBuilder into) throws IOException {
    // The stream ends quietly on a file that is not a recording or is cut short: checked first.
    checkChunks(file);
    RecordingScan scan = new RecordingScan();
    List<Throwable> failures = new ArrayList<>(1);
    try (EventStream stream = EventStream.openFile(file)) {
      stream.setReuse(true);
      stream.setOrdered(false);
      stream.onEvent(RESET, e -> into.add(scan.reset(scan.fieldsOf(e))));
      stream.onEvent(INCIDENT, e -> into.add(scan.incident(scan.fieldsOf(e), index)));
      stream.onError(t -> {
        failures.add(t);
        stream.close();
      });
      stream.start();
    }
    if (!failures.isEmpty()) {
      Throwable t = failures.get(0);
      throw t instanceof IOException io ? io : new IOException(String.valueOf(t), t);
    }
  }

  /**
   * Walks the recording's chunk headers: each starts with JFR's magic number and gives its own
   * size, and the last ends where the file does. A file cut short, or still being written (its
   * last chunk's size not yet known), fails here with one clear line.
   */
  static void checkChunks(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      long at = 0;
      ByteBuffer header = ByteBuffer.allocate(16);
      do {
        header.clear();
        while (header.hasRemaining() && channel.read(header, at + header.position()) > 0) {
          // reads until the header is complete or the file ends
        }
        if (header.hasRemaining() || header.getInt(0) != CHUNK_MAGIC) {
          throw new IOException(at == 0 ? "not a JFR recording"
              : "not a complete JFR recording: no chunk at byte " + at);
        }
        long chunk = header.getLong(8);
        if (chunk <= 16 || at + chunk > size) {
          throw new IOException("the recording ends inside a chunk (at byte " + size + " of "
              + (at + chunk) + "): cut short, or still being written; dump it first "
              + "(jcmd <pid> JFR.dump name=<recording> filename=<file>)");
        }
        at += chunk;
      } while (at < size);
    }
  }

  private RecordedEvent fieldsOf(RecordedEvent e) {
    EventType t = e.getEventType();
    if (t != lastType) {
      type = types.computeIfAbsent(t, TypeFields::of);
      has = type.names();
      lastType = t;
    }
    return e;
  }

  private List<String> stack(RecordedStackTrace trace) {
    if (trace == null) {
      return List.of();
    }
    List<String> frames = stacks.get(trace);
    if (frames == null) {
      if (stacks.size() == MAX_CACHED_STACKS) {
        stacks.clear();
      }
      frames = frames(trace);
      stacks.put(trace, frames);
    }
    return frames;
  }

  private ResetRecord reset(RecordedEvent e) {
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
      stack = stack(e.getStackTrace());
    }
    String thread = threadName(e, "failingThread");
    if (thread.isEmpty()) {
      thread = threadName(e, "eventThread");
    }
    String verdict = text(e, "verdict");
    return new ResetRecord(at == null ? -1 : at.toEpochMilli(),
        verdict.isEmpty() ? "UNKNOWN" : verdict, fraction(e, "confidence"), peer,
        nanos(e, "idleTime"), survived, text(e, "operation"), text(e, "exceptionClass"),
        text(e, "exceptionMessage"), evidence, text(e, "recommendation"), stack, thread,
        number(e, "incidentId"));
  }

  private IncidentRecord incident(RecordedEvent e, int recording) {
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

  /**
   * "the longest idle a connection to it survived is 1.6 s" → nanoseconds, else -1. Parsed by
   * hand: it runs on every reset, and a regular expression costs more than reading the event.
   */
  static long survivedFromEvidence(String evidence) {
    int at = evidence.indexOf(SURVIVED);
    if (at < 0) {
      return -1;
    }
    int from = at + SURVIVED.length();
    int i = from;
    while (i < evidence.length()
        && (Character.isDigit(evidence.charAt(i)) || evidence.charAt(i) == '.')) {
      i++;
    }
    if (i == from || i + 1 >= evidence.length() || evidence.charAt(i) != ' ') {
      return -1;
    }
    int end = i + 1;
    while (end < evidence.length() && Character.isLetter(evidence.charAt(end))) {
      end++;
    }
    double unit = switch (evidence.substring(i + 1, end)) {
      case "µs" -> 1e3;
      case "ms" -> 1e6;
      case "s" -> 1e9;
      case "min" -> 60e9;
      default -> -1;
    };
    try {
      return unit < 0 ? -1 : Math.round(Double.parseDouble(evidence.substring(from, i)) * unit);
    } catch (NumberFormatException e) {
      return -1;
    }
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

  private String text(RecordedEvent e, String field) {
    if (!has.contains(field)) {
      return "";
    }
    try {
      Object v = e.getValue(field);
      return v == null ? "" : v.toString();
    } catch (RuntimeException wrongType) {
      return "";
    }
  }

  private long number(RecordedEvent e, String field) {
    if (!has.contains(field)) {
      return -1;
    }
    try {
      return e.getLong(field);
    } catch (RuntimeException wrongType) {
      return -1;
    }
  }

  private double fraction(RecordedEvent e, String field) {
    if (!has.contains(field)) {
      return -1;
    }
    try {
      return e.getDouble(field);
    } catch (RuntimeException wrongType) {
      return -1;
    }
  }

  private long nanos(RecordedEvent e, String field) {
    if (!has.contains(field)) {
      return -1;
    }
    try {
      Long perUnit = type.nanosPerUnit.get(field);
      if (perUnit != null) {
        long v = e.getLong(field);
        return v < 0 || v == Long.MAX_VALUE ? -1 : v * perUnit;
      }
      Duration d = e.getDuration(field);
      return d == null ? -1 : d.toNanos();
    } catch (RuntimeException wrongType) {
      return -1;
    }
  }

  private Instant instant(RecordedEvent e, String field) {
    if (!has.contains(field)) {
      return null;
    }
    try {
      Instant at = e.getInstant(field);
      return at == null || at.toEpochMilli() <= 0 ? null : at;
    } catch (RuntimeException wrongType) {
      return null;
    }
  }

  private String threadName(RecordedEvent e, String field) {
    if (!has.contains(field)) {
      return "";
    }
    try {
      Object v = e.getValue(field);
      if (v instanceof String) {
        return (String) v; // the failing thread's name, recorded as text
      }
      RecordedThread t = e.getThread(field);
      if (t == null) {
        return "";
      }
      String name = threads.get(t);
      if (name == null) {
        if (threads.size() == MAX_CACHED_STACKS) {
          threads.clear();
        }
        name = t.getJavaName() == null ? "" : t.getJavaName();
        threads.put(t, name);
      }
      return name;
    } catch (RuntimeException wrongType) {
      return "";
    }
  }
}
