package io.resettracer.it.scenarios;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.util.List;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Real resets on loopback, one method per scenario. Each prints the facts the test will compare the
 * event with ({@code FACT}) and every exception the application saw ({@code APP-EXCEPTION}). The
 * peer aborts with SO_LINGER 0, which makes the kernel send an RST on close.
 */
final class Scenarios {

  /** The pause between the first exchange and the request that meets the reset. */
  static final long IDLE_MS = 500;
  static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private Scenarios() {}

  static void run(String name) throws Exception {
    switch (name) {
      case "socket-read": socketRead(); break;
      case "socket-write": socketWrite(); break;
      case "nio-blocking-read": nioBlockingRead(); break;
      case "nio-selector-read": nioSelectorRead(); break;
      case "nio-adaptor-read": nioAdaptorRead(); break;
      case "async-handler-read": asyncRead(true); break;
      case "async-future-read": asyncRead(false); break;
      case "tls-read": tlsRead(); break;
      case "http-client": httpClient(); break;
      case "http-url-connection": httpUrlConnection(); break;
      case "virtual-thread-read": virtualThreadRead(); break;
      case "clean-traffic": cleanTraffic(); break;
      case "premature-eof-socket": prematureEofSocket(); break;
      case "netty-epoll-read": NettyScenarios.run(true); break;
      case "netty-nio-read": NettyScenarios.run(false); break;
      case "netty-epoll-own-loader": nettyInOwnLoader(); break;
      case "netty-io_uring-read": NettyScenarios.run("io_uring"); break;
      case "netty-io_uring-pingpong": NettyScenarios.pingPong("io_uring"); break;
      case "grpc-shaded-epoll": GrpcScenarios.run(true); break;
      case "grpc-shaded-nio": GrpcScenarios.run(false); break;
      case "keepalive-apache":
      case "keepalive-okhttp":
      case "keepalive-jdk":
      case "keepalive-url-connection":
      case "reactor-netty-fin":
      case "reactor-netty-rst":
        KeepAliveScenarios.run(name);
        break;
      default: throw new IllegalArgumentException("no scenario " + name);
    }
  }

  /**
   * The Netty epoll scenario with Netty defined by a class loader of its own, as a fat jar's or an
   * application server's loader would: the child runs without Netty on its class path, and the
   * jars named by {@code scenario.nettyJars} are loaded, with these scenario classes, by a loader
   * whose parent is the platform loader.
   */
  private static void nettyInOwnLoader() throws Exception {
    List<java.net.URL> urls = new java.util.ArrayList<>();
    urls.add(Scenarios.class.getProtectionDomain().getCodeSource().getLocation());
    for (String jar : System.getProperty("scenario.nettyJars").split(java.io.File.pathSeparator)) {
      urls.add(java.nio.file.Path.of(jar).toUri().toURL());
    }
    try (java.net.URLClassLoader loader = new java.net.URLClassLoader("netty-app",
        urls.toArray(new java.net.URL[0]), ClassLoader.getPlatformClassLoader())) {
      // By name: a class literal would load it here, in the application loader, without Netty.
      Class<?> scenarios = loader.loadClass("io.resettracer.it.scenarios.NettyScenarios");
      fact("nettyLoader", scenarios.getClassLoader().getName());
      java.lang.reflect.Method run = scenarios.getDeclaredMethod("run", boolean.class);
      run.setAccessible(true);
      run.invoke(null, true);
    }
  }

  // --- java.net.Socket -------------------------------------------------------------------------

  /** A request after a pause meets an RST: the reply read fails, then echoes on read and write. */
  static void socketRead() throws Exception {
    try (ServerSocket server = listen(); Socket client = new Socket(LOOPBACK, server.getLocalPort());
        Socket peer = server.accept()) {
      facts(server, client.getLocalPort(), "client");
      exchange(client.getOutputStream(), client.getInputStream(), peer);
      Thread.sleep(IDLE_MS);
      client.getOutputStream().write(new byte[5]);
      readFully(peer.getInputStream(), 5);
      abort(peer);
      attempt(() -> client.getInputStream().read(new byte[10]));
      attempt(() -> client.getInputStream().read(new byte[10])); // latched echo
      attempt(() -> client.getOutputStream().write(new byte[3])); // write echo
      fact("bytesRead", 10);
      fact("bytesWritten", 105);
      fact("writtenSinceRead", 5);
      fact("exchanges", 1);
      fact("operation", "read");
    }
  }

  /** The peer aborts while the connection is idle; the next write fails, later writes echo. */
  static void socketWrite() throws Exception {
    try (ServerSocket server = listen(); Socket client = new Socket(LOOPBACK, server.getLocalPort());
        Socket peer = server.accept()) {
      facts(server, client.getLocalPort(), "client");
      exchange(client.getOutputStream(), client.getInputStream(), peer);
      Thread.sleep(IDLE_MS);
      abort(peer);
      Thread.sleep(100); // let the RST arrive before writing
      attempt(() -> client.getOutputStream().write(new byte[5]));
      attempt(() -> client.getOutputStream().write(new byte[5]));
      fact("bytesRead", 10);
      fact("bytesWritten", 100);
      fact("writtenSinceRead", 0);
      fact("exchanges", 1);
      fact("operation", "write");
    }
  }

  // --- SocketChannel ---------------------------------------------------------------------------

  static void nioBlockingRead() throws Exception {
    try (ServerSocket server = listen();
        SocketChannel client = SocketChannel.open(new InetSocketAddress(LOOPBACK, server.getLocalPort()));
        Socket peer = server.accept()) {
      facts(server, ((InetSocketAddress) client.getLocalAddress()).getPort(), "client");
      client.write(ByteBuffer.allocate(100));
      readFully(peer.getInputStream(), 100);
      peer.getOutputStream().write(new byte[10]);
      ByteBuffer reply = ByteBuffer.allocate(10);
      while (reply.hasRemaining()) {
        client.read(reply);
      }
      Thread.sleep(IDLE_MS);
      client.write(new ByteBuffer[] {ByteBuffer.allocate(2), ByteBuffer.allocate(3)}, 0, 2);
      readFully(peer.getInputStream(), 5);
      abort(peer);
      attempt(() -> client.read(ByteBuffer.allocate(10)));
      attempt(() -> client.read(new ByteBuffer[] {ByteBuffer.allocate(10)}, 0, 1));
      attempt(() -> client.write(ByteBuffer.allocate(3)));
      requestFacts("read");
    }
  }

  /** Non-blocking, selector-driven, the way HTTP clients and servers run. */
  static void nioSelectorRead() throws Exception {
    try (ServerSocket server = listen(); Selector selector = Selector.open();
        SocketChannel client = SocketChannel.open()) {
      client.configureBlocking(false);
      client.connect(new InetSocketAddress(LOOPBACK, server.getLocalPort()));
      client.register(selector, SelectionKey.OP_CONNECT);
      selector.select(5000);
      if (!client.finishConnect()) {
        throw new IllegalStateException("not connected");
      }
      client.finishConnect(); // a second call must not count as a second connection
      try (Socket peer = server.accept()) {
        facts(server, ((InetSocketAddress) client.getLocalAddress()).getPort(), "client");
        ByteBuffer request = ByteBuffer.allocate(100);
        while (request.hasRemaining()) {
          client.write(request);
        }
        readFully(peer.getInputStream(), 100);
        peer.getOutputStream().write(new byte[10]);
        SelectionKey key = client.keyFor(selector);
        key.interestOps(SelectionKey.OP_READ);
        ByteBuffer reply = ByteBuffer.allocate(10);
        while (reply.hasRemaining()) {
          selector.select(5000);
          selector.selectedKeys().clear();
          client.read(reply);
        }
        Thread.sleep(IDLE_MS);
        client.write(ByteBuffer.allocate(5));
        readFully(peer.getInputStream(), 5);
        abort(peer);
        attempt(() -> {
          ByteBuffer b = ByteBuffer.allocate(10);
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
          while (System.nanoTime() < deadline) {
            selector.select(1000);
            selector.selectedKeys().clear();
            if (client.read(b) != 0) {
              return;
            }
          }
        });
        requestFacts("read");
      }
    }
  }

  /** {@code SocketChannel.socket()} streams take their own path through the channel. */
  static void nioAdaptorRead() throws Exception {
    try (ServerSocket server = listen();
        SocketChannel channel = SocketChannel.open(new InetSocketAddress(LOOPBACK, server.getLocalPort()));
        Socket peer = server.accept()) {
      Socket client = channel.socket();
      facts(server, client.getLocalPort(), "client");
      exchange(client.getOutputStream(), client.getInputStream(), peer);
      Thread.sleep(IDLE_MS);
      client.getOutputStream().write(new byte[5]);
      readFully(peer.getInputStream(), 5);
      abort(peer);
      attempt(() -> client.getInputStream().read(new byte[10]));
      attempt(() -> client.getInputStream().read(new byte[10]));
      requestFacts("read");
    }
  }

  // --- AsynchronousSocketChannel ---------------------------------------------------------------

  /** Errors reach the application as values (handler or Future), never as a throw. */
  static void asyncRead(boolean handler) throws Exception {
    try (ServerSocket server = listen(); AsynchronousSocketChannel client = AsynchronousSocketChannel.open()) {
      client.connect(new InetSocketAddress(LOOPBACK, server.getLocalPort())).get(5, TimeUnit.SECONDS);
      try (Socket peer = server.accept()) {
        facts(server, ((InetSocketAddress) client.getLocalAddress()).getPort(), "client");
        writeFully(client, 100);
        readFully(peer.getInputStream(), 100);
        peer.getOutputStream().write(new byte[10]);
        ByteBuffer reply = ByteBuffer.allocate(10);
        while (reply.hasRemaining()) {
          client.read(reply).get(5, TimeUnit.SECONDS);
        }
        Thread.sleep(IDLE_MS);
        writeFully(client, 5);
        readFully(peer.getInputStream(), 5);
        abort(peer);
        if (handler) {
          CompletableFuture<Throwable> failure = new CompletableFuture<>();
          client.read(ByteBuffer.allocate(10), null, new CompletionHandler<Integer, Void>() {
            @Override
            public void completed(Integer n, Void a) {
              failure.complete(null);
            }

            @Override
            public void failed(Throwable t, Void a) {
              failure.complete(t);
            }
          });
          Throwable t = failure.get(5, TimeUnit.SECONDS);
          if (t != null) {
            appException(t);
          }
        } else {
          attempt(() -> {
            try {
              client.read(ByteBuffer.allocate(10)).get(5, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
              throw e.getCause();
            }
          });
        }
        requestFacts("read");
      }
    }
  }

  // --- TLS, HTTP clients, virtual threads ------------------------------------------------------

  /** The TLS record layer sits on the plain socket's streams; the RST surfaces through it. */
  static void tlsRead() throws Exception {
    SSLContext tls = tlsContext();
    try (ServerSocket server = listen();
        SSLSocket client = (SSLSocket) tls.getSocketFactory().createSocket(LOOPBACK, server.getLocalPort());
        Socket raw = server.accept();
        SSLSocket peer = (SSLSocket) tls.getSocketFactory().createSocket(raw, null, raw.getPort(), false)) {
      peer.setUseClientMode(false);
      facts(server, client.getLocalPort(), "client");
      CompletableFuture<Void> handshake = CompletableFuture.runAsync(() -> {
        try {
          peer.startHandshake();
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      client.startHandshake();
      handshake.get(10, TimeUnit.SECONDS);
      client.getOutputStream().write(new byte[100]);
      readFully(peer.getInputStream(), 100);
      peer.getOutputStream().write(new byte[10]);
      readFully(client.getInputStream(), 10);
      Thread.sleep(IDLE_MS);
      client.getOutputStream().write(new byte[5]);
      readFully(peer.getInputStream(), 5);
      abort(raw); // under TLS: no close_notify, just the RST
      attempt(() -> client.getInputStream().read(new byte[10]));
      fact("operation", "read");
      fact("exchanges", 1);
    }
  }

  /** The JDK HttpClient may retry a reset request silently: one event per reset connection. */
  static void httpClient() throws Exception {
    try (ResettingHttpServer server = new ResettingHttpServer()) {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/")).GET()
              .timeout(Duration.ofSeconds(10)).build();
      attempt(() -> client.send(request, HttpResponse.BodyHandlers.ofString()));
      fact("serverPort", server.port());
      fact("role", "client");
      fact("resetConnections", server.awaitResets());
    }
  }

  /** HttpURLConnection runs on java.net.Socket and also retries silently. */
  static void httpUrlConnection() throws Exception {
    try (ResettingHttpServer server = new ResettingHttpServer()) {
      attempt(() -> {
        var connection = URI.create("http://127.0.0.1:" + server.port() + "/").toURL().openConnection();
        connection.setReadTimeout(10_000);
        try (InputStream in = connection.getInputStream()) {
          in.readAllBytes();
        }
      });
      fact("serverPort", server.port());
      fact("role", "client");
      fact("resetConnections", server.awaitResets());
    }
  }

  /** JDK 21+: virtual threads park instead of blocking, through the same NioSocketImpl. */
  static void virtualThreadRead() throws Exception {
    java.lang.reflect.Method start;
    try {
      start = Thread.class.getMethod("startVirtualThread", Runnable.class);
    } catch (NoSuchMethodException e) {
      System.out.println("SKIP virtual threads need JDK 21+, this is " + Runtime.version());
      return;
    }
    Throwable[] failure = new Throwable[1];
    Thread t = (Thread) start.invoke(null, (Runnable) () -> {
      try {
        socketRead();
      } catch (Throwable e) {
        failure[0] = e;
      }
    });
    t.join(20_000);
    if (failure[0] != null) {
      throw new IllegalStateException(failure[0]);
    }
    fact("virtual", true);
  }

  /** Ordinary traffic and clean closes on every path: no event may result. */
  /**
   * Two premature ends of stream on blocking sockets, each a failure to the application (its
   * request gets no reply): a server at capacity that accepts and closes at once, before the
   * request comes; and a peer that takes a request, works on it for 1.5 s and goes away.
   */
  static void prematureEofSocket() throws Exception {
    try (ServerSocket server = listen()) {
      fact("serverPort", server.getLocalPort());
      try (Socket client = new Socket(LOOPBACK, server.getLocalPort())) {
        server.accept().close(); // FIN before the request: the client's read meets end of stream
        Thread.sleep(100);
        client.getOutputStream().write(new byte[20]);
        attempt(() -> System.out.println("READ " + client.getInputStream().read(new byte[10])));
      }
      try (Socket client = new Socket(LOOPBACK, server.getLocalPort());
          Socket peer = server.accept()) {
        exchange(client.getOutputStream(), client.getInputStream(), peer);
        client.getOutputStream().write(new byte[30]);
        readFully(peer.getInputStream(), 30);
        Thread worker = new Thread(() -> {
          try {
            Thread.sleep(1500);
            peer.close();
          } catch (Exception e) {
            // the test's own peer: nothing to do
          }
        });
        worker.start();
        attempt(() -> System.out.println("READ " + client.getInputStream().read(new byte[10])));
        worker.join();
      }
    }
  }

  static void cleanTraffic() throws Exception {
    try (ServerSocket server = listen()) {
      for (int i = 0; i < 3; i++) {
        try (Socket client = new Socket(LOOPBACK, server.getLocalPort()); Socket peer = server.accept()) {
          exchange(client.getOutputStream(), client.getInputStream(), peer);
          peer.close(); // FIN: the client reads end-of-stream
          if (client.getInputStream().read() != -1) {
            throw new IllegalStateException("expected EOF");
          }
        }
      }
      // A keep-alive server whose client leaves after its last reply: the server reads end of stream
      // right after a write, which is how every keep-alive connection ends, not a premature close.
      try (Socket client = new Socket(LOOPBACK, server.getLocalPort()); Socket peer = server.accept()) {
        for (int i = 0; i < 3; i++) {
          exchange(client.getOutputStream(), client.getInputStream(), peer);
        }
        client.close();
        if (peer.getInputStream().read() != -1) {
          throw new IllegalStateException("expected EOF");
        }
      }
      try (SocketChannel client = SocketChannel.open(new InetSocketAddress(LOOPBACK, server.getLocalPort()));
          Socket peer = server.accept()) {
        client.write(ByteBuffer.allocate(1 << 20));
        readFully(peer.getInputStream(), 1 << 20);
        client.close();
        if (peer.getInputStream().read() != -1) {
          throw new IllegalStateException("expected EOF");
        }
      }
      try (AsynchronousSocketChannel client = AsynchronousSocketChannel.open()) {
        client.connect(new InetSocketAddress(LOOPBACK, server.getLocalPort())).get(5, TimeUnit.SECONDS);
        try (Socket peer = server.accept()) {
          writeFully(client, 1000);
          readFully(peer.getInputStream(), 1000);
          peer.close();
          if (client.read(ByteBuffer.allocate(10)).get(5, TimeUnit.SECONDS) != -1) {
            throw new IllegalStateException("expected EOF");
          }
        }
      }
    }
  }

  // --- helpers ---------------------------------------------------------------------------------

  static ServerSocket listen() throws IOException {
    return new ServerSocket(0, 50, LOOPBACK);
  }

  /** Aborts the connection: SO_LINGER 0 makes close() send an RST. */
  static void abort(Socket s) throws IOException {
    s.setSoLinger(true, 0);
    s.close();
  }

  /** 100 bytes out, 10 bytes back. */
  static void exchange(OutputStream out, InputStream in, Socket peer) throws IOException {
    out.write(new byte[100]);
    readFully(peer.getInputStream(), 100);
    peer.getOutputStream().write(new byte[10]);
    readFully(in, 10);
  }

  static void readFully(InputStream in, int n) throws IOException {
    if (in.readNBytes(n).length != n) {
      throw new IOException("short read");
    }
  }

  static void writeFully(AsynchronousSocketChannel c, int n) throws Exception {
    ByteBuffer b = ByteBuffer.allocate(n);
    while (b.hasRemaining()) {
      c.write(b).get(5, TimeUnit.SECONDS);
    }
  }

  static void facts(ServerSocket server, int clientPort, String role) {
    fact("serverPort", server.getLocalPort());
    fact("clientPort", clientPort);
    fact("role", role);
    fact("idleMs", IDLE_MS);
  }

  /** The shape shared by the read scenarios: one 100/10 exchange, then a 5-byte request. */
  static void requestFacts(String operation) {
    fact("bytesRead", 10);
    fact("bytesWritten", 105);
    fact("writtenSinceRead", 5);
    fact("exchanges", 1);
    fact("operation", operation);
  }

  static void fact(String key, Object value) {
    System.out.println("FACT " + key + "=" + value);
  }

  interface Action {
    void run() throws Throwable;
  }

  static void attempt(Action a) {
    try {
      a.run();
      System.out.println("APP-OK");
    } catch (Throwable t) {
      appException(t);
    }
  }

  /** Class, message and the stack's frames: a run with the agent must print the same line. */
  static void appException(Throwable t) {
    StringBuilder frames = new StringBuilder();
    for (StackTraceElement e : t.getStackTrace()) {
      frames.append(e.getClassName()).append('.').append(e.getMethodName()).append(':')
          .append(e.getLineNumber()).append(',');
    }
    System.out.println("APP-EXCEPTION " + t.getClass().getName() + ": " + t.getMessage()
        + " | cause " + t.getCause() + " | at " + frames);
  }

  static SSLContext tlsContext() throws Exception {
    String path = System.getProperty("scenario.keystore");
    char[] password = "changeit".toCharArray();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(path))) {
      ks.load(in, password);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, password);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  /** Accepts HTTP connections, reads the request head, and aborts each one with an RST. */
  static final class ResettingHttpServer implements AutoCloseable {
    private final ServerSocket server = listen();
    private final AtomicInteger resets = new AtomicInteger();
    private final Thread acceptor = new Thread(this::serve, "resetting-http-server");

    ResettingHttpServer() throws IOException {
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return server.getLocalPort();
    }

    private void serve() {
      while (!server.isClosed()) {
        try (Socket s = server.accept()) {
          InputStream in = s.getInputStream();
          int matched = 0;
          while (matched < 4) { // up to the blank line that ends the request head
            int b = in.read();
            if (b < 0) {
              break;
            }
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
          }
          abort(s);
          resets.incrementAndGet();
        } catch (IOException e) {
          // closed
        }
      }
    }

    /** Resets done, once the client has given up (it may have retried on a new connection). */
    int awaitResets() throws InterruptedException {
      Thread.sleep(200);
      return resets.get();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
