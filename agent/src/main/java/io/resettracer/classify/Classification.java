package io.resettracer.classify;

/**
 * A verdict with what supports it.
 *
 * @param confidence 0..1: how likely the verdict is right given the evidence
 * @param evidence the facts that decided it, with their numbers and the thresholds they met
 * @param recommendation the fix, specialised with the measured numbers
 */
public record Classification(
    Verdict verdict, float confidence, String evidence, String recommendation) {

  public static Classification unknown(String evidence, String recommendation) {
    return new Classification(Verdict.UNKNOWN, 0f, evidence, recommendation);
  }
}
