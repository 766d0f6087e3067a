package io.resettracer.agent;

import java.util.Map;

/**
 * What {@code java -jar reset-tracer.jar status|detach|watch} reads and calls in a running JVM,
 * registered in its platform MBean server while the agent is active. Only JDK types cross it, so
 * the command line needs nothing but the interface.
 */
public interface ResetTracerMXBean {

  String OBJECT_NAME = "io.resettracer:type=ResetTracer";

  String getVersion();

  /** "attach" or "javaagent". */
  String getMode();

  /** The options as given. */
  String getOptions();

  int getTrackedConnections();

  /** Resets seen since the agent started, per verdict. */
  Map<String, Long> getResetsPerVerdict();

  /** Incidents (bursts of resets judged as a whole) committed since the agent started, per verdict. */
  Map<String, Long> getIncidentsPerVerdict();

  /** Errors the agent caught and contained since it was first loaded into this JVM. */
  long getSwallowedErrors();

  /** The first of them, or "" if none. */
  String getFirstSwallowedError();

  /** Removes the agent: original bytecode back, tracking stopped. Returns what it did, one line. */
  String detach();
}
