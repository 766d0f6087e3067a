package io.resettracer.track;

import io.resettracer.model.ResetFacts;
import io.resettracer.model.ResetHistory;

/** Where the tracker sends each reset; called on the thread that saw it. */
public interface ResetSink {
  /**
   * @param history what was known before this reset: earlier resets, refused connects, idle limits
   */
  void onReset(ResetFacts facts, ResetHistory history);
}
