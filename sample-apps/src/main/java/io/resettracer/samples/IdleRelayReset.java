package io.resettracer.samples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pooled client behind a "load balancer" that forgets idle connections. The balancer is another
 * process (so the agent sees only the client, as in production): a loopback relay that silently
 * drops its state for a connection idle longer than its limit and answers that connection's next
 * packet with an RST, as an AWS NLB or NAT gateway does after 350 s (scaled down here to 2 s).
 * The client pools a few connections, uses them, pauses past the limit, and reuses them: the
 * request is written, and the reply read meets the reset.
 *
 * <p>{@code IdleRelayReset} runs the client; {@code IdleRelayReset balancer} runs the balancer.
 */
public final class IdleRelayReset {

  static final long RELAY_IDLE_LIMIT_MS = 2_000;
  static final int CONNECTIONS = 3;

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("balancer")) {
      runBalancer();
      return;
    }
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (Peer balancer = Peer.start(IdleRelayReset.class, "balancer")) {
      List<Socket> pool = new ArrayList<>();
      for (int i = 0; i < CONNECTIONS; i++) {
        Socket s = new Socket(loopback, balancer.port());
        request(s, "hello " + i);
        pool.add(s);
      }
      System.out.printf("pooled %d connections through a balancer with a %d ms idle limit; "
          + "pausing %d ms%n", CONNECTIONS, RELAY_IDLE_LIMIT_MS, RELAY_IDLE_LIMIT_MS + 1_000);
      Thread.sleep(RELAY_IDLE_LIMIT_MS + 1_000);
      int failed = 0;
      for (Socket s : pool) {
        try {
          request(s, "are you there?");
        } catch (IOException e) {
          failed++;
          System.out.println("application saw: " + e);
        } finally {
          s.close();
        }
      }
      System.out.printf("%d of %d pooled connections were reset on reuse%n", failed, CONNECTIONS);
    }
  }

  /** One request/response exchange: a line out, its echo back. */
  static void request(Socket s, String line) throws IOException {
    byte[] out = (line + "\n").getBytes();
    s.getOutputStream().write(out);
    InputStream in = s.getInputStream();
    for (int i = 0; i < out.length; i++) {
      if (in.read() < 0) {
        throw new IOException("connection closed by the server");
      }
    }
  }

  /** The balancer process: an echo backend behind an idle-dropping relay; prints its port. */
  static void runBalancer() throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    ServerSocket backend = new ServerSocket(0, 50, loopback);
    ServerSocket relay = new ServerSocket(0, 50, loopback);
    Peer.daemon("backend", () -> echoServer(backend)).start();
    Peer.announce(relay.getLocalPort());
    while (true) {
      Socket client = relay.accept();
      Socket upstream = new Socket(loopback, backend.getLocalPort());
      long[] lastActivity = {System.nanoTime()};
      Peer.daemon("relay-up", () -> forwardUnlessIdle(client, upstream, lastActivity)).start();
      Peer.daemon("relay-down", () -> copy(upstream, client, lastActivity)).start();
    }
  }

  /**
   * Client to backend. A packet arriving after the idle limit finds no state: like a NAT table entry
   * that expired, the relay answers with an RST instead of forwarding it.
   */
  static void forwardUnlessIdle(Socket client, Socket upstream, long[] lastActivity) {
    try {
      InputStream in = client.getInputStream();
      OutputStream out = upstream.getOutputStream();
      byte[] buf = new byte[8192];
      for (int n; (n = in.read(buf)) > 0; ) {
        if (System.nanoTime() - lastActivity[0] > RELAY_IDLE_LIMIT_MS * 1_000_000L) {
          Peer.abort(client);
          Peer.abort(upstream);
          return;
        }
        lastActivity[0] = System.nanoTime();
        out.write(buf, 0, n);
      }
    } catch (IOException e) {
      // the connection is gone
    }
  }

  static void echoServer(ServerSocket server) {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        Peer.daemon("echo", () -> copy(s, s, new long[1])).start();
      } catch (IOException e) {
        return;
      }
    }
  }

  static void copy(Socket from, Socket to, long[] lastActivity) {
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      byte[] buf = new byte[8192];
      for (int n; (n = in.read(buf)) > 0; ) {
        lastActivity[0] = System.nanoTime();
        out.write(buf, 0, n);
      }
    } catch (IOException e) {
      // the relay aborted the connection
    }
  }
}
