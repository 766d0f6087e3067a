package io.resettracer.samples;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * REQUEST_LIMIT: a server ends every connection after a fixed number of requests (nginx's
 * {@code keepalive_requests}, Apache's {@code MaxKeepAliveRequests}, here 4), closing it with a FIN
 * after the last reply; a client that keeps using the connection (one that does not heed, or does
 * not get, {@code Connection: close}) sends its next request into a closed connection and reads end
 * of stream. Each pooled connection runs at its own pace, so the failures come at different ages
 * and idles, and always after the same number of exchanges.
 *
 * <p>{@code RequestLimitSample server} runs the server.
 */
public final class RequestLimitSample {

  static final int MAX_REQUESTS = 4;
  /** Per pooled connection: the gaps between its requests, all below any idle limit. */
  static final long[][] GAPS_MS = {
      {120, 120, 120, 120, 120, 120},
      {170, 170, 170, 170, 170, 170},
      {220, 220, 220, 220, 220, 220},
      {270, 270, 270, 270, 270, 270},
  };

  private RequestLimitSample() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("server")) {
      runServer();
      return;
    }
    Report.expect("REQUEST_LIMIT");
    ConnectionPool.pacedAgainst(RequestLimitSample.class,
        "ends each connection after " + MAX_REQUESTS + " requests", GAPS_MS);
  }

  private static void runServer() throws Exception {
    ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    AcceptLoop.start("http", listener, RequestLimitSample::serveSome);
    Peer.announce(listener.getLocalPort());
    Thread.currentThread().join();
  }

  /** Serves {@link #MAX_REQUESTS} requests, then closes after the last reply: a FIN. */
  private static void serveSome(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    int served = 0;
    for (MiniHttp.Request r; served < MAX_REQUESTS && (r = MiniHttp.readRequest(in)) != null; ) {
      in.readNBytes((int) r.contentLength());
      MiniHttp.respond(s, 200, "OK", r.method() + " " + r.path());
      served++;
    }
    s.close();
  }
}
