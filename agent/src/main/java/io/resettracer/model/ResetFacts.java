package io.resettracer.model;

/**
 * Everything known about one reset at the moment it happened: plain numbers and names, no JDK
 * internals, so the classifier can be fed from a one-line fixture.
 *
 * @param remoteAddress the peer's IP address as text (never a resolved name), or "" if unknown
 * @param connectionAgeNanos time since connect or accept; when {@code !ageKnown}, time since the
 *     connection was first seen (it predates the agent)
 * @param idleNanos how long the connection sat unused before the exchange that failed began
 * @param writtenSinceRead bytes written since the last successful read: the request in flight
 * @param exchanges completed write-then-read exchanges before the failure
 */
public record ResetFacts(
    String remoteAddress,
    int remotePort,
    String localAddress,
    int localPort,
    Role role,
    Transport transport,
    Operation operation,
    FailureKind kind,
    String exceptionClass,
    String exceptionMessage,
    boolean ageKnown,
    long connectionAgeNanos,
    long idleNanos,
    long bytesRead,
    long bytesWritten,
    long writtenSinceRead,
    long exchanges,
    long epochMillis) {

  /** The peer as "address:port", or "unknown peer". */
  public String peer() {
    return remoteAddress.isEmpty() ? "unknown peer" : remoteAddress + ":" + remotePort;
  }
}
