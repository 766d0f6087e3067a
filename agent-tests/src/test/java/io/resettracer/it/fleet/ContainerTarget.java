package io.resettracer.it.fleet;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.util.logging.LogManager;
import javax.management.MBeanServer;
import javax.management.MBeanServerBuilder;
import javax.management.ObjectName;

/**
 * An application that boots like a container (WildFly, JBoss): its command line names its own log
 * manager and MBean server builder, which it can only provide once booted (here, once it has set
 * {@code container.booted}; before that their classes refuse to initialise, as JBoss Modules'
 * classes are not yet reachable). After the boot it creates the platform MBean server itself, then
 * says what it got: {@code LOGMANAGER <class>}, {@code BUILDER <true|false>}, {@code MBEAN
 * <registered|missing>} (the agent's, in the container's server, within 15 s), {@code SWALLOWED n}.
 */
public final class ContainerTarget {

  /** The boot takes longer than the agent's own delay before it registers its MBean. */
  static final long BOOT_MILLIS = 2_500;

  public static void main(String[] args) throws Exception {
    Thread.sleep(BOOT_MILLIS);
    System.setProperty("container.booted", "true");
    System.out.println("LOGMANAGER " + LogManager.getLogManager().getClass().getName());
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    System.out.println("BUILDER " + Builder.used);
    ObjectName name = new ObjectName("io.resettracer:type=ResetTracer");
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (!server.isRegistered(name) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    System.out.println("MBEAN " + (server.isRegistered(name) ? "registered" : "missing"));
    if (server.isRegistered(name)) {
      System.out.println("ATTRIBUTE " + server.getAttribute(name, "ResetsByVerdict_UNKNOWN"));
    }
    Class<?> hooks = Class.forName("io.resettracer.bootstrap.ResetTracerHooks", false, null);
    Method m = hooks.getMethod("swallowedCount");
    System.out.println("SWALLOWED " + m.invoke(null));
  }

  private static void requireBooted(String what) {
    if (System.getProperty("container.booted") == null) {
      throw new IllegalStateException(what + " initialised before the container booted");
    }
  }

  /** The container's log manager. */
  public static final class Logs extends LogManager {
    static {
      requireBooted("the log manager");
    }
  }

  /** The container's MBean server builder. */
  public static final class Builder extends MBeanServerBuilder {
    static volatile boolean used;

    static {
      requireBooted("the MBean server builder");
    }

    @Override
    public MBeanServer newMBeanServer(
        String defaultDomain, MBeanServer outer, javax.management.MBeanServerDelegate delegate) {
      used = true;
      return super.newMBeanServer(defaultDomain, outer, delegate);
    }
  }
}
