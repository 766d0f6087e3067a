package io.resettracer.agent;

import io.resettracer.bootstrap.ResetTracerHooks;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The agent's MBean. It is registered only once the application runs (at attach, or when a tool
 * first asks a {@code -javaagent} JVM), never at start-up: creating the platform MBean server in
 * {@code premain} would preempt the application's own choice of MBean server builder and logging.
 * Loaded only when the runtime has {@code java.management}.
 */
final class ResetTracerControl implements ResetTracerMXBean {

  private final AgentRuntime runtime;

  private ResetTracerControl(AgentRuntime runtime) {
    this.runtime = runtime;
  }

  /** Registers the MBean for {@code runtime}, replacing one left by an earlier start. */
  static void register(AgentRuntime runtime) throws JMException {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = new ObjectName(OBJECT_NAME);
    if (server.isRegistered(name)) {
      server.unregisterMBean(name);
    }
    server.registerMBean(new ResetTracerControl(runtime), name);
  }

  static boolean registered() throws JMException {
    return ManagementFactory.getPlatformMBeanServer().isRegistered(new ObjectName(OBJECT_NAME));
  }

  static void unregister() throws JMException {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = new ObjectName(OBJECT_NAME);
    if (server.isRegistered(name)) {
      server.unregisterMBean(name);
    }
  }

  @Override
  public String getVersion() {
    return AgentVersion.get();
  }

  @Override
  public String getMode() {
    return runtime.mode();
  }

  @Override
  public String getOptions() {
    return runtime.options().raw();
  }

  @Override
  public int getTrackedConnections() {
    return (int) Math.min(Integer.MAX_VALUE, runtime.tracker().trackedConnections());
  }

  @Override
  public Map<String, Long> getResetsPerVerdict() {
    Map<String, Long> counts = new TreeMap<>();
    runtime.pipeline().resetsPerVerdict().forEach((v, n) -> counts.put(v.name(), n));
    return counts;
  }

  @Override
  public Map<String, Long> getIncidentsPerVerdict() {
    Map<String, Long> counts = new TreeMap<>();
    runtime.pipeline().incidentsPerVerdict().forEach((v, n) -> counts.put(v.name(), n));
    return counts;
  }

  @Override
  public long getSwallowedErrors() {
    return ResetTracerHooks.swallowedCount();
  }

  @Override
  public String getFirstSwallowedError() {
    Throwable t = ResetTracerHooks.firstSwallowed();
    return t == null ? "" : t.toString();
  }

  @Override
  public String detach() {
    return AgentRuntime.detach();
  }
}
