package io.resettracer.cli;

import com.sun.tools.attach.VirtualMachine;
import io.resettracer.agent.ResetTracerMXBean;
import java.io.IOException;
import javax.management.JMX;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * A JMX connection to a target through its local management agent: the JDK's own connector that
 * jconsole and {@code jcmd ManagementAgent.start_local} use, which accepts local connections only.
 * reset-tracer never opens a port itself. The JDK has no way to stop a local management agent once
 * started, so it stays running in the target after the command, as it does after jconsole.
 */
final class Management implements AutoCloseable {

  private final TargetJvm target;
  private final JMXConnector connector;
  private final MBeanServerConnection connection;

  private Management(TargetJvm target, JMXConnector connector, MBeanServerConnection connection) {
    this.target = target;
    this.connector = connector;
    this.connection = connection;
  }

  static Management connect(TargetJvm target, VirtualMachine vm) throws CliFailure {
    JMXConnector connector = null;
    try {
      String address = vm.startLocalManagementAgent();
      connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
      return new Management(target, connector, connector.getMBeanServerConnection());
    } catch (IOException | RuntimeException e) {
      if (connector != null) {
        try {
          connector.close();
        } catch (IOException ignored) {
          // already failing: the first error is the one to report
        }
      }
      throw CliFailure.failed(
          "cannot reach pid "
              + target.pid
              + "'s local management agent (its runtime may lack"
              + " jdk.management.agent): "
              + e.getMessage());
    }
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
    } catch (MalformedObjectNameException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      connector.close();
    } catch (IOException e) {
      // the connection is already gone, which is all close wants
    }
  }
}
