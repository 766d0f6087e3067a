package io.resettracer.classify;

/** The cause of a reset, as named in the event's {@code verdict} field. */
public enum Verdict {
  IDLE_TIMEOUT,
  PEER_CRASH,
  RESOURCE_EXHAUSTION,
  NETWORK_DEVICE,
  LARGE_PAYLOAD,
  KEEPALIVE_MISMATCH,
  NETWORK_INSTABILITY,
  CONNECTION_LIFETIME,
  REQUEST_LIMIT,
  UNKNOWN
}
