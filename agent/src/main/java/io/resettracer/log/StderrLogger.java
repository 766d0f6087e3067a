package io.resettracer.log;

import java.io.PrintStream;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** One line per message on standard error, prefixed so that it is never mistaken for the host's. */
final class StderrLogger extends LegacyAbstractLogger {

  private static final long serialVersionUID = 1L;

  StderrLogger(String name) {
    this.name = name;
  }

  @Override
  public boolean isTraceEnabled() {
    return AgentLog.enabled(Level.TRACE);
  }

  @Override
  public boolean isDebugEnabled() {
    return AgentLog.enabled(Level.DEBUG);
  }

  @Override
  public boolean isInfoEnabled() {
    return AgentLog.enabled(Level.INFO);
  }

  @Override
  public boolean isWarnEnabled() {
    return AgentLog.enabled(Level.WARN);
  }

  @Override
  public boolean isErrorEnabled() {
    return AgentLog.enabled(Level.ERROR);
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(
      Level level, Marker marker, String pattern, Object[] args, Throwable throwable) {
    String message = MessageFormatter.basicArrayFormat(pattern, args);
    StringBuilder line = new StringBuilder(message.length() + 40).append("[reset-tracer] ");
    if (level != Level.INFO) {
      line.append(level).append(' ');
    }
    line.append(message);
    if (throwable != null) {
      line.append(" (").append(throwable).append(')');
    }
    PrintStream err = System.err;
    err.println(line);
  }
}
