package io.resettracer.agent;

import java.lang.instrument.Instrumentation;

/**
 * Installs the agent: first the boot-loader hooks, then everything that refers to them. This class
 * itself names no hook type, so the JVM can verify it before the hooks exist.
 */
public final class AgentInstaller {

  private AgentInstaller() {}

  /** Called reflectively by {@code AgentMain}; any throwable is reported there in one line. */
  public static void install(String args, Instrumentation inst, boolean dynamic) throws Exception {
    Class<?> hooks = BootstrapInjector.inject(inst);
    AgentRuntime.start(AgentOptions.parse(args), inst, hooks.getModule(), dynamic);
  }
}
