package io.resettracer.samples;

import java.util.Locale;

/**
 * What a sample prints: first the verdict it expects, then one line per thing the application saw.
 * Failure lines read {@code ... FAILED on <operation>: <exception class>: <message>}, so a reader,
 * human or test, can line them up with the agent's events.
 */
final class Report {

  private Report() {}

  static void expect(String verdict) {
    System.out.println("EXPECT " + verdict);
  }

  /** The sample cannot run here; it says why and does nothing else. */
  static void skip(String reason) {
    System.out.println("SKIP " + reason);
  }

  static void say(String format, Object... args) {
    System.out.println(String.format(Locale.ROOT, format, args));
    System.out.flush();
  }

  static void ok(String who, String what) {
    say("%s  ok: %s", who, what);
  }

  static void failed(String who, String operation, Throwable failure) {
    say("%s  FAILED on %s: %s", who, operation, describe(failure));
  }

  static String describe(Throwable t) {
    return t.getClass().getName() + ": " + t.getMessage();
  }

  static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000L;
  }
}
