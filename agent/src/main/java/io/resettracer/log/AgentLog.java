package io.resettracer.log;

import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * The agent's loggers: the (relocated) slf4j API, printing to standard error. The agent never goes
 * through {@code LoggerFactory}: that would scan the host's class path for providers and read its
 * system properties, and reset-tracer must neither bind nor disturb the application's logging.
 */
public final class AgentLog {

  private static volatile Level threshold = Level.INFO;
  private static volatile boolean off;

  private AgentLog() {}

  public static Logger get(Class<?> owner) {
    return new StderrLogger(owner.getSimpleName());
  }

  /** {@code null} turns logging off. */
  public static void setLevel(Level level) {
    off = level == null;
    if (level != null) {
      threshold = level;
    }
  }

  static boolean enabled(Level level) {
    return !off && level.toInt() >= threshold.toInt();
  }
}
