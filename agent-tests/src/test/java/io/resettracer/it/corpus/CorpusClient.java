package io.resettracer.it.corpus;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * The application of one corpus setup: a real client library (JDK HttpClient, Apache HttpClient 5,
 * OkHttp, Jedis, Lettuce on Netty NIO or epoll) talking to real servers across the lab's network,
 * run in the lab's client namespace with the agent and a recording. It follows a script of steps
 * ({@code warm}, {@code sleep:MS}, {@code round}, {@code launch}, {@code join}, {@code upload:B},
 * {@code download:PATH}, {@code busy:MS:EVERY}, {@code action:NAME}); at an action it asks the
 * test (which owns the servers and middleboxes) to act and waits until it has.
 *
 * <p>Arguments: {@code lib jfr-file script target...}, a target being {@code host:port} (Redis) or
 * a URL (HTTP); {@code conns=N} sets the connections per target. Output: {@code APP-OK}, {@code
 * APP-FAILURE}, {@code ACTION name} (answered on standard input), then {@code EVENT}, {@code
 * INCIDENT}, {@code SWALLOWED n}, {@code DONE}.
 */
public final class CorpusClient {

  static final String EVENT = "resettracer.ConnectionReset";
  static final String INCIDENT = "resettracer.ResetIncident";

  private static final PrintStream OUT = System.out;
  private static final long START = System.nanoTime();
  private static final BufferedReader IN =
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

  /** One connection's worth of a library: what a step does with it. */
  interface Conn {
    void request() throws Exception;

    default void upload(int bytes) throws Exception {
      throw new UnsupportedOperationException("upload");
    }

    default void download(String path) throws Exception {
      throw new UnsupportedOperationException("download");
    }

    /** Starts a download and leaves its body unread: the connection stays busy on the server. */
    default void hold(String path) throws Exception {
      throw new UnsupportedOperationException("hold");
    }
  }

  public static void main(String[] args) throws Exception {
    String lib = args[0];
    Path jfr = Path.of(args[1]);
    String[] steps = args[2].split(",");
    int conns = 1;
    List<String> targets = new ArrayList<>();
    for (int i = 3; i < args.length; i++) {
      if (args[i].startsWith("conns=")) {
        conns = Integer.parseInt(args[i].substring(6));
      } else {
        targets.add(args[i]);
      }
    }
    if (lib.equals("lettuce-nio")) {
      System.setProperty("io.lettuce.core.epoll", "false"); // before Lettuce looks
    }
    try (Recording recording = new Recording()) {
      recording.enable(EVENT).withStackTrace();
      recording.enable(INCIDENT);
      recording.start();
      Libraries libs = new Libraries(lib);
      List<Named> all = new ArrayList<>();
      for (String t : targets) {
        for (int i = 0; i < conns; i++) {
          all.add(new Named(t + "#" + i, libs.conn(t, i)));
        }
      }
      new CorpusClient().run(steps, all);
      libs.close();
      // Give the agent's pipeline a moment to settle the last burst into the recording.
      Thread.sleep(2_500);
      recording.stop();
      recording.dump(jfr);
    }
    for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
      String type = e.getEventType().getName();
      if (type.equals(EVENT)) {
        OUT.println("EVENT " + describe(e) + "\tstartEpochMillis=" + e.getStartTime().toEpochMilli());
      } else if (type.equals(INCIDENT)) {
        OUT.println("INCIDENT " + describe(e));
      }
    }
    Files.deleteIfExists(jfr);
    OUT.println("SWALLOWED " + swallowed());
    OUT.println("DONE");
    System.exit(0); // library threads (Lettuce, OkHttp) would keep the JVM up a while
  }

  private record Named(String name, Conn conn) {}

  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "corpus-app");
    t.setDaemon(true);
    return t;
  });
  private final List<Future<?>> launched = new ArrayList<>();

  private void run(String[] steps, List<Named> all) throws Exception {
    for (String step : steps) {
      String[] p = step.split(":");
      switch (p[0]) {
        case "warm", "round" -> all(all, c -> c.conn.request(), "request", true);
        case "launch" -> all(all, c -> c.conn.request(), "request", false);
        case "upload" -> all(all, c -> c.conn.upload(Integer.parseInt(p[1])), "upload", true);
        case "launch-upload" ->
            all(all, c -> c.conn.upload(Integer.parseInt(p[1])), "upload", false);
        case "hold" -> all(all, c -> c.conn.hold(p[1]), "hold", true);
        case "download" -> all(all, c -> c.conn.download(p[1]), "download", true);
        case "launch-download" -> all(all, c -> c.conn.download(p[1]), "download", false);
        case "burst" -> burst(all.get(0), Integer.parseInt(p[1]));
        case "busy" -> busy(all, Long.parseLong(p[1]), Long.parseLong(p[2]));
        case "paced" -> paced(all, Long.parseLong(p[1]), Long.parseLong(p[2]),
            Long.parseLong(p[3]));
        case "sleep" -> Thread.sleep(Long.parseLong(p[1]));
        case "join" -> join();
        case "action" -> action(p[1]);
        case "serial" -> { // one request after another: the pool's own choice of connection
          for (int i = 0; i < Integer.parseInt(p[1]); i++) {
            attempt(all.get(0), c -> c.conn.request(), "request");
          }
        }
        default -> throw new IllegalArgumentException("unknown step " + step);
      }
    }
    join();
  }

  private interface Body {
    void run(Named c) throws Exception;
  }

  private void all(List<Named> all, Body body, String what, boolean wait) throws Exception {
    List<Future<?>> mine = new ArrayList<>();
    for (Named c : all) {
      mine.add(pool.submit(() -> {
        attempt(c, body, what);
        return null;
      }));
    }
    if (wait) {
      awaitAll(mine);
    } else {
      launched.addAll(mine);
    }
  }

  /** {@code n} requests at once through one target's (thread-safe, pooling) client. */
  private void burst(Named target, int n) throws Exception {
    List<Future<?>> mine = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Named c = new Named(target.name + "/burst" + i, target.conn);
      mine.add(pool.submit(() -> {
        attempt(c, x -> x.conn.request(), "request");
        return null;
      }));
    }
    awaitAll(mine);
  }

  /** Every connection requests every {@code every} ms for {@code ms}, in the background. */
  private void busy(List<Named> all, long ms, long every) {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    for (Named c : all) {
      launched.add(pool.submit(() -> {
        while (System.nanoTime() < end) {
          if (!attempt(c, x -> x.conn.request(), "request")) {
            Thread.sleep(every * 3); // a failed connection retries a little later, like a pool
          }
          Thread.sleep(every);
        }
        return null;
      }));
    }
  }

  /**
   * Each connection requests at its own pace for {@code ms}: the i-th every {@code base + i * step}
   * ms, starting {@code i * step} ms late, as a pool's connections are opened and used unevenly. A
   * failed request is retried at the next turn on a new connection.
   */
  private void paced(List<Named> all, long ms, long base, long step) {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    for (int i = 0; i < all.size(); i++) {
      Named c = all.get(i);
      long every = base + i * step;
      long late = i * step;
      launched.add(pool.submit(() -> {
        Thread.sleep(late);
        while (System.nanoTime() < end) {
          attempt(c, x -> x.conn.request(), "request");
          Thread.sleep(every);
        }
        return null;
      }));
    }
  }

  private void join() throws Exception {
    awaitAll(launched);
    launched.clear();
  }

  /**
   * Waits for a step's calls, for 15 s at most: a call stalled on a dead path (a download whose
   * server's RST was lost) would wait for ever, as it would in production. It is reported and left.
   */
  private static void awaitAll(List<Future<?>> calls) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    for (Future<?> f : calls) {
      try {
        f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        say("APP-HUNG a call still waits after 15 s");
      }
    }
  }

  private static boolean attempt(Named c, Body body, String what) {
    long t0 = System.nanoTime();
    try {
      body.run(c);
      say("APP-OK " + stamp(t0) + " " + what + " " + c.name);
      return true;
    } catch (Throwable e) {
      say("APP-FAILURE " + stamp(t0) + " " + what + " " + c.name + ": " + chain(e));
      return false;
    }
  }

  private static String stamp(long t0) {
    long now = System.nanoTime();
    return "t=" + TimeUnit.NANOSECONDS.toMillis(t0 - START) + "ms took="
        + TimeUnit.NANOSECONDS.toMillis(now - t0) + "ms";
  }

  private static String chain(Throwable e) {
    StringJoiner j = new StringJoiner(" <- ");
    for (Throwable t = e; t != null && j.length() < 600; t = t.getCause()) {
      j.add(t.getClass().getName() + ": " + t.getMessage());
    }
    return j.toString().replace('\n', ' ').replace('\t', ' ');
  }

  private static synchronized void say(String line) {
    OUT.println(line);
    OUT.flush();
  }

  /**
   * Asks the test to act on the lab and waits until it has; the application's other threads go on
   * meanwhile (busy connections must be busy while a middlebox acts).
   */
  private static void action(String name) throws IOException {
    say("ACTION " + name);
    String reply = IN.readLine();
    if (reply == null || !reply.equals("GO " + name)) {
      throw new IOException("the test answered " + reply + " to action " + name);
    }
  }

  static String describe(RecordedEvent e) {
    StringJoiner j = new StringJoiner("\t");
    for (var field : e.getFields()) {
      String name = field.getName();
      if (name.equals("stackTrace") || name.equals("eventThread")) {
        continue;
      }
      j.add(name + "=" + String.valueOf((Object) e.getValue(name)).replace('\t', ' ').replace('\n', ' '));
    }
    j.add("thread=" + (e.getThread() == null ? "" : e.getThread().getJavaName()));
    return j.toString();
  }

  static long swallowed() {
    try {
      Class<?> hooks = Class.forName("io.resettracer.bootstrap.ResetTracerHooks", false, null);
      Method m = hooks.getMethod("swallowedCount");
      return (Long) m.invoke(null);
    } catch (ReflectiveOperationException e) {
      return -1;
    }
  }

  /** The client libraries, each made once per run and shared by its connections, as apps do. */
  static final class Libraries {
    private final String lib;
    private HttpClient jdk;
    private org.apache.hc.client5.http.impl.classic.CloseableHttpClient hc5;
    private okhttp3.OkHttpClient okhttp;
    private io.lettuce.core.RedisClient lettuce;
    private final Map<String, Object> closeables = new HashMap<>();
    /** Bodies left unread on purpose, kept reachable until the end. */
    private final List<Object> held = java.util.Collections.synchronizedList(new ArrayList<>());

    Libraries(String lib) {
      this.lib = lib;
    }

    Conn conn(String target, int index) {
      return switch (lib) {
        case "jdk" -> jdkConn(target);
        case "hc5" -> hc5Conn(target);
        case "okhttp", "okhttp-retry" -> okConn(target);
        case "jedis" -> new JedisConn(target);
        case "raw-http" -> new RawHttpConn(target);
        case "lettuce-nio", "lettuce-epoll" -> lettuceConn(target, index);
        default -> throw new IllegalArgumentException("unknown library " + lib);
      };
    }

    private Conn jdkConn(String url) {
      if (jdk == null) {
        // HTTP/1.1: an http:// URL would otherwise ask for an h2c upgrade the servers ignore.
        jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();
      }
      return new Conn() {
        @Override
        public void request() throws Exception {
          send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15)).GET()
              .build());
        }

        @Override
        public void upload(int bytes) throws Exception {
          send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
              .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[bytes])).build());
        }

        @Override
        public void download(String path) throws Exception {
          send(HttpRequest.newBuilder(URI.create(url).resolve(path))
              .timeout(Duration.ofSeconds(20)).GET().build());
        }

        @Override
        public void hold(String path) throws Exception {
          held.add(jdk.send(HttpRequest.newBuilder(URI.create(url).resolve(path)).GET().build(),
              HttpResponse.BodyHandlers.ofInputStream()).body());
        }

        private void send(HttpRequest r) throws Exception {
          HttpResponse<byte[]> resp = jdk.send(r, HttpResponse.BodyHandlers.ofByteArray());
          if (resp.statusCode() >= 400) {
            throw new IOException("HTTP " + resp.statusCode());
          }
        }
      };
    }

    private Conn hc5Conn(String url) {
      if (hc5 == null) {
        var cm = org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder
            .create().setMaxConnPerRoute(16).setMaxConnTotal(64)
            .setDefaultConnectionConfig(org.apache.hc.client5.http.config.ConnectionConfig.custom()
                .setConnectTimeout(org.apache.hc.core5.util.Timeout.ofSeconds(3))
                .setSocketTimeout(org.apache.hc.core5.util.Timeout.ofSeconds(15)).build())
            .build();
        hc5 = org.apache.hc.client5.http.impl.classic.HttpClients.custom()
            .setConnectionManager(cm).disableAutomaticRetries().build();
      }
      return new Conn() {
        @Override
        public void request() throws Exception {
          send(new org.apache.hc.client5.http.classic.methods.HttpGet(url));
        }

        @Override
        public void upload(int bytes) throws Exception {
          var post = new org.apache.hc.client5.http.classic.methods.HttpPost(url);
          post.setEntity(new org.apache.hc.core5.http.io.entity.ByteArrayEntity(new byte[bytes],
              org.apache.hc.core5.http.ContentType.APPLICATION_OCTET_STREAM));
          send(post);
        }

        @Override
        public void download(String path) throws Exception {
          send(new org.apache.hc.client5.http.classic.methods.HttpGet(URI.create(url)
              .resolve(path)));
        }

        private void send(org.apache.hc.core5.http.ClassicHttpRequest r) throws Exception {
          hc5.execute(r, resp -> {
            org.apache.hc.core5.http.io.entity.EntityUtils.consume(resp.getEntity());
            if (resp.getCode() >= 400) {
              throw new IOException("HTTP " + resp.getCode());
            }
            return null;
          });
        }
      };
    }

    private Conn okConn(String url) {
      if (okhttp == null) {
        okhttp = new okhttp3.OkHttpClient.Builder()
            .connectTimeout(3, TimeUnit.SECONDS).readTimeout(15, TimeUnit.SECONDS)
            .writeTimeout(15, TimeUnit.SECONDS)
            // "okhttp" lets the application see a stale connection's failure; "okhttp-retry" is
            // the library's default, retrying it silently on a new connection.
            .retryOnConnectionFailure(lib.equals("okhttp-retry"))
            .connectionPool(new okhttp3.ConnectionPool(16, 5, TimeUnit.MINUTES)).build();
      }
      return new Conn() {
        @Override
        public void request() throws Exception {
          send(new okhttp3.Request.Builder().url(url).build());
        }

        @Override
        public void upload(int bytes) throws Exception {
          send(new okhttp3.Request.Builder().url(url).post(okhttp3.RequestBody.create(
              new byte[bytes], okhttp3.MediaType.get("application/octet-stream"))).build());
        }

        @Override
        public void download(String path) throws Exception {
          send(new okhttp3.Request.Builder().url(URI.create(url).resolve(path).toString())
              .build());
        }

        @Override
        public void hold(String path) throws Exception {
          held.add(okhttp.newCall(new okhttp3.Request.Builder()
              .url(URI.create(url).resolve(path).toString()).build()).execute());
        }

        private void send(okhttp3.Request r) throws Exception {
          try (okhttp3.Response resp = okhttp.newCall(r).execute()) {
            resp.body().bytes();
            if (resp.code() >= 400) {
              throw new IOException("HTTP " + resp.code());
            }
          }
        }
      };
    }

    /** One Jedis connection, replaced by a new one after it failed (as a pool would). */
    private static final class JedisConn implements Conn {
      private final redis.clients.jedis.HostAndPort at;
      private redis.clients.jedis.Jedis jedis;

      JedisConn(String target) {
        String[] hp = target.split(":");
        at = new redis.clients.jedis.HostAndPort(hp[0], Integer.parseInt(hp[1]));
      }

      private redis.clients.jedis.Jedis jedis() {
        if (jedis == null || jedis.isBroken()) {
          if (jedis != null) {
            jedis.close();
          }
          jedis = new redis.clients.jedis.Jedis(at, redis.clients.jedis.DefaultJedisClientConfig
              .builder().connectionTimeoutMillis(3000).socketTimeoutMillis(15000).build());
        }
        return jedis;
      }

      @Override
      public void request() {
        jedis().get("corpus");
      }

      @Override
      public void upload(int bytes) {
        jedis().set("corpus-upload".getBytes(StandardCharsets.UTF_8), new byte[bytes]);
      }

      @Override
      public void download(String key) {
        jedis().get(key.getBytes(StandardCharsets.UTF_8));
      }
    }

    /**
     * A hand-rolled HTTP/1.1 client over one kept-alive blocking socket that, like many in-house
     * clients and TCP-level pools, ignores the reply's {@code Connection: close}: it reuses the
     * connection until a request on it fails, then opens a new one for the next.
     */
    private static final class RawHttpConn implements Conn {
      private final URI uri;
      private java.net.Socket socket;

      RawHttpConn(String url) {
        uri = URI.create(url);
      }

      @Override
      public void request() throws Exception {
        if (socket == null) {
          socket = new java.net.Socket();
          socket.connect(new java.net.InetSocketAddress(uri.getHost(),
              uri.getPort() < 0 ? 80 : uri.getPort()), 3000);
          socket.setSoTimeout(15_000);
        }
        try {
          exchange(socket);
        } catch (Exception e) {
          socket.close();
          socket = null;
          throw e;
        }
      }

      private void exchange(java.net.Socket s) throws IOException {
        String req = "GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost()
            + "\r\nUser-Agent: corpus-raw\r\n\r\n";
        s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        // One buffer per exchange: the reply is read to its end, and nothing follows it.
        java.io.InputStream in = new java.io.BufferedInputStream(s.getInputStream());
        String status = line(in);
        if (!status.startsWith("HTTP/1.")) {
          throw new IOException("not an HTTP reply: " + status);
        }
        long length = -1;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
          if (h.regionMatches(true, 0, "Content-Length:", 0, 15)) {
            length = Long.parseLong(h.substring(15).trim());
          }
        }
        if (length < 0) {
          throw new IOException("no Content-Length in the reply");
        }
        for (long left = length; left > 0; ) {
          long n = in.skip(left);
          if (n <= 0) {
            if (in.read() < 0) {
              throw new java.io.EOFException("end of stream in the body");
            }
            n = 1;
          }
          left -= n;
        }
        int code = Integer.parseInt(status.substring(9, 12));
        if (code >= 400) {
          throw new IOException("HTTP " + code);
        }
      }

      private static String line(java.io.InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
          if (c < 0) {
            throw new java.io.EOFException("unexpected end of stream");
          }
          if (c != '\r') {
            b.append((char) c);
          }
        }
        return b.toString();
      }
    }

    private Conn lettuceConn(String target, int index) {
      if (lettuce == null) {
        lettuce = io.lettuce.core.RedisClient.create();
        lettuce.setOptions(io.lettuce.core.ClientOptions.builder().autoReconnect(true)
            .timeoutOptions(io.lettuce.core.TimeoutOptions.enabled(Duration.ofSeconds(15)))
            .build());
      }
      String[] hp = target.split(":");
      var uri = io.lettuce.core.RedisURI.builder().withHost(hp[0])
          .withPort(Integer.parseInt(hp[1])).withTimeout(Duration.ofSeconds(15)).build();
      var c = lettuce.connect(uri);
      closeables.put(target + "#" + index, c);
      return new Conn() {
        @Override
        public void request() {
          c.sync().get("corpus");
        }

        @Override
        public void upload(int bytes) {
          c.sync().set("corpus-upload", "x".repeat(bytes));
        }

        @Override
        public void download(String key) {
          c.sync().get(key);
        }
      };
    }

    void close() {
      for (Object c : closeables.values()) {
        try {
          ((AutoCloseable) c).close();
        } catch (Exception e) {
          // closing a broken connection may fail; nothing to do
        }
      }
      if (lettuce != null) {
        lettuce.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      }
    }
  }
}
