package io.resettracer.samples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A middlebox between the client and a backend: a load balancer, NAT or firewall. It forwards each
 * accepted connection to its backend, keeps per-flow state, and when it loses that state it answers
 * the client with an RST and no FIN, as such devices do: after an idle limit ({@code
 * idleLimitMillis > 0}), or for every flow at once when its policy changes ({@link #resetAll}).
 */
final class Relay {

  /** One forwarded connection and when a byte last crossed it, in either direction. */
  private static final class Flow {
    final Socket client;
    final Socket upstream;
    volatile long lastActivityNanos = System.nanoTime();

    Flow(Socket client, Socket upstream) {
      this.client = client;
      this.upstream = upstream;
    }

    void drop() {
      Peer.abort(client);
      Peer.abort(upstream);
    }
  }

  private final InetSocketAddress backend;
  private final long idleLimitNanos;
  private final Set<Flow> flows = ConcurrentHashMap.newKeySet();

  Relay(InetSocketAddress backend, long idleLimitMillis) {
    this.backend = backend;
    this.idleLimitNanos = idleLimitMillis * 1_000_000L;
  }

  /** Forwards every connection {@code listener} accepts, on daemon threads. */
  void serve(ServerSocket listener) {
    AcceptLoop.start("relay", listener, client -> {
      Socket upstream = new Socket(backend.getAddress(), backend.getPort());
      Flow flow = new Flow(client, upstream);
      flows.add(flow);
      Peer.daemon("relay-down", () -> forward(flow, upstream, client, false)).start();
      forward(flow, client, upstream, true);
    });
  }

  /** The policy changed: every flow's state is gone, and each client gets an RST at once. */
  int resetAll() {
    int n = 0;
    for (Flow f : flows) {
      f.drop();
      n++;
    }
    flows.clear();
    return n;
  }

  private void forward(Flow flow, Socket from, Socket to, boolean fromClient) {
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      byte[] buf = new byte[8192];
      for (int n; (n = in.read(buf)) > 0; ) {
        long now = System.nanoTime();
        if (fromClient && idleLimitNanos > 0 && now - flow.lastActivityNanos > idleLimitNanos) {
          // Like an expired NAT entry: the packet finds no state, and the answer is an RST.
          flows.remove(flow);
          flow.drop();
          return;
        }
        flow.lastActivityNanos = now;
        out.write(buf, 0, n);
      }
    } catch (IOException e) {
      // the flow was dropped
    }
    flows.remove(flow);
    flow.drop();
  }
}
