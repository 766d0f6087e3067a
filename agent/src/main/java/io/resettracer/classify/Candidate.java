package io.resettracer.classify;

/**
 * One rule's case for its cause.
 *
 * @param score 0..1: how well the evidence fits the cause
 */
public record Candidate(Verdict verdict, float score, String evidence, String recommendation) {

  static Candidate of(Verdict v, double score, String evidence, String recommendation) {
    return new Candidate(v, (float) Math.max(0, Math.min(0.95, score)), evidence, recommendation);
  }
}
