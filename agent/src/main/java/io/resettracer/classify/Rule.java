package io.resettracer.classify;

/** Judges how well one cause explains a reset. One rule per cause, named after its verdict. */
public interface Rule {

  /** The case for this rule's cause, or null when the evidence says nothing for it. */
  Candidate judge(ResetEvidence e);
}
