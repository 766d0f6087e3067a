package io.resettracer.emit.otlp;

import io.resettracer.model.SpanIds;
import io.resettracer.track.SpanCapture;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Reads the span the application's OpenTelemetry has active on the calling thread, through the
 * application's own API classes: {@code Span.current().getSpanContext()}. With the OpenTelemetry
 * Java agent in the JVM, the application's API is bridged to the agent's context, so the same call
 * sees the agent's spans; without an API of the application's own, the agent's relocated copy is
 * used. Nothing of OpenTelemetry is loaded by this class: it uses the classes the JVM already has.
 */
final class SpanSource implements SpanCapture.Source {

  /** The application's API first; the OpenTelemetry Java agent's relocated copy second. */
  static final String[] SPAN_CLASSES = {
    "io.opentelemetry.api.trace.Span",
    "io.opentelemetry.javaagent.shaded.io.opentelemetry.api.trace.Span"
  };

  private final String origin;
  private final MethodHandle current;
  private final MethodHandle context;
  private final MethodHandle valid;
  private final MethodHandle traceId;
  private final MethodHandle spanId;

  private SpanSource(Class<?> span) throws ReflectiveOperationException {
    Class<?> spanContext = Class.forName(span.getName() + "Context", false, span.getClassLoader());
    MethodHandles.Lookup lookup = MethodHandles.publicLookup();
    current =
        lookup.findStatic(span, "current", MethodType.methodType(span))
            .asType(MethodType.methodType(Object.class));
    context =
        lookup.findVirtual(span, "getSpanContext", MethodType.methodType(spanContext))
            .asType(MethodType.methodType(Object.class, Object.class));
    valid =
        lookup.findVirtual(spanContext, "isValid", MethodType.methodType(boolean.class))
            .asType(MethodType.methodType(boolean.class, Object.class));
    traceId =
        lookup.findVirtual(spanContext, "getTraceId", MethodType.methodType(String.class))
            .asType(MethodType.methodType(String.class, Object.class));
    spanId =
        lookup.findVirtual(spanContext, "getSpanId", MethodType.methodType(String.class))
            .asType(MethodType.methodType(String.class, Object.class));
    ClassLoader loader = span.getClassLoader();
    origin = span.getName() + " in " + (loader == null ? "the boot class loader" : loader);
  }

  /**
   * The source over the first API found among {@code loaded}, in the order of {@link
   * #SPAN_CLASSES}, or over the Java agent's in the boot class loader; null when there is none.
   */
  static SpanSource find(Class<?>[] loaded) throws ReflectiveOperationException {
    for (String name : SPAN_CLASSES) {
      for (Class<?> c : loaded) {
        if (c.getName().equals(name)) {
          return new SpanSource(c);
        }
      }
    }
    // The Java agent's copy sits in the boot class loader, and is loaded only once its first span
    // is made: looked up there by name (loaded, not initialised), so the first traced call's reset
    // already carries its span.
    try {
      return new SpanSource(Class.forName(SPAN_CLASSES[1], false, null));
    } catch (ClassNotFoundException e) {
      return null;
    }
  }

  /** Which API it reads, for the log. */
  String origin() {
    return origin;
  }

  @Override
  public SpanIds current() throws Throwable {
    Object span = current.invokeExact();
    Object ctx = context.invokeExact(span);
    if (!(boolean) valid.invokeExact(ctx)) {
      return null;
    }
    return new SpanIds((String) traceId.invokeExact(ctx), (String) spanId.invokeExact(ctx));
  }
}
