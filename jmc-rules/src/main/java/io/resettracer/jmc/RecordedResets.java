package io.resettracer.jmc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmc.common.item.IAccessorKey;
import org.openjdk.jmc.common.item.IItem;
import org.openjdk.jmc.common.item.IItemCollection;
import org.openjdk.jmc.common.item.IItemIterable;
import org.openjdk.jmc.common.item.IMemberAccessor;
import org.openjdk.jmc.common.item.IType;
import org.openjdk.jmc.common.item.ItemFilters;
import org.openjdk.jmc.common.unit.IQuantity;
import org.openjdk.jmc.common.unit.UnitLookup;
import org.openjdk.jmc.flightrecorder.JfrAttributes;

/**
 * The agent's two event types in a recording, as plain records. Fields are looked up by name in
 * each event type's own metadata, so a recording from another release of the agent, with fields
 * added, renamed or missing, still reads: a missing field reads as unknown, never as zero.
 */
final class RecordedResets {

  static final String RESET_TYPE = "resettracer.ConnectionReset";
  static final String INCIDENT_TYPE = "resettracer.ResetIncident";

  /** More resets than this are counted but not kept: the text needs a sample, not every one. */
  static final int MAX_KEPT = 200_000;

  /** One {@code resettracer.ConnectionReset} event; -1 or "" where the recording lacks a field. */
  record Reset(
      long atNanos,
      String verdict,
      double confidence,
      String remoteAddress,
      long remotePort,
      String operation,
      String failure,
      long idleNanos,
      long ageNanos,
      long bytesRead,
      long writtenSinceRead,
      String evidence,
      String recommendation,
      String incidentId) {

    String peer() {
      if (remoteAddress.isEmpty()) {
        return "an unknown peer";
      }
      return remotePort < 0 ? remoteAddress : remoteAddress + ":" + remotePort;
    }
  }

  /** One {@code resettracer.ResetIncident} event; -1 or "" where the recording lacks the field. */
  record Incident(
      long atNanos,
      long firstResetNanos,
      long spanNanos,
      String verdict,
      double confidence,
      long resets,
      long peers,
      long hosts,
      String peerList,
      String evidence,
      String recommendation,
      String incidentId) {}

  final List<Reset> resets;
  final List<Incident> incidents;
  /** Every reset event, also those past {@link #MAX_KEPT}. */
  final long resetCount;

  RecordedResets(List<Reset> resets, List<Incident> incidents, long resetCount) {
    this.resets = Collections.unmodifiableList(resets);
    this.incidents = Collections.unmodifiableList(incidents);
    this.resetCount = resetCount;
  }

  static RecordedResets read(IItemCollection items) {
    List<Reset> resets = new ArrayList<>();
    List<Incident> incidents = new ArrayList<>();
    long resetCount = 0;
    for (IItemIterable lane : items.apply(ItemFilters.type(RESET_TYPE, INCIDENT_TYPE))) {
      Fields f = new Fields(lane.getType());
      boolean isReset = lane.getType().getIdentifier().equals(RESET_TYPE);
      for (IItem item : lane) {
        if (isReset) {
          resetCount++;
          if (resets.size() < MAX_KEPT) {
            resets.add(new Reset(f.startNanos(item), f.text(item, "verdict"),
                f.percent(item, "confidence"), f.text(item, "remoteAddress"),
                f.number(item, "remotePort"), f.text(item, "operation"), f.text(item, "failure"),
                f.nanos(item, "idleTime"), f.nanos(item, "connectionAge"),
                f.number(item, "bytesRead"), f.number(item, "writtenSinceRead"),
                f.text(item, "evidence"), f.text(item, "recommendation"),
                f.id(item, "incidentId")));
          }
        } else {
          incidents.add(new Incident(f.startNanos(item), f.nanos(item, "firstReset"),
              f.nanos(item, "span"), f.text(item, "verdict"), f.percent(item, "confidence"),
              f.number(item, "resets"), f.number(item, "peers"), f.number(item, "hosts"),
              f.text(item, "peerList"), f.text(item, "evidence"), f.text(item, "recommendation"),
              f.id(item, "incidentId")));
        }
      }
    }
    resets.sort((a, b) -> Long.compare(a.atNanos(), b.atNanos()));
    incidents.sort((a, b) -> Long.compare(a.atNanos(), b.atNanos()));
    return new RecordedResets(resets, incidents, resetCount);
  }

  /** An event type's fields by name, converted to plain values whatever JMC's content type. */
  private static final class Fields {
    private final Map<String, IMemberAccessor<?, IItem>> byName = new HashMap<>();
    private final IMemberAccessor<IQuantity, IItem> startTime;

    Fields(IType<IItem> type) {
      for (IAccessorKey<?> key : type.getAccessorKeys().keySet()) {
        byName.put(key.getIdentifier(), type.getAccessor(key));
      }
      startTime = JfrAttributes.START_TIME.getAccessor(type);
    }

    private Object value(IItem item, String field) {
      IMemberAccessor<?, IItem> accessor = byName.get(field);
      return accessor == null ? null : accessor.getMember(item);
    }

    long startNanos(IItem item) {
      IQuantity at = startTime == null ? null : startTime.getMember(item);
      return at == null ? -1 : at.clampedLongValueIn(UnitLookup.EPOCH_NS);
    }

    String text(IItem item, String field) {
      Object v = value(item, field);
      if (v instanceof IQuantity q) {
        return String.valueOf(q.numberValue());
      }
      return v == null ? "" : v.toString();
    }

    /** An identifier as text; "" for none, also where a number field says none with 0 or -1. */
    String id(IItem item, String field) {
      String id = text(item, field);
      return id.equals("0") || id.equals("-1") ? "" : id;
    }

    long number(IItem item, String field) {
      Object v = value(item, field);
      if (v instanceof IQuantity q) {
        if (q.getType() == UnitLookup.MEMORY) {
          return q.clampedLongValueIn(UnitLookup.BYTE);
        }
        return q.longValue();
      }
      if (v instanceof Number n) {
        return n.longValue();
      }
      return -1;
    }

    /** A span in nanoseconds, or a point in time in nanoseconds since the epoch. */
    long nanos(IItem item, String field) {
      Object v = value(item, field);
      if (v instanceof IQuantity q) {
        if (q.getType() == UnitLookup.TIMESPAN) {
          return q.clampedLongValueIn(UnitLookup.NANOSECOND);
        }
        if (q.getType() == UnitLookup.TIMESTAMP) {
          return q.clampedLongValueIn(UnitLookup.EPOCH_NS);
        }
        return q.longValue();
      }
      return v instanceof Number n ? n.longValue() : -1;
    }

    /** 0 to 100, from JFR's percentage (a fraction) or a plain number either way. */
    double percent(IItem item, String field) {
      Object v = value(item, field);
      double d;
      if (v instanceof IQuantity q) {
        if (q.getType() == UnitLookup.PERCENTAGE) {
          return q.doubleValueIn(UnitLookup.PERCENT);
        }
        d = q.doubleValue();
      } else if (v instanceof Number n) {
        d = n.doubleValue();
      } else {
        return -1;
      }
      return d <= 1 ? d * 100 : d;
    }
  }
}
