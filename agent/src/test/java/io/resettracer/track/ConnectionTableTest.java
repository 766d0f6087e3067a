package io.resettracer.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionTableTest {

  private static ConnectionState state(ConnectionTable t, Object key, int hash) {
    return new ConnectionState(key, t.queue(), hash, Transport.SOCKET, Role.CLIENT, true, 0, true,
        null, null);
  }

  @Test
  void findsByIdentityAcrossGrowth() {
    ConnectionTable t = new ConnectionTable(100_000);
    List<Object> keys = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      Object k = new Object();
      keys.add(k);
      ConnectionState s = t.computeIfAbsent(k, h -> state(t, k, h));
      assertSame(s, t.get(k));
    }
    for (Object k : keys) {
      assertNotNull(t.get(k));
      assertSame(k, t.get(k).get());
    }
    assertEquals(5_000, t.size());
    assertNull(t.get(new Object()));
  }

  @Test
  void computeIfAbsentNeverMakesASecondState() {
    ConnectionTable t = new ConnectionTable(10);
    Object k = new Object();
    ConnectionState first = t.computeIfAbsent(k, h -> state(t, k, h));
    assertSame(first, t.computeIfAbsent(k, h -> state(t, k, h)));
    assertEquals(1, t.size());
  }

  @Test
  void refusesBeyondItsBoundAndCounts() {
    ConnectionTable t = new ConnectionTable(2);
    for (int i = 0; i < 3; i++) {
      Object k = new Object();
      t.computeIfAbsent(k, h -> state(t, k, h));
    }
    assertEquals(2, t.size());
    assertEquals(1, t.refused());
  }

  @Test
  void forgetsConnectionsThatWereCollected() throws Exception {
    ConnectionTable t = new ConnectionTable(1_000_000);
    for (int i = 0; i < 1_000; i++) {
      Object k = new Object();
      t.computeIfAbsent(k, h -> state(t, k, h));
    }
    // No strong reference is left: a socket the application never closed must still go.
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (t.size() > 0 && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(20);
    }
    assertEquals(0, t.size());
  }
}
