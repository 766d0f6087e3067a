package io.resettracer.agent;

import io.resettracer.bootstrap.AgentPresence;
import io.resettracer.bootstrap.ResetTracerHooks;
import io.resettracer.log.AgentLog;
import java.util.Locale;
import org.slf4j.Logger;

/**
 * Makes the running agent visible to {@code java -jar reset-tracer.jar}: a line in the JVM's agent
 * properties that {@code list} and {@code attach} read without starting anything in the JVM, and,
 * once the application runs, the {@link ResetTracerMXBean} that {@code status}, {@code detach} and
 * {@code watch} use. Nothing here may stop the agent from working: each failure is one line.
 */
final class Presence {

  private static final Logger log = AgentLog.get(Presence.class);

  private Presence() {}

  static void announce(AgentRuntime runtime, long startedAtNanos) {
    publish(AgentPresence.KEY, AgentVersion.get() + " " + runtime.mode());
    if (runtime.dynamic()) {
      registerMBean(runtime);
      publish(
          AgentPresence.OUTCOME_KEY,
          String.format(
              Locale.ROOT,
              "loaded reset-tracer %s; %d socket classes instrumented in %d ms",
              AgentVersion.get(),
              runtime.transformer().woven().size(),
              (System.nanoTime() - startedAtNanos) / 1_000_000));
    }
  }

  /** A second load: the MBean may not exist yet if the agent came with {@code -javaagent}. */
  static void alreadyActive(AgentRuntime runtime) {
    registerMBean(runtime);
    publish(
        AgentPresence.OUTCOME_KEY,
        "reset-tracer "
            + AgentVersion.get()
            + " is already active here (loaded by "
            + runtime.mode()
            + "); nothing to do");
  }

  static void withdraw() {
    try {
      if (managementPresent()) {
        ResetTracerControl.unregister();
      }
    } catch (Throwable t) {
      ResetTracerHooks.swallow(t);
      log.warn("could not unregister the MBean", t);
    }
    try {
      AgentPresence.withdraw();
      AgentPresence.withdraw(AgentPresence.OUTCOME_KEY);
    } catch (Throwable t) {
      ResetTracerHooks.swallow(t);
      log.warn("could not withdraw the agent properties", t);
    }
  }

  private static void registerMBean(AgentRuntime runtime) {
    if (!managementPresent()) {
      log.warn(
          "no java.management module in this runtime: status, detach and watch are unavailable");
      return;
    }
    try {
      ResetTracerControl.register(runtime);
    } catch (Throwable t) {
      ResetTracerHooks.swallow(t);
      log.warn("could not register the MBean: status, detach and watch are unavailable", t);
    }
  }

  private static void publish(String key, String value) {
    try {
      AgentPresence.publish(key, value);
    } catch (Throwable t) {
      ResetTracerHooks.swallow(t);
      log.warn("could not publish the agent's presence; list and attach cannot see it", t);
    }
  }

  private static boolean managementPresent() {
    return ModuleLayer.boot().findModule("java.management").isPresent();
  }
}
