package io.resettracer.track;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The kernel's counter files, as Linux prints them (trimmed to the protocols read). */
class KernelTcpCountersTest {

  private static final String SNMP =
      "Ip: Forwarding DefaultTTL InReceives\n"
          + "Ip: 1 64 1000\n"
          + "Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails"
          + " EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors\n"
          + "Tcp: 1 200 120000 -1 50 40 2 7 3 9000 8800 44 0 12 0\n";
  private static final String NETSTAT =
      "TcpExt: SyncookiesSent ListenOverflows ListenDrops TCPTimeouts\n"
          + "TcpExt: 0 5 5 17\n";

  @Test
  void readsTheCountersByName() {
    KernelTcpCounters c = KernelTcpCounters.parse(SNMP, NETSTAT);
    assertEquals(new KernelTcpCounters(8800, 44, 17, 5), c);
  }

  @Test
  void aMissingFileOrCounterIsUnknown() {
    KernelTcpCounters c = KernelTcpCounters.parse(SNMP, null);
    assertEquals(-1, c.tcpTimeouts());
    assertEquals(-1, KernelTcpCounters.delta(10, -1));
    assertEquals(4, KernelTcpCounters.delta(14, 10));
  }
}
