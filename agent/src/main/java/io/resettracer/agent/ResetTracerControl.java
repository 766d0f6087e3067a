package io.resettracer.agent;

import io.resettracer.bootstrap.ResetTracerHooks;
import io.resettracer.classify.Verdict;
import io.resettracer.log.AgentLog;
import io.resettracer.model.FailureKind;
import io.resettracer.pipeline.ResetPipeline;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanException;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.ReflectionException;
import javax.management.StandardMBean;
import javax.management.openmbean.OpenMBeanAttributeInfoSupport;
import javax.management.openmbean.SimpleType;
import org.slf4j.Logger;

/**
 * The agent's MBean: the operations and attributes of {@link ResetTracerMXBean}, and beside them
 * one plain {@code long} attribute per counter, so that jconsole, the Prometheus JMX exporter or
 * any JMX scraper reads every count without opening tables: {@code ResetsByVerdict_<VERDICT>} for
 * every verdict from the start (0 until one is seen), {@code ResetsByKind_<KIND>}, {@code
 * IncidentsByVerdict_<VERDICT>}, {@code Shed}, {@code DroppedByOutputs}, {@code
 * OutputErrors}. Loaded only when the runtime has {@code java.management}.
 *
 * <p>Under {@code -javaagent} it registers itself shortly after start (see {@link
 * #registerWhenSafe}); after an attach, at once.
 */
final class ResetTracerControl extends StandardMBean implements ResetTracerMXBean {

  private static final Logger log = AgentLog.get(ResetTracerControl.class);

  /** Without a sign of a container, the MBean appears this long after start. */
  static final long PLAIN_DELAY_MILLIS = 1_000;

  /** How soon a JVM whose container chooses its own MBean server is looked at again, at first... */
  static final long CONTAINER_POLL_MILLIS = 500;

  /** ... and at the longest, once it has waited a while. */
  static final long MAX_CONTAINER_POLL_MILLIS = 10_000;

  private final AgentRuntime runtime;
  private final Map<String, ToLongFunction<ResetPipeline>> counters = counters();
  private final MBeanInfo info;

  private ResetTracerControl(AgentRuntime runtime) {
    super(ResetTracerMXBean.class, true);
    this.runtime = runtime;
    this.info = withCounters(super.getMBeanInfo());
  }

  /** The flat counters, named and ordered as the attribute list shows them. */
  static Map<String, ToLongFunction<ResetPipeline>> counters() {
    Map<String, ToLongFunction<ResetPipeline>> m = new LinkedHashMap<>();
    for (Verdict v : Verdict.values()) {
      m.put("ResetsByVerdict_" + v.name(), p -> p.resets(v));
    }
    for (FailureKind k : FailureKind.values()) {
      m.put("ResetsByKind_" + k.name(), p -> p.resets(k));
    }
    for (Verdict v : Verdict.values()) {
      m.put("IncidentsByVerdict_" + v.name(), p -> p.incidents(v));
    }
    m.put("ResetsSeen", ResetPipeline::seen);
    m.put("BeingJudged", ResetPipeline::beingJudged);
    m.put("Shed", ResetPipeline::shed);
    m.put("DroppedByOutputs", ResetPipeline::droppedByOutputs);
    m.put("OutputErrors", ResetPipeline::outputErrors);
    return m;
  }

  private MBeanInfo withCounters(MBeanInfo base) {
    List<MBeanAttributeInfo> attributes = new ArrayList<>(Arrays.asList(base.getAttributes()));
    for (String name : counters.keySet()) {
      attributes.add(
          new OpenMBeanAttributeInfoSupport(name, description(name), SimpleType.LONG, true, false,
              false));
    }
    return new MBeanInfo(base.getClassName(), base.getDescription(),
        attributes.toArray(new MBeanAttributeInfo[0]), base.getConstructors(),
        base.getOperations(), base.getNotifications(), base.getDescriptor());
  }

  private static String description(String counter) {
    int sep = counter.indexOf('_');
    String what = sep < 0 ? counter : counter.substring(0, sep);
    switch (what) {
      case "ResetsByVerdict":
        return "Resets judged " + counter.substring(sep + 1) + " since start";
      case "ResetsByKind":
        return "Resets of failure kind " + counter.substring(sep + 1) + " since start";
      case "IncidentsByVerdict":
        return "Incidents (bursts judged as one) judged " + counter.substring(sep + 1);
      case "ResetsSeen":
        return "Reset-family failures seen since start: judged, being judged or shed";
      case "BeingJudged":
        return "Resets waiting (under a second) for the burst around them before their verdict";
      case "Shed":
        return "Failures shed and counted: a storm beyond what is judged per second, or a full queue";
      case "DroppedByOutputs":
        return "Resets the outputs left out on purpose (rate limits, full export queues)";
      default:
        return "Outputs that failed on a reset or incident";
    }
  }

  @Override
  public MBeanInfo getMBeanInfo() {
    return info;
  }

  @Override
  public Object getAttribute(String name)
      throws AttributeNotFoundException, MBeanException, ReflectionException {
    ToLongFunction<ResetPipeline> counter = counters.get(name);
    if (counter != null) {
      return counter.applyAsLong(runtime.pipeline());
    }
    return super.getAttribute(name);
  }

  @Override
  public AttributeList getAttributes(String[] names) {
    AttributeList list = new AttributeList();
    for (String name : names) {
      try {
        list.add(new Attribute(name, getAttribute(name)));
      } catch (JMException e) {
        // As the JMX contract says: an attribute that cannot be read is left out of the list.
      }
    }
    return list;
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

  /**
   * Registers the MBean of a {@code -javaagent} start on a thread of its own, without taking from
   * the application a choice it makes only once per JVM. Creating the platform MBean server fixes
   * the MBean server builder ({@code javax.management.builder.initial}) and initialises {@code
   * java.util.logging}, which fixes the log manager ({@code java.util.logging.manager}). A
   * container that names either (WildFly and JBoss through JBoss Modules, Tomcat with its own log
   * manager) must get there first, so in such a JVM the agent never creates the server: it waits
   * until one exists (the container's) and registers in that. In any other JVM it registers after
   * {@link #PLAIN_DELAY_MILLIS}, once the application's main method is under way.
   */
  static void registerWhenSafe(AgentRuntime runtime) {
    Thread t = new Thread(() -> awaitAndRegister(runtime), "reset-tracer-jmx");
    t.setDaemon(true);
    t.start();
  }

  private static void awaitAndRegister(AgentRuntime runtime) {
    try {
      // Looked at after the delay: a launcher such as JBoss Modules names its log manager and
      // MBean server builder in its own main method, not on the command line.
      sleep(PLAIN_DELAY_MILLIS);
      String container = containerSign();
      if (!container.isEmpty()) {
        log.debug("{}: the MBean waits for the application's MBean server", container);
        long poll = CONTAINER_POLL_MILLIS;
        while (!runtime.stopped() && MBeanServerFactory.findMBeanServer(null).isEmpty()) {
          sleep(poll);
          // A container that never creates one must not wake the agent every second for good.
          poll = Math.min(poll * 2, MAX_CONTAINER_POLL_MILLIS);
        }
      }
      if (!runtime.stopped() && AgentRuntime.current() == runtime && !registered()) {
        register(runtime);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      ResetTracerHooks.swallow(t);
      log.warn("could not register the MBean: JMX tools see no counters", t);
    }
  }

  /**
   * Why the application may want to choose its MBean server or log manager itself, or "" when
   * nothing says so.
   */
  static String containerSign() {
    String builder = System.getProperty("javax.management.builder.initial");
    if (builder != null && !builder.isEmpty()) {
      return "javax.management.builder.initial=" + builder;
    }
    String logManager = System.getProperty("java.util.logging.manager");
    if (logManager != null && !logManager.isEmpty()) {
      return "java.util.logging.manager=" + logManager;
    }
    String command = System.getProperty("sun.java.command", "");
    if (command.startsWith("org.jboss.modules.Main") || command.contains("jboss-modules.jar")) {
      return "JBoss Modules";
    }
    return "";
  }

  private static void sleep(long millis) throws InterruptedException {
    Thread.sleep(millis);
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
    // A reset is judged a moment after it happened: counted at once all the same.
    long waiting = runtime.pipeline().beingJudged();
    if (waiting > 0) {
      counts.put("being judged", waiting);
    }
    long shed = runtime.pipeline().shed();
    if (shed > 0) {
      counts.put("shed in a storm", shed);
    }
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
