package io.resettracer.emit;

import io.resettracer.classify.Classification;
import io.resettracer.model.RequestDelivery;
import io.resettracer.model.ResetFacts;
import io.resettracer.model.SpanIds;
import io.resettracer.model.Stage;

/**
 * One reset as the outputs receive it: the facts, the verdict, and where in the application it
 * failed.
 *
 * @param thread the thread whose call failed (the event itself is committed on the agent's)
 * @param stack the failing call's stack, innermost first, as the exception holds it
 * @param burstId the burst this reset belongs to; an incident with this id judges the burst if it
 *     grew to two or more resets
 * @param failedAtNanos when the call failed, on {@link System#nanoTime()}'s clock
 * @param stage where in the connection's life it failed
 * @param requestDelivered whether the peer can have received the whole request
 * @param span the application's OpenTelemetry span active on the failing thread, or null (none, or
 *     export off)
 */
public record ClassifiedReset(
    ResetFacts facts,
    Classification classification,
    Thread thread,
    StackTraceElement[] stack,
    long burstId,
    long failedAtNanos,
    Stage stage,
    RequestDelivery requestDelivered,
    SpanIds span) {

  /** A reset without a span, its stage and delivery told from its facts and stack. */
  public ClassifiedReset(
      ResetFacts facts,
      Classification classification,
      Thread thread,
      StackTraceElement[] stack,
      long burstId,
      long failedAtNanos) {
    this(facts, classification, thread, stack, burstId, failedAtNanos, Stage.of(facts, stack),
        RequestDelivery.of(facts, Stage.of(facts, stack)), null);
  }
}
