package io.resettracer.jmc;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A child JVM's whole life for the control recordings: a few exchanges with its own echo server on
 * loopback, then both sides close in order. Traffic, and no reset.
 */
public final class QuietMain {

  private QuietMain() {}

  public static void main(String[] args) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread echo = new Thread(() -> {
        try (Socket s = server.accept()) {
          s.getInputStream().transferTo(s.getOutputStream());
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, "echo");
      echo.start();
      try (Socket client = new Socket(server.getInetAddress(), server.getLocalPort())) {
        OutputStream out = client.getOutputStream();
        InputStream in = client.getInputStream();
        for (int i = 0; i < 3; i++) {
          out.write('x');
          out.flush();
          if (in.read() != 'x') {
            throw new IllegalStateException("echo broke");
          }
        }
        client.shutdownOutput();
        if (in.read() != -1) {
          throw new IllegalStateException("echo sent more");
        }
      }
      echo.join(10_000);
    }
    System.out.println("DONE");
  }
}
