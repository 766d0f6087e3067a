package io.resettracer.host;

/**
 * The Linux kernel's TCP counters, parsed from the text of {@code /proc/net/snmp} and
 * {@code /proc/net/netstat}: pairs of lines, a header of names and a line of values, per protocol.
 *
 * @param outSegs TCP segments sent ({@code Tcp: OutSegs})
 * @param retransSegs TCP segments retransmitted ({@code Tcp: RetransSegs})
 * @param tcpTimeouts retransmission timeouts ({@code TcpExt: TCPTimeouts})
 * @param listenOverflows accept-queue overflows ({@code TcpExt: ListenOverflows})
 * @param inSegs TCP segments received ({@code Tcp: InSegs})
 * @param outOfOrder segments received past a gap and queued until it fills ({@code TcpExt:
 *     TCPOFOQueue}): how loss on the way in shows at a receiver, which retransmits nothing itself
 */
public record KernelTcpCounters(
    long outSegs, long retransSegs, long tcpTimeouts, long listenOverflows, long inSegs,
    long outOfOrder) {

  /** Parses both files' text; a counter missing from them reads -1. */
  static KernelTcpCounters parse(String snmp, String netstat) {
    return new KernelTcpCounters(
        counter(snmp, "Tcp:", "OutSegs"),
        counter(snmp, "Tcp:", "RetransSegs"),
        counter(netstat, "TcpExt:", "TCPTimeouts"),
        counter(netstat, "TcpExt:", "ListenOverflows"),
        counter(snmp, "Tcp:", "InSegs"),
        counter(netstat, "TcpExt:", "TCPOFOQueue"));
  }

  // A plain scan of the text, six counters out of some two hundred: this runs every few seconds
  // for the life of the JVM, and splitting on regular expressions into a map of every counter made
  // garbage each time and kept the JIT compiling the regular-expression engine in the host's JVM.

  /**
   * The value in column {@code name} of the header line starting with {@code prefix}, read from the
   * values line after it (which starts with the same prefix); -1 if either is missing or malformed.
   */
  static long counter(String text, String prefix, String name) {
    if (text == null) {
      return -1;
    }
    int header = lineStartingWith(text, prefix, 0);
    if (header < 0) {
      return -1;
    }
    int values = nextLine(text, header);
    if (values < 0 || !text.startsWith(prefix, values)) {
      return -1;
    }
    int h = header + prefix.length();
    int v = values + prefix.length();
    while (true) {
      h = skipSpaces(text, h);
      v = skipSpaces(text, v);
      int hEnd = tokenEnd(text, h);
      int vEnd = tokenEnd(text, v);
      if (hEnd == h || vEnd == v) {
        return -1; // the header has no such name, or the values line is short
      }
      if (hEnd - h == name.length() && text.startsWith(name, h)) {
        return parseLong(text, v, vEnd);
      }
      h = hEnd;
      v = vEnd;
    }
  }

  private static int lineStartingWith(String text, String prefix, int from) {
    for (int line = from; line >= 0; line = nextLine(text, line)) {
      if (text.startsWith(prefix, line)) {
        return line;
      }
    }
    return -1;
  }

  private static int nextLine(String text, int line) {
    int nl = text.indexOf('\n', line);
    return nl < 0 || nl + 1 >= text.length() ? -1 : nl + 1;
  }

  private static int skipSpaces(String text, int i) {
    while (i < text.length() && text.charAt(i) == ' ') {
      i++;
    }
    return i;
  }

  private static int tokenEnd(String text, int i) {
    while (i < text.length() && text.charAt(i) != ' ' && text.charAt(i) != '\n') {
      i++;
    }
    return i;
  }

  /** A non-negative decimal counter, or -1 (the kernel prints -1 for "no limit" in some columns). */
  private static long parseLong(String text, int from, int to) {
    long value = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9' || value > (Long.MAX_VALUE - 9) / 10) {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** The change from {@code earlier} to this sample, or -1 where either is unknown. */
  static long delta(long later, long earlier) {
    return later < 0 || earlier < 0 ? -1 : Math.max(0, later - earlier);
  }
}
