package io.resettracer.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
      "TcpExt: SyncookiesSent ListenOverflows ListenDrops TCPTimeouts TCPOFOQueue\n"
          + "TcpExt: 0 5 5 17 310\n";

  @Test
  void readsTheCountersByName() {
    KernelTcpCounters c = KernelTcpCounters.parse(SNMP, NETSTAT);
    assertEquals(new KernelTcpCounters(8800, 44, 17, 5, 9000, 310), c);
  }

  @Test
  void readsTheLastColumnAndSkipsOtherProtocols() {
    String udpFirst = "Udp: InDatagrams OutSegs\nUdp: 1 2\n" + SNMP;
    assertEquals(8800, KernelTcpCounters.counter(udpFirst, "Tcp:", "OutSegs"));
    assertEquals(0, KernelTcpCounters.counter(SNMP, "Tcp:", "InCsumErrors"));
    assertEquals(17, KernelTcpCounters.counter(NETSTAT, "TcpExt:", "TCPTimeouts"));
  }

  @Test
  void malformedTextIsUnknownNotAFailure() {
    assertEquals(-1, KernelTcpCounters.counter("Tcp: A OutSegs\nTcp: 1\n", "Tcp:", "OutSegs"));
    assertEquals(-1, KernelTcpCounters.counter("Tcp: A OutSegs\n", "Tcp:", "OutSegs"));
    assertEquals(-1, KernelTcpCounters.counter("Tcp: A OutSegs\nIp: 1 2\n", "Tcp:", "OutSegs"));
    assertEquals(-1, KernelTcpCounters.counter("Tcp: A OutSegs\nTcp: 1 x9\n", "Tcp:", "OutSegs"));
    assertEquals(-1, KernelTcpCounters.counter("Tcp: A OutSegsX\nTcp: 1 9\n", "Tcp:", "OutSegs"));
    assertEquals(-1, KernelTcpCounters.counter("", "Tcp:", "OutSegs"));
  }

  @Test
  void readsThisMachinesFiles() throws Exception {
    Path snmp = Path.of("/proc/net/snmp");
    Path netstat = Path.of("/proc/net/netstat");
    assumeTrue(Files.isReadable(snmp) && Files.isReadable(netstat), "not Linux");
    KernelTcpCounters c = KernelTcpCounters.parse(Files.readString(snmp), Files.readString(netstat));
    assertTrue(c.outSegs() >= 0 && c.retransSegs() >= 0, c.toString());
    assertTrue(c.tcpTimeouts() >= 0 && c.listenOverflows() >= 0, c.toString());
  }

  @Test
  void aMissingFileOrCounterIsUnknown() {
    KernelTcpCounters c = KernelTcpCounters.parse(SNMP, null);
    assertEquals(-1, c.tcpTimeouts());
    assertEquals(-1, KernelTcpCounters.delta(10, -1));
    assertEquals(4, KernelTcpCounters.delta(14, 10));
  }
}
