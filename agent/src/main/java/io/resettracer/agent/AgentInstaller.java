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
    AgentOptions options = AgentOptions.parse(args); // first: it says where the hooks' jar goes
    Class<?> hooks = BootstrapInjector.inject(inst, options.tmpdir);
    AgentRuntime.start(options, inst, hooks.getModule(), dynamic);
  }
}
