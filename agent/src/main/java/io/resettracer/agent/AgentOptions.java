package io.resettracer.agent;

import io.resettracer.classify.Thresholds;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.event.Level;

/**
 * The agent's options: {@code -javaagent:reset-tracer.jar=key=value,key=value}. A bad key or value
 * never stops the agent: it becomes one warning line, and the default stays.
 */
public final class AgentOptions {

  public static final String HELP =
      "log=off|error|warn|info|debug, logLimit=<lines per logWindow, 0=unlimited>, "
          + "logWindow=<duration>, jfr=true|false, eventLimit=<events per eventWindow, 0=unlimited>, "
          + "eventWindow=<duration>, maxConnections=<n>, startupWait=<duration>, "
          + "otlp=<http endpoint>|on, otlpPeers=<distinct server addresses in metrics>, "
          + "rule.<threshold>=<value> (see the README);"
          + " durations take a unit: 500ms, 30s, 5m";

  private static final String RULE_PREFIX = "rule.";

  /** null means off. */
  Level logLevel = Level.INFO;
  int logLimit = 20;
  long logWindowNanos = TimeUnit.SECONDS.toNanos(10);
  boolean jfr = true;
  int eventLimit = 1000;
  long eventWindowNanos = TimeUnit.SECONDS.toNanos(1);
  int maxConnections = 1_000_000;
  /**
   * How long the first socket class may hold up the application while the instrumentation warms
   * up. None by default: the host starts as fast as without the agent, and connections opened in
   * its first few hundred milliseconds are tracked from their first read or write, with no age.
   */
  long startupWaitNanos = 0;
  /** OpenTelemetry export: the OTLP/HTTP endpoint, "on" for the OTEL_* settings', or null: off. */
  String otlp;
  /** Distinct {@code server.address} values in exported metrics before the rest become "_other". */
  int otlpPeers = 100;
  /** The classifier's thresholds, each overridable as {@code rule.<name>=<value>}. */
  final Thresholds thresholds = Thresholds.defaults();

  private final String raw;
  private final List<String> warnings = new ArrayList<>();

  private AgentOptions(String raw) {
    this.raw = raw == null ? "" : raw;
  }

  public static AgentOptions parse(String args) {
    AgentOptions o = new AgentOptions(args);
    if (args == null || args.isBlank()) {
      return o;
    }
    for (String item : args.split(",")) {
      String pair = item.trim();
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq).trim();
      String value = eq < 0 ? "" : pair.substring(eq + 1).trim();
      try {
        o.set(key, value);
      } catch (IllegalArgumentException e) {
        o.warnings.add("ignoring option '" + pair + "': " + e.getMessage() + "; options: " + HELP);
      }
    }
    return o;
  }

  private void set(String key, String value) {
    if (key.startsWith(RULE_PREFIX)) {
      String name = key.substring(RULE_PREFIX.length());
      thresholds.set(name, Thresholds.isDuration(name) ? duration(value) : nonNegativeLong(value));
      return;
    }
    switch (key) {
      case "log":
        logLevel = level(value);
        break;
      case "logLimit":
        logLimit = nonNegativeInt(value);
        break;
      case "logWindow":
        logWindowNanos = duration(value);
        break;
      case "jfr":
        jfr = bool(value);
        break;
      case "eventLimit":
        eventLimit = nonNegativeInt(value);
        break;
      case "eventWindow":
        eventWindowNanos = duration(value);
        break;
      case "otlp":
        if (value.isEmpty()) {
          throw new IllegalArgumentException("needs an endpoint such as http://127.0.0.1:4318, or on");
        }
        otlp = value;
        break;
      case "otlpPeers":
        otlpPeers = nonNegativeInt(value);
        break;
      case "startupWait":
        startupWaitNanos = duration(value);
        break;
      case "maxConnections":
        maxConnections = nonNegativeInt(value);
        if (maxConnections == 0) {
          throw new IllegalArgumentException("must be at least 1");
        }
        break;
      default:
        throw new IllegalArgumentException("unknown option '" + key + "'");
    }
  }

  /** One line per option that was ignored, with why. */
  public List<String> warnings() {
    return List.copyOf(warnings);
  }

  /** The options as given, for status output. */
  public String raw() {
    return raw;
  }

  private static Level level(String v) {
    switch (v.toLowerCase(Locale.ROOT)) {
      case "off":
        return null;
      case "error":
        return Level.ERROR;
      case "warn":
        return Level.WARN;
      case "info":
        return Level.INFO;
      case "debug":
        return Level.DEBUG;
      default:
        throw new IllegalArgumentException("'" + v + "' is not a log level");
    }
  }

  private static boolean bool(String v) {
    switch (v.toLowerCase(Locale.ROOT)) {
      case "true":
      case "on":
      case "yes":
        return true;
      case "false":
      case "off":
      case "no":
        return false;
      default:
        throw new IllegalArgumentException("'" + v + "' is not true or false");
    }
  }

  private static long nonNegativeLong(String v) {
    try {
      long n = Long.parseLong(v);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException("'" + v + "' is not a whole number of 0 or more");
  }

  private static int nonNegativeInt(String v) {
    long n = nonNegativeLong(v);
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("'" + v + "' is too large");
    }
    return (int) n;
  }

  /** "500ms", "30s", "5m", "1h"; a bare number is refused, because its unit would be a guess. */
  static long duration(String v) {
    String s = v.trim().toLowerCase(Locale.ROOT);
    int i = 0;
    while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
      i++;
    }
    if (i == 0 || i == s.length()) {
      throw new IllegalArgumentException("'" + v + "' is not a duration such as 500ms, 30s or 5m");
    }
    double amount;
    try {
      amount = Double.parseDouble(s.substring(0, i));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + v + "' is not a duration such as 500ms, 30s or 5m");
    }
    long unitNanos;
    switch (s.substring(i).trim()) {
      case "ms":
        unitNanos = 1_000_000L;
        break;
      case "s":
        unitNanos = 1_000_000_000L;
        break;
      case "m":
      case "min":
        unitNanos = 60_000_000_000L;
        break;
      case "h":
        unitNanos = 3_600_000_000_000L;
        break;
      default:
        throw new IllegalArgumentException("'" + v + "' has an unknown unit (use ms, s, m or h)");
    }
    long nanos = (long) (amount * unitNanos);
    if (nanos <= 0) {
      throw new IllegalArgumentException("'" + v + "' must be longer than zero");
    }
    return nanos;
  }
}
