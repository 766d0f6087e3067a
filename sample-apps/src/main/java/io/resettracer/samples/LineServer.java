package io.resettracer.samples;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;

/** A thread-per-connection server for the peers; what it does with a connection is the peer's. */
final class LineServer {

  /** What a peer does with one accepted connection, on that connection's own thread. */
  interface ConnectionHandler {
    void serve(Socket connection) throws IOException;
  }

  private LineServer() {}

  /** Accepts on a daemon thread until the listener closes. */
  static void start(String name, ServerSocket listener, ConnectionHandler handler) {
    Peer.daemon(name + "-accept", () -> {
      while (!listener.isClosed()) {
        Socket s;
        try {
          s = listener.accept();
        } catch (IOException e) {
          return;
        }
        Peer.daemon(name, () -> {
          try {
            handler.serve(s);
          } catch (IOException e) {
            // the connection is gone; the client's side is what the sample is about
          }
        }).start();
      }
    }).start();
  }

  /** Answers every line with "ok &lt;line&gt;" until the client closes. */
  static void echo(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    for (String line; (line = LineProtocol.readLine(in)) != null; ) {
      LineProtocol.writeLine(s, "ok " + line);
    }
    s.close();
  }
}
