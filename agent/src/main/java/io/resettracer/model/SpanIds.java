package io.resettracer.model;

/**
 * The OpenTelemetry span that was active on the failing thread, as the application's own tracing
 * named it: lowercase hex, as W3C trace context writes them.
 *
 * @param traceId 32 hex digits
 * @param spanId 16 hex digits
 */
public record SpanIds(String traceId, String spanId) {}
