package io.resettracer.it.scenarios;

import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.StringJoiner;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Runs one scenario in a child JVM inside a JFR recording, then prints what the application saw and
 * every reset-tracer event, one line each, for the test in the parent JVM to assert on. Reading the
 * recording here, with the child's own JDK, keeps the parent free of JFR file-version concerns.
 *
 * <p>Output lines: {@code FACT key=value}, {@code APP-EXCEPTION ...}, {@code EVENT k=v<TAB>k=v...},
 * {@code TRACKED n}, {@code STATE-FIELDS classes}, {@code OWN-STATE n}, {@code SWALLOWED n},
 * {@code SKIP reason}, {@code DONE}.
 */
public final class ScenarioMain {

  static final String EVENT = "resettracer.ConnectionReset";

  public static void main(String[] args) throws Exception {
    String scenario = args[0];
    Path jfrFile = Path.of(args[1]);
    PrintStream out = System.out;
    try (Recording recording = new Recording()) {
      recording.enable(EVENT).withStackTrace();
      recording.start();
      Scenarios.run(scenario);
      out.println("TRACKED " + trackerCount("trackedConnections"));
      out.println("STATE-FIELDS " + stateFields());
      out.println("OWN-STATE " + trackerCount("connectionsWithOwnState"));
      recording.stop();
      recording.dump(jfrFile);
    }
    printEventsAndEnd(jfrFile);
  }

  /** Prints the recording's reset-tracer events, then what the agent swallowed, then DONE. */
  static void printEventsAndEnd(Path jfrFile) throws java.io.IOException {
    PrintStream out = System.out;
    for (RecordedEvent e : RecordingFile.readAllEvents(jfrFile)) {
      if (e.getEventType().getName().equals(EVENT)) {
        out.println("EVENT " + describe(e));
      }
    }
    Files.deleteIfExists(jfrFile);
    out.println("SWALLOWED " + swallowed());
    out.println("DONE");
  }

  static String describe(RecordedEvent e) {
    StringJoiner j = new StringJoiner("\t");
    for (var field : e.getFields()) {
      String name = field.getName();
      if (name.equals("stackTrace") || name.equals("eventThread")
          || name.equals("failingThread") || name.equals("failingThreadId")
          || name.equals("stack")) {
        continue;
      }
      j.add(name + "=" + e.getValue(name));
    }
    // The event is committed on the agent's thread once judged: the failing thread and its stack
    // travel as fields.
    if (e.hasField("failingThread")) {
      j.add("thread=" + e.getString("failingThread"));
    } else {
      j.add("thread=" + (e.getThread() == null ? "" : e.getThread().getJavaName()));
    }
    StringJoiner stack = new StringJoiner(",");
    if (e.hasField("stack")) {
      for (String line : e.getString("stack").split("\n")) {
        if (line.startsWith("at ")) {
          String frame = line.substring(3);
          int paren = frame.indexOf('(');
          stack.add(paren < 0 ? frame : frame.substring(0, paren));
        }
      }
    } else if (e.getStackTrace() != null) {
      for (RecordedFrame f : e.getStackTrace().getFrames()) {
        stack.add(f.getMethod().getType().getName() + "." + f.getMethod().getName());
      }
    }
    j.add("stack=" + stack);
    return j.toString();
  }

  /** One of the tracker's counts, by its method's name; -1 when the agent is not loaded. */
  static long trackerCount(String method) {
    try {
      Class<?> hooks = Class.forName("io.resettracer.bootstrap.ResetTracerHooks", false, null);
      Object tracker = hooks.getMethod("installed").invoke(null);
      return tracker == null
          ? -1
          : ((Number) tracker.getClass().getMethod(method).invoke(tracker)).longValue();
    } catch (ReflectiveOperationException e) {
      return -1;
    }
  }

  /** The JDK socket classes that carry the agent's state field, comma-separated. */
  static String stateFields() {
    StringJoiner classes = new StringJoiner(",");
    for (String name : List.of("sun.nio.ch.NioSocketImpl", "sun.nio.ch.SocketChannelImpl")) {
      try {
        for (java.lang.reflect.Field f : Class.forName(name, false, null).getDeclaredFields()) {
          if (f.getName().equals("resetTracer$state")) {
            classes.add(name);
          }
        }
      } catch (ClassNotFoundException e) {
        // not on this JDK
      }
    }
    return classes.toString();
  }

  /** What the agent's hooks swallowed; -1 when the agent is not loaded. */
  static long swallowed() {
    try {
      Class<?> hooks = Class.forName("io.resettracer.bootstrap.ResetTracerHooks", false, null);
      Method m = hooks.getMethod("swallowedCount");
      return (Long) m.invoke(null);
    } catch (ReflectiveOperationException e) {
      return -1;
    }
  }
}
