package io.resettracer.benchmark;

import java.lang.reflect.Method;

/**
 * The agent's hooks in this JVM, reached by reflection: the benchmark does not link against the
 * agent, whose hook classes live in the boot loader.
 */
final class AgentHooks {

  private AgentHooks() {}

  /** The installed dispatcher (the agent's tracker), or null without the agent. */
  static Object installed() {
    try {
      return hooks().getMethod("installed").invoke(null);
    } catch (ReflectiveOperationException e) {
      return null; // no agent in this JVM
    }
  }

  /** The installed dispatcher; fails saying so where {@code mode} runs without the agent. */
  static Object required(String mode) {
    Object dispatcher = installed();
    if (dispatcher == null) {
      throw new IllegalStateException(mode + " needs the agent: run the child with -javaagent");
    }
    return dispatcher;
  }

  /**
   * {@code ResetTracerHooks.install}: a dispatcher switches the hooks on, null off (as a detach
   * does).
   */
  static Method installMethod() throws ReflectiveOperationException {
    Class<?> type = Class.forName("io.resettracer.bootstrap.HookDispatcher", true, null);
    return hooks().getMethod("install", type);
  }

  private static Class<?> hooks() throws ClassNotFoundException {
    return Class.forName("io.resettracer.bootstrap.ResetTracerHooks", true, null);
  }
}
