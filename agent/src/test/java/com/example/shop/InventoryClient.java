package com.example.shop;

import io.resettracer.emit.SyntheticEvents;
import java.util.Locale;

/**
 * An application as the report sees it: two call sites whose resets are committed below them, so
 * that a recording's stacks hold application frames under the agent's.
 */
public final class InventoryClient {

  private InventoryClient() {}

  /** A pooled GET whose reply read was reset after {@code idleNanos} of idle. */
  public static void fetchStock(String address, int port, long idleNanos, long survivedNanos) {
    String peer = address + ":" + port;
    SyntheticEvents.reset(address, port, "read", "reset", idleNanos, "IDLE_TIMEOUT", 0.9f,
        String.format(Locale.ROOT, "RST with no FIN before it on a reused connection (17 "
            + "exchanges) after %.1f s idle (threshold 1.0 s); failures after 350.4–352.0 s idle "
            + "on 12 connections to %s, none below: the longest idle a connection to it survived "
            + "is %.1f s; idle just above the AWS NAT Gateway / NLB / Network Firewall (350 s) "
            + "limit", idleNanos / 1e9, peer, survivedNanos / 1e9),
        "keep connections to " + peer + " idle below the hop's limit (likely AWS NAT Gateway / "
            + "NLB / Network Firewall (350 s)): set the pool's max idle to ≤ 315 s, or enable TCP "
            + "keepalive with TCP_KEEPIDLE below it (jdk.net.ExtendedSocketOptions), or raise the "
            + "hop's idle timeout above the longest pause");
  }

  /** An order POST whose body write met a peer that had gone away. */
  public static void placeOrder(String address, int port) {
    SyntheticEvents.reset(address, port, "write", "broken-pipe", 0, "PEER_CRASH", 0.7f,
        "4 connections to " + address + ":" + port + " cut within 3 ms, then connects refused",
        "find why " + address + ":" + port + " went away: its logs, OOM kills, restarts");
  }
}
