package io.resettracer.classify;

import io.resettracer.model.Durations;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ObjLongConsumer;
import java.util.function.ToLongFunction;

/**
 * The numbers the rules compare evidence with. Each has a name (the agent option that overrides it,
 * {@code rule.<name>=<value>}), a default chosen from the measurements in the project's reference
 * notes, and a reason. Durations are nanoseconds, sizes bytes, shares per mille.
 */
public final class Thresholds {

  private static final long MS = 1_000_000L;
  private static final long S = 1_000 * MS;

  /** A connection idle at least this long before the failing exchange counts as reused after a pause. */
  long idleMin = 1 * S;
  /** Resets to one peer (or many) closer together than this belong to one burst. */
  long burstWindow = 1 * S;
  /** Distinct hosts reset within a burst that point at a device in the path rather than a peer. */
  long deviceHosts = 3;
  /**
   * A connection younger than this with nothing read is brand new: a few round trips, and the
   * stalls of a loaded client between its connect and its first request (over 1 s measured on a
   * busy 2-core machine).
   */
  long youngAge = 3 * S;
  /** Bytes written since the last read from which a request counts as a large upload. */
  long largeRequest = 1024 * 1024;
  /** Bytes written since the last read from which a request may be a large upload. */
  long mediumRequest = 64 * 1024;
  /** Refused connects to the peer within this long before a reset say its process is gone. */
  long refusalWindow = 10 * S;
  /** How close an idle time must be to a catalogue value to name that hop, per mille. */
  long catalogTolerance = 100;
  /** Retransmitted segments per mille of segments sent that mean a lossy path. */
  long retransmitHigh = 20;
  /** ...and that mean heavy loss (tens of per cent): the path rather than the peer failed. */
  long retransmitHeavy = 100;
  /**
   * Segments received past a gap per mille of segments received that mean loss on the way in (a
   * receiver retransmits nothing; one lost segment puts the rest of its window out of order).
   */
  long outOfOrderHigh = 50;
  /** ...and that mean heavy loss on the way in. */
  long outOfOrderHeavy = 200;
  /** Segments sent (received) in the interval below which a share is not a rate. */
  long minSegments = 200;
  /** Retransmitted segments below which no share is called lossy, however few were sent. */
  long minRetransmits = 5;
  /**
   * Segments received past a gap from which fewer than {@link #minSegments} received still tell
   * loss on the way in (at the lower end of their share's 95 % interval).
   */
  long minOutOfOrder = 5;
  /** File descriptors in use per mille of the limit that mean this host is near exhaustion. */
  long fdHigh = 900;
  /** The verdict needs at least this score (per mille) to be named rather than UNKNOWN. */
  long minScore = 500;
  /** ...and must beat the runner-up by this much (per mille). */
  long minMargin = 150;

  /**
   * The names, in a holder of their own: its two dozen lambdas cost milliseconds to link on a cold
   * JVM, which only an override ({@code rule.<name>=}) should pay, not every start-up.
   */
  private static final class Names {
    static final Map<String, Field> FIELDS = new LinkedHashMap<>();

    static {
      duration("idleMin", t -> t.idleMin, (t, v) -> t.idleMin = v);
      duration("burstWindow", t -> t.burstWindow, (t, v) -> t.burstWindow = v);
      count("deviceHosts", t -> t.deviceHosts, (t, v) -> t.deviceHosts = v);
      duration("youngAge", t -> t.youngAge, (t, v) -> t.youngAge = v);
      count("largeRequest", t -> t.largeRequest, (t, v) -> t.largeRequest = v);
      count("mediumRequest", t -> t.mediumRequest, (t, v) -> t.mediumRequest = v);
      duration("refusalWindow", t -> t.refusalWindow, (t, v) -> t.refusalWindow = v);
      count("catalogTolerance", t -> t.catalogTolerance, (t, v) -> t.catalogTolerance = v);
      count("retransmitHigh", t -> t.retransmitHigh, (t, v) -> t.retransmitHigh = v);
      count("retransmitHeavy", t -> t.retransmitHeavy, (t, v) -> t.retransmitHeavy = v);
      count("outOfOrderHigh", t -> t.outOfOrderHigh, (t, v) -> t.outOfOrderHigh = v);
      count("outOfOrderHeavy", t -> t.outOfOrderHeavy, (t, v) -> t.outOfOrderHeavy = v);
      count("minSegments", t -> t.minSegments, (t, v) -> t.minSegments = v);
      count("minRetransmits", t -> t.minRetransmits, (t, v) -> t.minRetransmits = v);
      count("minOutOfOrder", t -> t.minOutOfOrder, (t, v) -> t.minOutOfOrder = v);
      count("fdHigh", t -> t.fdHigh, (t, v) -> t.fdHigh = v);
      count("minScore", t -> t.minScore, (t, v) -> t.minScore = v);
      count("minMargin", t -> t.minMargin, (t, v) -> t.minMargin = v);
    }
  }

  public static Thresholds defaults() {
    return new Thresholds();
  }

  /**
   * Overrides one threshold: nanoseconds for a duration ({@link #isDuration}), else a count or size.
   *
   * @throws IllegalArgumentException for an unknown name or a negative value
   */
  public Thresholds set(String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException("'" + value + "' is negative");
    }
    field(name).setter.accept(this, value);
    return this;
  }

  /** Whether the threshold is a duration (else a count or a size). */
  public static boolean isDuration(String name) {
    return field(name).duration;
  }

  public long get(String name) {
    return field(name).getter.applyAsLong(this);
  }

  private static Field field(String name) {
    Field f = Names.FIELDS.get(name);
    if (f == null) {
      throw new IllegalArgumentException("unknown rule threshold '" + name + "'; known: "
          + String.join(", ", Names.FIELDS.keySet()));
    }
    return f;
  }

  private static void duration(String name, ToLongFunction<Thresholds> g, ObjLongConsumer<Thresholds> s) {
    Names.FIELDS.put(name, new Field(true, g, s));
  }

  private static void count(String name, ToLongFunction<Thresholds> g, ObjLongConsumer<Thresholds> s) {
    Names.FIELDS.put(name, new Field(false, g, s));
  }

  private record Field(
      boolean duration, ToLongFunction<Thresholds> getter, ObjLongConsumer<Thresholds> setter) {}
}
