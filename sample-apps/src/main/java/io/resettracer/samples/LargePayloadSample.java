package io.resettracer.samples;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * LARGE_PAYLOAD: a web server with a 1 MiB body limit (nginx's {@code client_max_body_size}
 * default). After a small request, the client uploads 8 MiB; the server reads the head, sees the
 * size, answers 413 and closes with the body unread. The client is still writing: its write fails
 * ("Broken pipe" or "Connection reset by peer") with megabytes written since its last read, at
 * about the same offset on each of three connections, because what decides it is the socket buffers
 * between the two, not the limit.
 *
 * <p>{@code LargePayloadSample server} runs the web server.
 */
public final class LargePayloadSample {

  static final long SERVER_BODY_LIMIT = 1024 * 1024;
  static final long UPLOAD_BYTES = 8 * 1024 * 1024;
  static final int UPLOADS = 3;
  /**
   * The server's worker gets to a request's head this late, as a loaded one does; meanwhile the
   * body fills the socket buffers, so every upload fails at about the same offset.
   */
  static final long WORKER_DELAY_MS = 200;

  private LargePayloadSample() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("server")) {
      runServer();
      return;
    }
    Report.expect("LARGE_PAYLOAD");
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (Peer server = Peer.start("web server", LargePayloadSample.class, "server")) {
      Report.say("the web server, %s, refuses bodies over %d B", server, SERVER_BODY_LIMIT);
      for (int i = 1; i <= UPLOADS; i++) {
        try (Socket s = Peer.connect(loopback, server.port())) {
          String who = "upload " + i;
          Report.ok(who, "new connection from port " + s.getLocalPort() + ", GET /status: "
              + MiniHttp.get(s, "/status", new IoProgress()));
          IoProgress progress = new IoProgress();
          try {
            Report.ok(who, "POST " + UPLOAD_BYTES + " B: "
                + MiniHttp.post(s, "/upload", UPLOAD_BYTES, progress));
          } catch (IOException e) {
            Report.failed(who, progress.operation, e);
            Report.say("%s  %d B of the request written when it failed; the reply: %s", who,
                progress.writtenSinceRead, leftoverReply(s));
          }
        }
      }
    }
  }

  /** What the server said before it closed, if the socket still lets it be read. */
  private static String leftoverReply(Socket s) {
    try {
      byte[] b = s.getInputStream().readNBytes(64);
      return b.length == 0 ? "none (end of stream)"
          : "\"" + new String(b, StandardCharsets.US_ASCII).split("\r\n")[0] + "\"";
    } catch (IOException e) {
      return "unreadable (" + e.getMessage() + ")";
    }
  }

  private static void runServer() throws Exception {
    ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    AcceptLoop.start("http", listener, LargePayloadSample::serveWithBodyLimit);
    Peer.announce(listener.getLocalPort());
    Thread.currentThread().join();
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void serveWithBodyLimit(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    for (MiniHttp.Request r; (r = MiniHttp.readRequest(in)) != null; ) {
      if (r.contentLength() > SERVER_BODY_LIMIT) {
        pause(WORKER_DELAY_MS);
        MiniHttp.respond(s, 413, "Content Too Large",
            "body of " + r.contentLength() + " B over the limit of " + SERVER_BODY_LIMIT + " B",
            "Connection: close");
        s.close(); // the body stays unread: the kernel resets the connection
        return;
      }
      in.readNBytes((int) r.contentLength());
      MiniHttp.respond(s, 200, "OK", "limit " + SERVER_BODY_LIMIT + " B");
    }
    s.close();
  }
}
