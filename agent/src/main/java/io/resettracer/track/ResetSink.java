package io.resettracer.track;

/** Where the tracker sends each reset; called on the thread that saw it. */
public interface ResetSink {
  void onReset(ResetFacts facts);
}
