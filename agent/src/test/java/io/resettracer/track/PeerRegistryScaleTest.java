package io.resettracer.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The peer memory at many more peers than it keeps: bounded, and a peer in use survives. */
class PeerRegistryScaleTest {

  private static InetSocketAddress peer(int n) throws Exception {
    return new InetSocketAddress(
        InetAddress.getByAddress(new byte[] {10, (byte) (n >> 16), (byte) (n >> 8), (byte) n}), 443);
  }

  @Test
  void fiftyThousandPeersStayWithinTheBound() throws Exception {
    PeerRegistry r = new PeerRegistry(4096);
    InetSocketAddress busy = peer(0);
    for (int n = 1; n <= 50_000; n++) {
      r.of(peer(n), n).connects++;
      if (n % 64 == 0) {
        r.of(busy, n).connects++; // a peer in steady use among thousands passing through
      }
      assertTrue(r.size() <= 4096, "bound held at " + n + " peers: " + r.size());
    }
    assertEquals(4096, r.size());
    assertTrue(r.connects(busy.getAddress().getHostAddress(), 443) > 700,
        "the peer in use kept its record: " + r.connects(busy.getAddress().getHostAddress(), 443));
  }
}
