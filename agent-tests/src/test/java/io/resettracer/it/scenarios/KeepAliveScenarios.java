package io.resettracer.it.scenarios;

import static io.resettracer.it.scenarios.Scenarios.LOOPBACK;
import static io.resettracer.it.scenarios.Scenarios.appException;
import static io.resettracer.it.scenarios.Scenarios.fact;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * A server whose keep-alive (1 s, closed with FIN) is shorter than the client pool's idle time, and
 * a real HTTP client: a request, a reuse after 300 ms (survives), and a reuse after 1.6 s. The
 * pooled connection is stale by then: the client writes its request and reads end of stream, then
 * retries on a new connection, and the application sees 200 every time.
 */
final class KeepAliveScenarios {

  static final long SERVER_KEEPALIVE_MS = 1_000;
  static final long STALE_IDLE_MS = 1_600;

  private KeepAliveScenarios() {}

  interface Client extends AutoCloseable {
    String get(String url) throws Exception;
  }

  static void run(String client) throws Exception {
    // A server that drops idle connections with an RST (as a middlebox does) waits a little longer,
    // so the client's idle at the reset clears the classifier's pause threshold.
    boolean rst = client.endsWith("-rst");
    try (KeepAliveServer server = new KeepAliveServer(rst ? 1_300 : SERVER_KEEPALIVE_MS, rst)) {
      String url = "http://127.0.0.1:" + server.port() + "/";
      fact("serverPort", server.port());
      fact("idleMs", STALE_IDLE_MS);
      try (Client c = client(client)) {
        request(c, url);
        Thread.sleep(300);
        request(c, url);
        Thread.sleep(STALE_IDLE_MS);
        request(c, url);
      }
      fact("connectionsAccepted", server.accepted.get());
    }
  }

  private static void request(Client c, String url) {
    try {
      String body = c.get(url);
      System.out.println(body.equals("ok") ? "APP-OK" : "APP-BODY " + body);
    } catch (Throwable t) {
      appException(t);
    }
  }

  private static Client client(String name) {
    switch (name) {
      case "keepalive-apache":
        CloseableHttpClient apache = HttpClients.createDefault();
        return new Client() {
          public String get(String url) throws Exception {
            return apache.execute(new HttpGet(url), r -> EntityUtils.toString(r.getEntity()));
          }

          public void close() throws IOException {
            apache.close();
          }
        };
      case "keepalive-okhttp":
        okhttp3.OkHttpClient ok = new okhttp3.OkHttpClient();
        return new Client() {
          public String get(String url) throws Exception {
            try (okhttp3.Response r = ok.newCall(new okhttp3.Request.Builder().url(url).build()).execute()) {
              return r.body().string();
            }
          }

          public void close() {
            ok.dispatcher().executorService().shutdown();
            ok.connectionPool().evictAll();
          }
        };
      case "reactor-netty-fin":
      case "reactor-netty-rst":
        reactor.netty.http.client.HttpClient reactorClient = reactor.netty.http.client.HttpClient.create();
        return new Client() {
          public String get(String url) {
            return reactorClient.get().uri(url).responseContent().aggregate().asString()
                .block(java.time.Duration.ofSeconds(10));
          }

          public void close() {
            reactor.netty.http.HttpResources.disposeLoopsAndConnections();
          }
        };
      case "keepalive-jdk":
        HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return new Client() {
          public String get(String url) throws Exception {
            return jdk.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
          }

          public void close() {}
        };
      case "keepalive-url-connection":
        return new Client() {
          public String get(String url) throws Exception {
            HttpURLConnection h = (HttpURLConnection) URI.create(url).toURL().openConnection();
            try (InputStream in = h.getInputStream()) {
              return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
          }

          public void close() {}
        };
      default:
        throw new IllegalArgumentException(name);
    }
  }

  /**
   * HTTP/1.1 with keep-alive, closing any connection idle for {@code keepAliveMs}: with a FIN, or
   * with an RST when {@code reset} (SO_LINGER 0).
   */
  static final class KeepAliveServer implements AutoCloseable {
    final ServerSocket server;
    final AtomicInteger accepted = new AtomicInteger();
    private final Thread acceptor;
    private final long keepAliveMs;
    private final boolean reset;

    KeepAliveServer(long keepAliveMs, boolean reset) throws IOException {
      this.keepAliveMs = keepAliveMs;
      this.reset = reset;
      server = new ServerSocket(0, 50, LOOPBACK);
      acceptor = new Thread(this::accept, "keepalive-server");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return server.getLocalPort();
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          accepted.incrementAndGet();
          Thread t = new Thread(() -> serve(s, keepAliveMs, reset), "keepalive-connection");
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return;
        }
      }
    }

    private static void serve(Socket s, long keepAliveMs, boolean reset) {
      try (s) {
        s.setSoTimeout((int) keepAliveMs);
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        try {
          while (readRequestHead(in)) {
            // Advertises a longer keep-alive than it keeps, as a misconfigured proxy does.
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nKeep-Alive: timeout=60\r\n\r\nok")
                .getBytes(StandardCharsets.US_ASCII));
            out.flush();
          }
        } catch (SocketTimeoutException idle) {
          // Keep-alive expired. Linger 0 before the close makes it an RST, as a middlebox that
          // forgets the flow answers; otherwise the close sends a FIN.
          if (reset) {
            s.setSoLinger(true, 0);
          }
        }
      } catch (IOException e) {
        // the client went away
      }
    }

    /** Reads up to the blank line; false at end of stream. */
    private static boolean readRequestHead(InputStream in) throws IOException {
      int state = 0;
      for (int b; (b = in.read()) != -1; ) {
        state = (b == '\r' && (state == 0 || state == 2)) ? state + 1
            : (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        if (state == 4) {
          return true;
        }
      }
      return false;
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
