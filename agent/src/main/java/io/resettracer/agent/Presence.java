package io.resettracer.agent;

import io.resettracer.bootstrap.AgentPresence;
import io.resettracer.bootstrap.ResetTracerHooks;
import io.resettracer.log.AgentLog;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * Makes the running agent visible to {@code java -jar reset-tracer.jar}: a line in the JVM's agent
 * properties that {@code list} and {@code attach} read without starting anything in the JVM, the
 * answers to the commands of {@link AgentCommands} in the same table, and, once the application
 * runs, the {@link ResetTracerMXBean} for JMX tools. Nothing here may stop the agent from working:
 * each failure is one line.
 */
final class Presence {

  /** Longest text published: options given to {@code -javaagent} are not bounded by anyone else. */
  static final int MAX_TEXT = 1000;

  private static final Logger log = AgentLog.get(Presence.class);

  /** Keys of the last status snapshot: replaced by the next, removed at detach. */
  private static final Set<String> snapshotKeys = ConcurrentHashMap.newKeySet();

  /** The answers kept at once: enough for a few commands at the same time. */
  private static final int REPLIES_KEPT = 4;

  /** Keys of the answers kept, oldest first. */
  private static final Deque<String> replyKeys = new ArrayDeque<>();

  /** Whether a watch ever started: only then is the JFR recording's class loaded to stop it. */
  private static volatile boolean watchStarted;

  private Presence() {}

  static void announce(AgentRuntime runtime, long startedAtNanos) {
    removeReplies(); // an earlier detach's answer
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
    if (watchStarted) {
      try {
        WatchRecording.stop();
      } catch (Throwable t) {
        ResetTracerHooks.swallow(t);
        log.warn("could not remove the watch recording", t);
      }
    }
    removeSnapshot();
    removeReplies();
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

  /** The answer to a command of {@link AgentCommands}, for the command line to read. */
  static void reply(String token, String answer) {
    String key = AgentCommands.REPLY_PREFIX + token;
    String oldest = null;
    synchronized (replyKeys) {
      replyKeys.addLast(key);
      if (replyKeys.size() > REPLIES_KEPT) {
        oldest = replyKeys.removeFirst();
      }
    }
    if (oldest != null) {
      remove(oldest);
    }
    publish(key, bounded(answer));
  }

  private static void removeReplies() {
    List<String> keys;
    synchronized (replyKeys) {
      keys = new ArrayList<>(replyKeys);
      replyKeys.clear();
    }
    keys.forEach(Presence::remove);
  }

  static void watchStarted() {
    watchStarted = true;
  }

  /**
   * Publishes what {@code status} shows, read from the MBean's view of the agent (without
   * registering it, so that no platform MBean server is created for it).
   */
  static void publishStatus(AgentRuntime runtime) throws ReflectiveOperationException {
    Map<String, String> snapshot = snapshot(view(runtime));
    for (String key : snapshotKeys) {
      if (!snapshot.containsKey(key)) {
        remove(key);
      }
    }
    snapshotKeys.clear();
    for (Map.Entry<String, String> e : snapshot.entrySet()) {
      publish(e.getKey(), e.getValue());
      snapshotKeys.add(e.getKey());
    }
  }

  /**
   * Every getter of {@link ResetTracerMXBean}: a number as a count, a map of numbers as a count per
   * key with its total, text as text. Anything else is left out.
   */
  static Map<String, String> snapshot(ResetTracerMXBean view) throws ReflectiveOperationException {
    Map<String, String> snapshot = new TreeMap<>();
    Method[] getters = ResetTracerMXBean.class.getMethods();
    Arrays.sort(getters, Comparator.comparing(Method::getName));
    for (Method m : getters) {
      String getter = m.getName();
      if (m.getParameterCount() != 0 || !getter.startsWith("get") || getter.length() < 4) {
        continue;
      }
      String name =
          Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
      Object value;
      try {
        value = m.invoke(view);
      } catch (InvocationTargetException e) {
        // One counter that fails must not hide the others.
        ResetTracerHooks.swallow(e.getCause());
        snapshot.put(AgentCommands.STATUS_PREFIX + name, bounded("unavailable: " + e.getCause()));
        continue;
      }
      if (value instanceof Number) {
        long n = ((Number) value).longValue();
        snapshot.put(AgentCommands.COUNT_PREFIX + name, String.valueOf(n));
      } else if (value instanceof Map) {
        long total = 0;
        for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
          if (e.getValue() instanceof Number) {
            long n = ((Number) e.getValue()).longValue();
            snapshot.put(AgentCommands.COUNT_PREFIX + name + "." + e.getKey(), String.valueOf(n));
            total += n;
          }
        }
        snapshot.put(AgentCommands.COUNT_PREFIX + name, String.valueOf(total));
      } else if (value instanceof String) {
        snapshot.put(AgentCommands.STATUS_PREFIX + name, bounded((String) value));
      }
    }
    return snapshot;
  }

  /**
   * The MBean's implementation for {@code runtime}, unregistered. Its constructor is private so
   * that only {@code register} makes one for JMX; this is the one other reader.
   */
  private static ResetTracerMXBean view(AgentRuntime runtime) throws ReflectiveOperationException {
    for (Constructor<?> c : ResetTracerControl.class.getDeclaredConstructors()) {
      if (c.getParameterCount() == 1 && c.getParameterTypes()[0] == AgentRuntime.class) {
        c.setAccessible(true);
        return (ResetTracerMXBean) c.newInstance(runtime);
      }
    }
    throw new NoSuchMethodException("ResetTracerControl(AgentRuntime)");
  }

  private static void removeSnapshot() {
    for (String key : snapshotKeys) {
      remove(key);
    }
    snapshotKeys.clear();
  }

  private static String bounded(String text) {
    String oneLine = text.replace('\n', ' ').replace('\r', ' ');
    return oneLine.length() <= MAX_TEXT ? oneLine : oneLine.substring(0, MAX_TEXT) + "…";
  }

  private static void remove(String key) {
    try {
      AgentPresence.withdraw(key);
    } catch (Throwable t) {
      ResetTracerHooks.swallow(t);
      log.warn("could not remove the agent property {}", key, t);
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
