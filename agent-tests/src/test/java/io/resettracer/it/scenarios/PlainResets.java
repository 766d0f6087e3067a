package io.resettracer.it.scenarios;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * N client connections, each reset by its peer while the client waits for a reply. Uses no JFR API,
 * so it also runs on a runtime without the jdk.jfr module. Prints "APP-EXCEPTION ..." per reset.
 */
public final class PlainResets {

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1;
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (ServerSocket server = new ServerSocket(0, 50, loopback)) {
      for (int i = 0; i < n; i++) {
        try (Socket client = new Socket(loopback, server.getLocalPort()); Socket peer = server.accept()) {
          client.getOutputStream().write(new byte[10]);
          peer.getInputStream().readNBytes(10);
          peer.setSoLinger(true, 0);
          peer.close();
          try {
            client.getInputStream().read();
            System.out.println("APP-OK");
          } catch (IOException e) {
            System.out.println("APP-EXCEPTION " + e);
          }
        }
      }
    }
    System.out.println("DONE");
  }
}
