package io.resettracer.samples;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * KEEPALIVE_MISMATCH: a web server closes connections idle longer than its 1 s keep-alive (Apache's
 * is 5 s, Node's 5 s), cleanly, with a FIN; the client's pool keeps them longer and reuses them.
 * Below the keep-alive the reuse works. Above it the request goes into a connection the server has
 * already closed: a GET, written in one piece, is answered by end of stream on the reply read (no
 * exception from the socket: the pool sees no reply and drops the connection); a POST, whose body
 * follows its head in a second write, meets the server's RST on that write ("Broken pipe").
 *
 * <p>{@code KeepaliveMismatchSample server} runs the web server.
 */
public final class KeepaliveMismatchSample {

  static final int SERVER_KEEPALIVE_MS = 1_000;
  /** Idle gaps per pooled connection: at most 700 ms (reuse works) or at least 1300 ms (stale). */
  static final long[][] IDLE_GAPS_MS = {
      {600, 1_400, 500},
      {600, 1_300},
      {1_500, 400, 700},
      {200, 1_600},
      {700, 1_300, 300},
      {1_700, 500},
  };
  /** Every fourth request is an upload; the rest are GETs. */
  static final int POST_EVERY = 4;

  private KeepaliveMismatchSample() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("server")) {
      runServer();
      return;
    }
    Report.expect("KEEPALIVE_MISMATCH");
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (Peer server = Peer.start("web server", KeepaliveMismatchSample.class, "server")) {
      Report.say("the web server, %s, closes connections idle for %d ms (keep-alive)", server,
          SERVER_KEEPALIVE_MS);
      try (ConnectionPool pool = new ConnectionPool(
          new InetSocketAddress(loopback, server.port()),
          (s, n, progress) -> (n % POST_EVERY == 0
              ? MiniHttp.post(s, "/orders/" + n, 300, progress)
              : MiniHttp.get(s, "/items/" + n, progress)).toString())) {
        pool.open(IDLE_GAPS_MS.length, 100);
        pool.reuseStaggered(IDLE_GAPS_MS);
        pool.summarize(SERVER_KEEPALIVE_MS, "the server's keep-alive");
      }
    }
  }

  private static void runServer() throws Exception {
    ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    AcceptLoop.start("http", listener, KeepaliveMismatchSample::serveKeepAlive);
    Peer.announce(listener.getLocalPort());
    Thread.currentThread().join();
  }

  /** Serves requests until one fails to arrive within the keep-alive, then closes: a FIN. */
  private static void serveKeepAlive(Socket s) throws IOException {
    s.setSoTimeout(SERVER_KEEPALIVE_MS);
    InputStream in = s.getInputStream();
    try {
      for (MiniHttp.Request r; (r = MiniHttp.readRequest(in)) != null; ) {
        in.readNBytes((int) r.contentLength());
        MiniHttp.respond(s, 200, "OK", r.method() + " " + r.path(),
            "Keep-Alive: timeout=" + SERVER_KEEPALIVE_MS / 1000);
      }
    } catch (SocketTimeoutException idle) {
      // the keep-alive expired
    }
    s.close();
  }
}
