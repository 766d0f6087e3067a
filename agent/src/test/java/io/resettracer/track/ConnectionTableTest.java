package io.resettracer.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.resettracer.model.Role;
import io.resettracer.model.Transport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionTableTest {

  private static ConnectionState put(ConnectionTable t, Object key) {
    return t.putIfAbsent(
        key, new ConnectionState(Transport.SOCKET, Role.CLIENT, true, 0, true, null, null, 0));
  }

  @Test
  void findsByIdentityAcrossGrowth() {
    ConnectionTable t = new ConnectionTable(100_000);
    List<Object> keys = new ArrayList<>();
    List<ConnectionState> states = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      Object k = new Object();
      keys.add(k);
      ConnectionState s = put(t, k);
      states.add(s);
      assertSame(s, t.get(k));
    }
    for (int i = 0; i < keys.size(); i++) {
      assertSame(states.get(i), t.get(keys.get(i)));
    }
    assertEquals(5_000, t.size());
    assertNull(t.get(new Object()));
  }

  @Test
  void putIfAbsentNeverMakesASecondState() {
    ConnectionTable t = new ConnectionTable(10);
    Object k = new Object();
    ConnectionState first = put(t, k);
    assertSame(first, put(t, k));
    assertEquals(1, t.size());
  }

  @Test
  void closedConnectionsLeaveAtOnceAndMakeRoom() {
    ConnectionTable t = new ConnectionTable(2);
    Object a = new Object();
    Object b = new Object();
    put(t, a);
    ConnectionState stateOfB = put(t, b);
    t.remove(a);
    assertNull(t.get(a));
    assertSame(stateOfB, t.get(b));
    assertEquals(1, t.size());
    assertNotNull(put(t, new Object()), "the closed connection's slot is free again");
    t.remove(new Object()); // never tracked: nothing happens
    assertEquals(2, t.size());
    assertEquals(0, t.refused());
  }

  @Test
  void refusesBeyondItsBoundAndCounts() {
    ConnectionTable t = new ConnectionTable(2);
    for (int i = 0; i < 3; i++) {
      Object k = new Object();
      put(t, k);
    }
    assertEquals(2, t.size());
    assertEquals(1, t.refused());
  }

  @Test
  void forgetsConnectionsThatWereCollected() throws Exception {
    ConnectionTable t = new ConnectionTable(1_000_000);
    for (int i = 0; i < 1_000; i++) {
      Object k = new Object();
      put(t, k);
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
