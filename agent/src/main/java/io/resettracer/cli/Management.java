package io.resettracer.cli;

import com.sun.tools.attach.VirtualMachine;
import io.resettracer.agent.ResetTracerMXBean;
import java.io.IOException;
import java.util.Properties;
import javax.management.JMX;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * A JMX connection to a target through its local management agent: the JDK's own connector that
 * jconsole uses, which accepts local connections only. reset-tracer never opens a port itself. An
 * agent this command had to start is stopped again on close, so the target is left as it was found;
 * one that was already running (the application's, or another tool's) is left alone.
 */
final class Management implements AutoCloseable {

  private static final String JMXREMOTE = "com.sun.management.jmxremote";

  private final TargetJvm target;
  private final JMXConnector connector;
  private final MBeanServerConnection connection;
  private final boolean startedHere;

  private Management(
      TargetJvm target, JMXConnector connector, MBeanServerConnection connection, boolean startedHere) {
    this.target = target;
    this.connector = connector;
    this.connection = connection;
    this.startedHere = startedHere;
  }

  static Management connect(TargetJvm target, VirtualMachine vm) throws CliFailure {
    boolean wasRunning = managementAgentRunning(target);
    JMXConnector connector = null;
    try {
      String address = vm.startLocalManagementAgent();
      connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
      return new Management(target, connector, connector.getMBeanServerConnection(), !wasRunning);
    } catch (IOException | RuntimeException e) {
      if (connector != null) {
        try {
          connector.close();
        } catch (IOException ignored) {
          // already failing: the first error is the one to report
        }
      }
      throw CliFailure.failed(
          "cannot reach pid " + target.pid + "'s management agent (its runtime may lack"
              + " jdk.management.agent): " + e.getMessage());
    }
  }

  private static boolean managementAgentRunning(TargetJvm target) throws CliFailure {
    Properties agent = target.agentProperties();
    if (agent.stringPropertyNames().stream().anyMatch(k -> k.startsWith(JMXREMOTE))) {
      return true;
    }
    // A remote-only agent started from the command line advertises nothing locally.
    return target.systemProperty(JMXREMOTE + ".port") != null
        || target.systemProperty(JMXREMOTE) != null;
  }

  MBeanServerConnection connection() {
    return connection;
  }

  /** The agent's MBean, or null if it is not registered. */
  ResetTracerMXBean agent() throws CliFailure {
    try {
      ObjectName name = new ObjectName(ResetTracerMXBean.OBJECT_NAME);
      if (!connection.isRegistered(name)) {
        return null;
      }
      return JMX.newMXBeanProxy(connection, name, ResetTracerMXBean.class);
    } catch (IOException e) {
      throw target.lost(e);
    } catch (javax.management.MalformedObjectNameException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (startedHere) {
      stopManagementAgent();
    }
    try {
      connector.close();
    } catch (IOException e) {
      // the connection is already gone, which is all close wants
    }
  }

  /** {@code jcmd <pid> ManagementAgent.stop}, through the connection it will close. */
  private void stopManagementAgent() {
    try {
      connection.invoke(
          new ObjectName("com.sun.management:type=DiagnosticCommand"),
          "managementAgentStop",
          new Object[0],
          new String[0]);
    } catch (Exception e) {
      // The connector may close before it answers; the agent is stopped either way, or, if the
      // call never arrived, it stays as jconsole would leave it.
    }
  }
}
