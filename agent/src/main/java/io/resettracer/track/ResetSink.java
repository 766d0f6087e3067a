package io.resettracer.track;

/**
 * Where the tracker hands each reset; called on the thread whose call failed, which must return at
 * once: an implementation only queues the capture for the agent's own thread.
 */
public interface ResetSink {

  /**
   * Asked first, before anything is captured: false when the agent sheds this failure (a storm
   * beyond what it judges per second), which it counts. Cheap and lock-free.
   */
  default boolean admit(long nowNanos) {
    return true;
  }

  void failed(CapturedFailure failure);
}
