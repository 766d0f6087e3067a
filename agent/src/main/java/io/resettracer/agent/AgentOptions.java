package io.resettracer.agent;

import io.resettracer.classify.Thresholds;
import java.io.File;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.event.Level;

/**
 * The agent's options: {@code -javaagent:reset-tracer.jar=key=value,key=value}. A bad key or value
 * never stops the agent: it becomes one warning line, and the default stays. A key given twice is
 * warned of too, naming it, and the last one is used, as with the JVM's own options. {@code attach}
 * refuses all of these instead (see {@link #refusals()}): there a typo can be fixed before anything
 * is loaded.
 */
public final class AgentOptions {

  public static final String HELP =
      "log=off|error|warn|info|debug, logLimit=<lines per logWindow, 0=unlimited>, "
          + "logWindow=<duration>, jfr=true|false, eventLimit=<events per eventWindow, 0=unlimited>, "
          + "eventWindow=<duration>, maxConnections=<n>, startupWait=<duration>, "
          + "tmpdir=<directory for the agent's own files>, "
          + "otlp=<http endpoint>|on, otlpPeers=<distinct server addresses in metrics>, "
          + "rule.<threshold>=<value> (see the README);"
          + " durations take a unit: 500ms, 30s, 5m, up to 365 days";

  private static final String RULE_PREFIX = "rule.";

  /** How much of a bad option a message repeats: options can be any length. */
  static final int ECHO_LIMIT = 80;

  /** How much of a reason a message gives. */
  private static final int REASON_LIMIT = 400;

  /**
   * The longest duration accepted: longer than any window or threshold is useful for, and short
   * enough that adding it to a clock reading never overflows.
   */
  static final long MAX_DURATION_NANOS = TimeUnit.DAYS.toNanos(365);

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
  /**
   * Where the agent writes its boot class path jar (in a private folder of its own); null means
   * the JVM's temporary directory ({@code java.io.tmpdir}).
   */
  String tmpdir;

  private final String raw;
  /** What was wrong, in the words of a warning ({@code -javaagent}) and of a refusal (attach). */
  private final List<Problem> problems = new ArrayList<>();

  private record Problem(String warning, String refusal) {}

  private AgentOptions(String raw) {
    this.raw = raw == null ? "" : raw;
  }

  public static AgentOptions parse(String args) {
    AgentOptions o = new AgentOptions(args);
    if (args == null || args.isBlank()) {
      return o;
    }
    Map<String, String> given = new HashMap<>();
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
        String reason = bounded(e.getMessage(), REASON_LIMIT);
        o.problems.add(new Problem(
            "ignoring option " + quote(pair) + ": " + reason + "; options: " + HELP,
            "bad option " + quote(pair) + ": " + reason + "; options: " + HELP));
        continue;
      }
      String earlier = given.put(key, pair);
      if (earlier != null) {
        o.problems.add(new Problem(
            "option " + quote(key) + " is given more than once (" + quote(earlier) + ", then "
                + quote(pair) + "): the last is used",
            "option " + quote(key) + " is given more than once (" + quote(earlier) + ", then "
                + quote(pair) + "): give it once"));
      }
    }
    return o;
  }

  /** {@code 'text'}, or its first {@link #ECHO_LIMIT} characters and an ellipsis. */
  static String quote(String text) {
    return "'" + bounded(text, ECHO_LIMIT) + "'";
  }

  private static String bounded(String text, int limit) {
    return text.length() <= limit ? text : text.substring(0, limit) + "…";
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
      case "tmpdir":
        if (value.isEmpty() || !new File(value).isAbsolute()) {
          throw new IllegalArgumentException(quote(value) + " is not an absolute path");
        }
        tmpdir = value;
        break;
      case "maxConnections":
        maxConnections = nonNegativeInt(value);
        if (maxConnections == 0) {
          throw new IllegalArgumentException("must be at least 1");
        }
        break;
      default:
        throw new IllegalArgumentException("unknown option " + quote(key));
    }
  }

  /** One line per option that was ignored or given twice, with why. */
  public List<String> warnings() {
    List<String> lines = new ArrayList<>();
    problems.forEach(p -> lines.add(p.warning()));
    return lines;
  }

  /** The same problems as {@link #warnings()}, as reasons to refuse the options. */
  public List<String> refusals() {
    List<String> lines = new ArrayList<>();
    problems.forEach(p -> lines.add(p.refusal()));
    return lines;
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
        throw new IllegalArgumentException(quote(v) + " is not a log level");
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
        throw new IllegalArgumentException(quote(v) + " is not true or false");
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
    throw new IllegalArgumentException(quote(v) + " is not a whole number of 0 or more");
  }

  private static int nonNegativeInt(String v) {
    long n = nonNegativeLong(v);
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(quote(v) + " is too large");
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
      throw new IllegalArgumentException(quote(v) + " is not a duration such as 500ms, 30s or 5m");
    }
    double amount;
    try {
      amount = Double.parseDouble(s.substring(0, i));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(quote(v) + " is not a duration such as 500ms, 30s or 5m");
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
        throw new IllegalArgumentException(quote(v) + " has an unknown unit (use ms, s, m or h)");
    }
    // In double, where a number of any size compares as itself; a long would overflow first.
    double nanos = amount * unitNanos;
    if (nanos > MAX_DURATION_NANOS) {
      throw new IllegalArgumentException(quote(v) + " is too long: at most 365 days");
    }
    if ((long) nanos <= 0) {
      throw new IllegalArgumentException(quote(v) + " must be longer than zero");
    }
    return (long) nanos;
  }
}
