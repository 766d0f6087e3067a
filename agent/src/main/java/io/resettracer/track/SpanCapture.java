package io.resettracer.track;

import io.resettracer.bootstrap.ResetTracerHooks;
import io.resettracer.model.SpanIds;

/**
 * Reads, on the failing thread at the moment of failure, the span the application's tracing has
 * active there. Empty (one volatile read) unless an output that wants it (OpenTelemetry export)
 * found the application's tracing API and installed a source; the failure path only, never the I/O
 * path.
 */
public final class SpanCapture {

  /** Reads the active span of the calling thread, or null when none is active. */
  @FunctionalInterface
  public interface Source {
    SpanIds current() throws Throwable;
  }

  private static volatile Source source;

  private SpanCapture() {}

  /** Installs {@code s}, or with null takes the source out again. */
  public static void install(Source s) {
    source = s;
  }

  /** The calling thread's active span, or null. Never throws. */
  static SpanIds current() {
    Source s = source;
    if (s == null) {
      return null;
    }
    try {
      return s.current();
    } catch (Throwable t) {
      ResetTracerHooks.swallow(t);
      return null;
    }
  }
}
