package io.resettracer.samples;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * RESOURCE_EXHAUSTION: a server at capacity sheds new connections. Its one worker slot is taken by
 * the client's first connection; each new connection beyond it is accepted, and as soon as its
 * request arrives, reset (SO_LINGER 0) unread, as an overloaded proxy or a server out of workers
 * does. The client sees brand-new connections (connect ok, write ok) whose first read gets
 * "Connection reset" with nothing ever read, several at once to one endpoint, while its older
 * connection there keeps working.
 *
 * <p>Linux's own form of this, an accept queue overflowing with {@code tcp_abort_on_overflow=1},
 * did not reset anything on this project's test machines (kernel 6.18: the overflowing handshakes
 * were dropped and retried instead), so the sample sheds load in the server, where it is
 * deterministic. {@code ResourceExhaustionSample server} runs the server.
 */
public final class ResourceExhaustionSample {

  static final int SERVER_CAPACITY = 1;
  static final int NEW_CONNECTIONS = 5;
  /** How long the server waits for a shed connection's request before resetting it anyway. */
  static final int REQUEST_WAIT_MS = 1_000;

  private ResourceExhaustionSample() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("server")) {
      runServer();
      return;
    }
    Report.expect("RESOURCE_EXHAUSTION");
    Report.say("mechanism: a server at capacity resets new connections (SO_LINGER 0)");
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (Peer server = Peer.start("server", ResourceExhaustionSample.class, "server");
        Socket old = Peer.connect(loopback, server.port())) {
      Report.say("the server, %s, has %d worker slot(s)", server, SERVER_CAPACITY);
      Report.ok("old conn", "from port " + old.getLocalPort() + ", "
          + LineProtocol.exchange(old, "hello"));
      List<Socket> fresh = new ArrayList<>();
      for (int i = 1; i <= NEW_CONNECTIONS; i++) {
        Socket s = Peer.connect(loopback, server.port());
        LineProtocol.writeLine(s, "request " + i);
        fresh.add(s);
        Report.ok("new conn " + i, "connected from port " + s.getLocalPort()
            + ", request written");
      }
      for (int i = 1; i <= fresh.size(); i++) {
        try (Socket s = fresh.get(i - 1)) {
          String reply = LineProtocol.readLine(s.getInputStream());
          Report.ok("new conn " + i, "reply " + reply);
        } catch (IOException e) {
          Report.failed("new conn " + i, "read", e);
        }
      }
      Report.ok("old conn", "still working: " + LineProtocol.exchange(old, "still there?"));
      Report.ok("afterwards", LineProtocol.keepBusy(List.of(old), LineProtocol.AFTER_BURST_MS)
          + " more requests on the old connection");
    }
  }

  private static void runServer() throws Exception {
    ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    AtomicInteger busy = new AtomicInteger();
    AcceptLoop.start("server", listener, s -> {
      if (busy.incrementAndGet() > SERVER_CAPACITY) {
        busy.decrementAndGet();
        shed(s);
        return;
      }
      try {
        LineProtocol.echo(s);
      } finally {
        busy.decrementAndGet();
      }
    });
    Peer.announce(listener.getLocalPort());
    Thread.currentThread().join();
  }

  /** Waits until the request is there, unread, and resets: the client's write has succeeded. */
  private static void shed(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    long deadline = System.nanoTime() + REQUEST_WAIT_MS * 1_000_000L;
    while (in.available() == 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    Peer.abort(s);
  }
}
