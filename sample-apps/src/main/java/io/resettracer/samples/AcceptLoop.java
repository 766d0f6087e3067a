package io.resettracer.samples;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The peers' servers: accepts connections, each served on its own thread by whatever the peer does
 * with a connection.
 */
final class AcceptLoop {

  /** What a peer does with one accepted connection, on that connection's own thread. */
  interface ConnectionHandler {
    void serve(Socket connection) throws IOException;
  }

  private AcceptLoop() {}

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
}
