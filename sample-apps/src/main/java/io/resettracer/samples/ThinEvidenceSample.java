package io.resettracer.samples;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * UNKNOWN: one reset, on a young connection that was busy a moment before. The server answers
 * three quick requests and aborts the connection (SO_LINGER 0) on the fourth, at once: no idle
 * time, no payload, no burst, no refusals. Nothing points at a cause, and the honest verdict is
 * that the evidence is too thin to name one.
 *
 * <p>{@code ThinEvidenceSample server} runs the server.
 */
public final class ThinEvidenceSample {

  static final int ANSWERED = 3;

  private ThinEvidenceSample() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("server")) {
      runServer();
      return;
    }
    Report.expect("UNKNOWN");
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (Peer server = Peer.start("server", ThinEvidenceSample.class, "server");
        Socket s = Peer.connect(loopback, server.port())) {
      Report.say("the server, %s, resets the connection on request %d", server, ANSWERED + 1);
      for (int i = 1; i <= ANSWERED + 1; i++) {
        IoProgress progress = new IoProgress();
        try {
          Report.ok("request " + i, LineProtocol.exchange(s, "request " + i, progress));
        } catch (IOException e) {
          Report.failed("request " + i, progress.operation, e);
          break;
        }
      }
    }
  }

  private static void runServer() throws Exception {
    ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    AcceptLoop.start("server", listener, s -> {
      InputStream in = s.getInputStream();
      for (int i = 1; LineProtocol.readLine(in) != null; i++) {
        if (i > ANSWERED) {
          Peer.abort(s);
          return;
        }
        LineProtocol.writeLine(s, "ok " + i);
      }
    });
    Peer.announce(listener.getLocalPort());
    Thread.currentThread().join();
  }
}
