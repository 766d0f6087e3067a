package io.resettracer.it.scenarios;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A TLS handshake that is reset: a server (a proxy refusing the client's SNI or protocol version)
 * reads the ClientHello and answers with an RST, every time. Prints {@code HANDSHAKE-RESET} when the client's
 * {@code startHandshake} failed so, then the recording's events as {@link ScenarioMain} does.
 */
public final class TlsMain {

  /** The client tries again, as clients do; the proxy refuses every one. */
  public static final int ATTEMPTS = 3;

  public static void main(String[] args) throws Exception {
    java.nio.file.Path jfrFile = java.nio.file.Path.of(args[0]);
    try (jdk.jfr.Recording recording = new jdk.jfr.Recording();
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      recording.enable(ScenarioMain.EVENT);
      recording.start();
      Thread refuser = new Thread(() -> {
        for (int i = 0; i < ATTEMPTS + 2; i++) {
          try (Socket s = server.accept()) {
            InputStream in = s.getInputStream();
            byte[] hello = new byte[5];
            int n = 0;
            while (n < hello.length && (n += Math.max(0, in.read(hello, n, hello.length - n))) < 5) {
              // the record header of the ClientHello
            }
            s.setSoLinger(true, 0);
          } catch (Exception e) {
            // the client went away
          }
        }
      }, "refusing-proxy");
      refuser.start();
      for (int i = 0; i < ATTEMPTS; i++) {
        try (SSLSocket c = (SSLSocket) SSLSocketFactory.getDefault()
            .createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
          c.startHandshake();
          System.out.println("HANDSHAKE-DONE");
        } catch (SocketException e) {
          System.out.println("HANDSHAKE-RESET " + e.getMessage());
        } catch (javax.net.ssl.SSLException e) {
          System.out.println("HANDSHAKE-FAILED " + e);
        }
      }
      int port = server.getLocalPort();
      engineOverChannel(port);
      httpClient(port);
      refuser.join(10_000);
      recording.stop();
      recording.dump(jfrFile);
    }
    ScenarioMain.printEventsAndEnd(jfrFile);
  }

  /** An application's own SSLEngine over a blocking SocketChannel: its ClientHello, then a read. */
  private static void engineOverChannel(int port) throws Exception {
    javax.net.ssl.SSLEngine engine =
        javax.net.ssl.SSLContext.getDefault().createSSLEngine("localhost", port);
    engine.setUseClientMode(true);
    try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(
        new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
      engine.beginHandshake();
      java.nio.ByteBuffer net =
          java.nio.ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
      engine.wrap(java.nio.ByteBuffer.allocate(0), net);
      net.flip();
      while (net.hasRemaining()) {
        ch.write(net);
      }
      int n = ch.read(java.nio.ByteBuffer.allocate(engine.getSession().getPacketBufferSize()));
      System.out.println("ENGINE-READ " + n);
    } catch (SocketException e) {
      System.out.println("ENGINE-HANDSHAKE-RESET " + e.getMessage());
    }
  }

  /** The JDK HttpClient, TLS over its own channels and engine. */
  private static void httpClient(int port) throws Exception {
    java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
        .version(java.net.http.HttpClient.Version.HTTP_1_1)
        .connectTimeout(java.time.Duration.ofSeconds(5)).build();
    try {
      client.send(java.net.http.HttpRequest.newBuilder(
              java.net.URI.create("https://localhost:" + port + "/"))
              .timeout(java.time.Duration.ofSeconds(5)).build(),
          java.net.http.HttpResponse.BodyHandlers.discarding());
      System.out.println("HTTPCLIENT-DONE");
    } catch (java.io.IOException e) {
      System.out.println("HTTPCLIENT-FAILED " + e);
    }
  }
}
