package io.resettracer.bootstrap;

import java.lang.reflect.Method;
import java.util.Properties;

/**
 * Tells tools on the same machine whether reset-tracer is active in this JVM, through the JVM's
 * agent properties: the table that {@code VirtualMachine.getAgentProperties()} reads, where the
 * JDK's own management agent advertises its connector. They are not system properties, so the
 * application never sees them, and reading them costs the tool one attach, without starting
 * anything here.
 *
 * <p>Lives in the boot loader because {@code jdk.internal.vm} is exported to the boot loader's
 * unnamed module only, never to the application's class path.
 */
public final class AgentPresence {

  // Constants, so the command line, which runs without the boot-loader classes, gets them inlined.

  /** Holds "version mode", e.g. "0.1.0 attach"; absent when reset-tracer is not active. */
  public static final String KEY = "io.resettracer.agent";

  /** What the last attach said back, in one line: loaded, or already active. */
  public static final String OUTCOME_KEY = KEY + ".outcome";

  private AgentPresence() {}

  public static void publish(String key, String value) throws ReflectiveOperationException {
    agentProperties().setProperty(key, value);
  }

  public static void withdraw() throws ReflectiveOperationException {
    withdraw(KEY);
  }

  public static void withdraw(String key) throws ReflectiveOperationException {
    agentProperties().remove(key);
  }

  private static Properties agentProperties() throws ReflectiveOperationException {
    // Reflection: the agent is compiled with --release, which cannot name a non-exported package.
    Method m = Class.forName("jdk.internal.vm.VMSupport").getMethod("getAgentProperties");
    return (Properties) m.invoke(null);
  }
}
