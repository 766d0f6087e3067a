package io.resettracer.track;

import java.util.HashMap;
import java.util.Map;

/**
 * The Linux kernel's TCP counters, parsed from the text of {@code /proc/net/snmp} and
 * {@code /proc/net/netstat}: pairs of lines, a header of names and a line of values, per protocol.
 *
 * @param outSegs TCP segments sent ({@code Tcp: OutSegs})
 * @param retransSegs TCP segments retransmitted ({@code Tcp: RetransSegs})
 * @param tcpTimeouts retransmission timeouts ({@code TcpExt: TCPTimeouts})
 * @param listenOverflows accept-queue overflows ({@code TcpExt: ListenOverflows})
 */
public record KernelTcpCounters(
    long outSegs, long retransSegs, long tcpTimeouts, long listenOverflows) {

  /** Parses both files' text; a counter missing from them reads -1. */
  static KernelTcpCounters parse(String snmp, String netstat) {
    Map<String, Long> v = new HashMap<>();
    collect(snmp, v);
    collect(netstat, v);
    return new KernelTcpCounters(
        v.getOrDefault("Tcp:OutSegs", -1L),
        v.getOrDefault("Tcp:RetransSegs", -1L),
        v.getOrDefault("TcpExt:TCPTimeouts", -1L),
        v.getOrDefault("TcpExt:ListenOverflows", -1L));
  }

  private static void collect(String text, Map<String, Long> into) {
    if (text == null) {
      return;
    }
    String[] lines = text.split("\n");
    for (int i = 0; i + 1 < lines.length; i += 2) {
      String[] names = lines[i].trim().split("\\s+");
      String[] values = lines[i + 1].trim().split("\\s+");
      if (names.length != values.length || !names[0].equals(values[0])) {
        continue;
      }
      String prefix = names[0];
      for (int k = 1; k < names.length; k++) {
        try {
          into.put(prefix + names[k], Long.parseLong(values[k]));
        } catch (NumberFormatException e) {
          // A counter this parser does not need can be anything.
        }
      }
    }
  }

  /** The change from {@code earlier} to this sample, or -1 where either is unknown. */
  static long delta(long later, long earlier) {
    return later < 0 || earlier < 0 ? -1 : Math.max(0, later - earlier);
  }
}
