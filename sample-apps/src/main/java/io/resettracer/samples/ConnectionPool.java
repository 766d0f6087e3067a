package io.resettracer.samples;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.LongSummaryStatistics;

/**
 * A client connection pool, as an HTTP or database client keeps one: connections are opened once
 * and reused after whatever pause the application's traffic leaves. A failed connection is closed
 * and replaced by a fresh one, which retries the request.
 *
 * <p>{@link #reuseStaggered} drives the pool the way real traffic does: one request at a time, each
 * connection coming due after its own idle gap, so that reuses are spread over time rather than all
 * at once.
 */
final class ConnectionPool implements AutoCloseable {

  /** One request on a connection; returns what came back, for the application's log. */
  interface Exchange {
    String run(Socket s, int requestNumber, IoProgress progress) throws IOException;
  }

  /** A pooled connection and when it was last used. */
  private static final class Pooled {
    final int id;
    Socket socket;
    long lastUsedNanos;

    Pooled(int id, Socket socket) {
      this.id = id;
      this.socket = socket;
    }
  }

  /** One reuse of a pooled connection: how idle it was and whether it failed. */
  record Reuse(int connection, long idleMillis, Throwable failure) {}

  private final InetSocketAddress target;
  private final Exchange exchange;
  private final List<Pooled> connections = new ArrayList<>();
  private final List<Reuse> reuses = new ArrayList<>();
  private int requests;

  ConnectionPool(InetSocketAddress target, Exchange exchange) {
    this.target = target;
    this.exchange = exchange;
  }

  /**
   * The client of a sample whose server limits its connections by something other than idle time:
   * starts {@code sample}'s server ({@code sample server}), opens one pooled connection per row of
   * {@code gapsMillis}, each requesting at its own pace (every gap below any idle limit), and says
   * how the reuses fared.
   */
  static void pacedAgainst(Class<?> sample, String limit, long[][] gapsMillis) throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (Peer server = Peer.start("web server", sample, "server")) {
      Report.say("the web server, %s, %s", server, limit);
      try (ConnectionPool pool = new ConnectionPool(
          new InetSocketAddress(loopback, server.port()),
          (s, n, progress) -> MiniHttp.get(s, "/items/" + n, progress).toString())) {
        pool.open(gapsMillis.length, 50);
        pool.reuseStaggered(gapsMillis);
        pool.summarize(1_000, "no idle limit in play");
      }
    }
  }

  /** Opens {@code count} connections, one first request each, {@code staggerMillis} apart. */
  void open(int count, long staggerMillis) throws IOException, InterruptedException {
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        Thread.sleep(staggerMillis);
      }
      Pooled c = new Pooled(i + 1, connect());
      connections.add(c);
      IoProgress progress = new IoProgress();
      String reply = exchange.run(c.socket, ++requests, progress);
      c.lastUsedNanos = System.nanoTime();
      Report.ok(who(c, -1), "new connection from port " + c.socket.getLocalPort() + ", " + reply);
    }
  }

  /**
   * Reuses connection {@code i} (0-based) after each idle gap in {@code gapsMillis[i]}, in order;
   * whichever connection comes due first goes next.
   */
  void reuseStaggered(long[][] gapsMillis) throws IOException, InterruptedException {
    int[] next = new int[connections.size()];
    while (true) {
      Pooled due = null;
      long dueAt = Long.MAX_VALUE;
      for (Pooled c : connections) {
        int i = c.id - 1;
        if (i < gapsMillis.length && next[i] < gapsMillis[i].length) {
          long at = c.lastUsedNanos + gapsMillis[i][next[i]] * 1_000_000L;
          if (at < dueAt) {
            dueAt = at;
            due = c;
          }
        }
      }
      if (due == null) {
        return;
      }
      next[due.id - 1]++;
      long wait = dueAt - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
      }
      reuse(due);
    }
  }

  private void reuse(Pooled c) throws IOException {
    long idle = Report.millisSince(c.lastUsedNanos);
    IoProgress progress = new IoProgress();
    try {
      String reply = exchange.run(c.socket, ++requests, progress);
      c.lastUsedNanos = System.nanoTime();
      reuses.add(new Reuse(c.id, idle, null));
      Report.ok(who(c, idle), reply);
    } catch (IOException e) {
      reuses.add(new Reuse(c.id, idle, e));
      Report.failed(who(c, idle), progress.operation, e);
      c.socket.close();
      // A pool replaces a dead connection and retries the request: the peer is still there.
      c.socket = connect();
      String reply = exchange.run(c.socket, requests, new IoProgress());
      c.lastUsedNanos = System.nanoTime();
      Report.ok(who(c, -1), "retried on a new connection from port " + c.socket.getLocalPort()
          + ", " + reply);
    }
  }

  /** Prints how the reuses fared below and above {@code limitMillis} of idle. */
  void summarize(long limitMillis, String limitName) {
    for (boolean above : new boolean[] {false, true}) {
      LongSummaryStatistics idle = new LongSummaryStatistics();
      int failed = 0;
      for (Reuse r : reuses) {
        if ((r.idleMillis() > limitMillis) == above) {
          idle.accept(r.idleMillis());
          failed += r.failure() == null ? 0 : 1;
        }
      }
      if (idle.getCount() > 0) {
        Report.say("reused after %s %d ms (%s): %d, failed %d (idle %d..%d ms)",
            above ? "more than" : "less than", limitMillis, limitName, idle.getCount(), failed,
            idle.getMin(), idle.getMax());
      }
    }
  }

  private Socket connect() throws IOException {
    return Peer.connect(target.getAddress(), target.getPort());
  }

  private static String who(Pooled c, long idleMillis) {
    return String.format(java.util.Locale.ROOT, "conn %d%s", c.id,
        idleMillis < 0 ? "" : String.format(java.util.Locale.ROOT, "  idle %4d ms", idleMillis));
  }

  @Override
  public void close() throws IOException {
    for (Pooled c : connections) {
      c.socket.close();
    }
  }
}
