package io.resettracer.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The peer registry's identity and bound. */
class PeerRegistryTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private static InetSocketAddress peer(int port) {
    return new InetSocketAddress(LOOPBACK, port);
  }

  @Test
  void aPeerIsOneRecordAcrossItsConnections() {
    PeerRegistry r = new PeerRegistry(8);
    PeerStats first = r.of(peer(80), 1);
    first.connects++;
    PeerStats again = r.of(peer(80), 2);
    assertSame(first, again);
    again.connects++;
    assertEquals(2, r.connects(LOOPBACK.getHostAddress(), 80));
    assertEquals(0, r.connects(LOOPBACK.getHostAddress(), 81));
    assertNull(r.of(null, 3));
    assertNull(r.of(InetSocketAddress.createUnresolved("example.invalid", 80), 4));
  }

  @Test
  void pastItsBoundTheLeastRecentlyUsedPeerIsForgotten() {
    PeerRegistry r = new PeerRegistry(3);
    r.of(peer(1), 10).connects++;
    r.of(peer(2), 20).connects++;
    r.of(peer(3), 30).connects++;
    r.of(peer(1), 40).connects++; // used again: now the most recent
    r.of(peer(4), 50).connects++;
    String host = LOOPBACK.getHostAddress();
    assertEquals(0, r.connects(host, 2), "the least recently used peer is forgotten");
    assertEquals(2, r.connects(host, 1));
    assertEquals(1, r.connects(host, 3));
    assertEquals(1, r.connects(host, 4), "the new peer is kept even though it is the newest");
  }

  @Test
  void anEqualAddressObjectFindsTheSameRecord() throws Exception {
    PeerRegistry r = new PeerRegistry(8);
    PeerStats p = r.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 80), 1);
    // A new address object per connect (the application resolved again): still the same peer.
    assertSame(p, r.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 80), 2));
    assertNotSame(p, r.of(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 80), 3));
    assertNotSame(p, r.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 81), 4));
  }

  @Test
  void peersSharingACacheSlotKeepTheirOwnRecords() {
    PeerRegistry r = new PeerRegistry(1_000);
    // More peers than the cache has slots: some share one, and each must still get its own record.
    for (int round = 0; round < 3; round++) {
      for (int port = 1; port <= 3 * PeerRegistry.RECENT_SLOTS; port++) {
        r.of(peer(port), round).connects++;
      }
    }
    String host = LOOPBACK.getHostAddress();
    for (int port = 1; port <= 3 * PeerRegistry.RECENT_SLOTS; port++) {
      assertEquals(3, r.connects(host, port), "peer " + port);
    }
  }

  @Test
  void aForgottenPeerIsNotHandedOutAgainFromTheCache() {
    PeerRegistry r = new PeerRegistry(1);
    PeerStats first = r.of(peer(1), 10);
    r.of(peer(2), 20); // takes the registry past its bound: peer 1 is forgotten
    PeerStats again = r.of(peer(1), 30);
    assertNotSame(first, again, "a new record, the one the registry holds");
    again.connects++;
    assertEquals(1, r.connects(LOOPBACK.getHostAddress(), 1));
  }

  @Test
  void aForgottenPeerPutBackIntoTheCacheByARacingConnectIsNotUsed() {
    PeerRegistry r = new PeerRegistry(1);
    PeerStats first = r.of(peer(1), 10);
    r.of(peer(2), 20); // peer 1 is forgotten
    // A connect that found peer 1 just before the eviction writes it back into its slot after it.
    r.recent[PeerRegistry.slot(LOOPBACK, 1)] = first;
    PeerStats again = r.of(peer(1), 30);
    assertNotSame(first, again, "the record the registry holds, not the forgotten one");
    assertSame(again, r.of(peer(1), 40));
  }
}
