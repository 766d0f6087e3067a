package io.resettracer.model;

/**
 * An earlier reset, as the classifier sees it from a later one: plain numbers, no connection.
 *
 * @param agoNanos how long before the reset being judged it happened
 */
public record PastReset(
    String remoteAddress,
    int remotePort,
    long agoNanos,
    FailureKind kind,
    Operation operation,
    long idleNanos,
    long connectionAgeNanos,
    boolean ageKnown,
    long bytesRead,
    long writtenSinceRead,
    long exchanges) {

  /** The reset recorded in {@code facts}, seen {@code agoNanos} later. */
  public static PastReset of(ResetFacts f, long agoNanos) {
    return new PastReset(
        f.remoteAddress(), f.remotePort(), agoNanos, f.kind(), f.operation(), f.idleNanos(),
        f.connectionAgeNanos(), f.ageKnown(), f.bytesRead(), f.writtenSinceRead(), f.exchanges());
  }

  /** A connection that never received a byte nor completed an exchange. */
  public boolean brandNew() {
    return exchanges == 0 && bytesRead == 0;
  }
}
