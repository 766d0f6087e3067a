package io.resettracer.samples;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * CONNECTION_LIFETIME: a server ends every connection at a fixed age (nginx's
 * {@code keepalive_time}, a proxy's maximum connection duration, here 1.5 s): after the first reply
 * it serves past that age it closes the connection with a FIN, and the client's next request on it
 * reads end of stream. Each pooled connection runs at its own pace, so the failures come after
 * different numbers of exchanges, and always at about the same age.
 *
 * <p>{@code ConnectionLifetimeSample server} runs the server.
 */
public final class ConnectionLifetimeSample {

  static final long MAX_AGE_MS = 1_500;
  /** Per pooled connection: the gaps between its requests, all below any idle limit. */
  static final long[][] GAPS_MS = {
      repeat(150, 14),
      repeat(200, 11),
      repeat(250, 9),
      repeat(300, 8),
  };

  private ConnectionLifetimeSample() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("server")) {
      runServer();
      return;
    }
    Report.expect("CONNECTION_LIFETIME");
    ConnectionPool.pacedAgainst(ConnectionLifetimeSample.class,
        "ends each connection once it is " + MAX_AGE_MS + " ms old", GAPS_MS);
  }

  private static long[] repeat(long gap, int times) {
    long[] gaps = new long[times];
    java.util.Arrays.fill(gaps, gap);
    return gaps;
  }

  private static void runServer() throws Exception {
    ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    AcceptLoop.start("http", listener, ConnectionLifetimeSample::serveUntilOld);
    Peer.announce(listener.getLocalPort());
    Thread.currentThread().join();
  }

  /** Serves requests; after the first reply past {@link #MAX_AGE_MS}, closes: a FIN. */
  private static void serveUntilOld(Socket s) throws IOException {
    long opened = System.nanoTime();
    InputStream in = s.getInputStream();
    for (MiniHttp.Request r; (r = MiniHttp.readRequest(in)) != null; ) {
      in.readNBytes((int) r.contentLength());
      MiniHttp.respond(s, 200, "OK", r.method() + " " + r.path());
      if (Report.millisSince(opened) >= MAX_AGE_MS) {
        break;
      }
    }
    s.close();
  }
}
