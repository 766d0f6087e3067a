package io.resettracer.track;

/**
 * Where the tracker hands each reset; called on the thread whose call failed, which must return at
 * once: an implementation only queues the capture for the agent's own thread.
 */
public interface ResetSink {
  void failed(CapturedFailure failure);
}
