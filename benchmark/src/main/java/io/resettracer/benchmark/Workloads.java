package io.resettracer.benchmark;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The child side of the benchmark: runs one workload for a warm-up and a measured period on
 * loopback and prints one {@code RESULT} line with its operations, socket calls, the CPU time and
 * bytes allocated by the threads doing the socket calls.
 */
public final class Workloads {

  static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  /** The whole JVM's CPU: its compiler, collector and the agent's own threads as well. */
  private static final com.sun.management.OperatingSystemMXBean PROCESS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  public static void main(String[] args) throws Exception {
    String workload = args[0];
    long warmupMs = Long.parseLong(args[1]);
    long measureMs = Long.parseLong(args[2]);
    if (!workload.equals("startup") && !workload.equals("memory")) {
      AgentReadiness.await();
      if (Boolean.getBoolean(HOOKS_OFF)) {
        AgentHooks.required("the hooks-off mode");
        AgentHooks.installMethod().invoke(null, (Object) null);
      }
    }
    switch (workload) {
      case "startup": startup(); break;
      case "memory": memory(Integer.parseInt(args[3])); break;
      case "socket-pingpong": socketPingPong(warmupMs, measureMs); break;
      case "nio-pingpong": nioPingPong(warmupMs, measureMs); break;
      case "bulk": bulk(warmupMs, measureMs); break;
      case "churn": churn(warmupMs, measureMs); break;
      case "http-keepalive": httpKeepAlive(warmupMs, measureMs); break;
      case "netty-epoll-pingpong": NettyEpollPingPong.run(warmupMs, measureMs); break;
      case "netty-io_uring-pingpong": NettyIoUringPingPong.run(warmupMs, measureMs); break;
      case "storm":
        StormWorkloads.storm(warmupMs, measureMs, Integer.parseInt(args[3]));
        break;
      case "churn-peers":
        StormWorkloads.churnPeers(warmupMs, measureMs, Integer.parseInt(args[3]));
        break;
      default: throw new IllegalArgumentException(workload);
    }
  }

  /** JVM start to the end of the first socket operation. */
  static void startup() throws IOException {
    try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK);
        Socket c = new Socket(LOOPBACK, server.getLocalPort())) {
      long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
      System.out.println("RESULT startupMs=" + uptime);
    }
  }

  /**
   * Heap held by {@code n} open loopback connections (both ends): the live bytes of a class
   * histogram, which collects fully first and counts only reachable objects, before and after.
   */
  static void memory(int n) throws Exception {
    List<Socket> keep = new ArrayList<>();
    try (ServerSocket server = new ServerSocket(0, n, LOOPBACK)) {
      // Connections first, then a pause: the JDK's socket classes, and the agent's start-up work
      // (its instrumentation, JFR event, host sampling), must not be counted as per-connection.
      for (int i = 0; i < 200; i++) {
        try (Socket c = new Socket(LOOPBACK, server.getLocalPort()); Socket s = server.accept()) {
          c.getOutputStream().write(1);
          s.getInputStream().read();
        }
      }
      Thread.sleep(3000);
      long before = liveHeapBytes();
      // One exchange each, so every connection has its state on both ends.
      for (int i = 0; i < n; i++) {
        Socket c = new Socket(LOOPBACK, server.getLocalPort());
        Socket s = server.accept();
        c.getOutputStream().write(1);
        s.getInputStream().read();
        keep.add(c);
        keep.add(s);
      }
      long after = liveHeapBytes();
      System.out.println("RESULT bytesPerConnection=" + (after - before) / (double) keep.size()
          + " connections=" + keep.size());
      for (Socket s : keep) {
        s.close();
      }
    }
  }

  /** The "Total" bytes of {@code GC.class_histogram}: live objects only, after a full collection. */
  private static long liveHeapBytes() throws Exception {
    String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
        new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
        "gcClassHistogram", new Object[] {new String[0]}, new String[] {String[].class.getName()});
    for (String line : histogram.split("\n")) {
      String t = line.trim();
      if (t.startsWith("Total")) {
        String[] parts = t.split("\\s+");
        return Long.parseLong(parts[2]);
      }
    }
    throw new IllegalStateException("no Total line in the class histogram");
  }

  /** 64-byte request, 64-byte reply, java.net.Socket: four socket calls per round trip. */
  static void socketPingPong(long warmupMs, long measureMs) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK);
        Socket client = new Socket(LOOPBACK, server.getLocalPort());
        Socket peer = server.accept()) {
      client.setTcpNoDelay(true);
      peer.setTcpNoDelay(true);
      AtomicBoolean stop = new AtomicBoolean();
      Thread echo = new Thread(() -> echo(peer, 64, stop), "echo");
      echo.start();
      byte[] msg = new byte[64];
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      Runnable op = () -> {
        try {
          out.write(msg);
          readFully(in, msg, 64);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      };
      measure("round trips", 4, warmupMs, measureMs, op, echo);
      stop.set(true);
      client.close();
      echo.join();
    }
  }

  /** The same over blocking SocketChannels with direct buffers. */
  static void nioPingPong(long warmupMs, long measureMs) throws Exception {
    try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0));
        SocketChannel client = SocketChannel.open(server.getLocalAddress());
        SocketChannel peer = server.accept()) {
      client.socket().setTcpNoDelay(true);
      peer.socket().setTcpNoDelay(true);
      Thread echo = new Thread(() -> {
        ByteBuffer b = ByteBuffer.allocateDirect(64);
        try {
          while (true) {
            b.clear();
            while (b.hasRemaining()) {
              if (peer.read(b) < 0) {
                return;
              }
            }
            b.flip();
            while (b.hasRemaining()) {
              peer.write(b);
            }
          }
        } catch (IOException e) {
          // closed
        }
      }, "echo");
      echo.start();
      ByteBuffer b = ByteBuffer.allocateDirect(64);
      Runnable op = () -> {
        try {
          b.clear();
          while (b.hasRemaining()) {
            client.write(b);
          }
          b.clear();
          while (b.hasRemaining()) {
            client.read(b);
          }
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      };
      measure("round trips", 4, warmupMs, measureMs, op, echo);
      client.close();
      echo.join();
    }
  }

  /** 64 KiB writes drained by a reader: one operation is one 64 KiB chunk. */
  static void bulk(long warmupMs, long measureMs) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK);
        Socket client = new Socket(LOOPBACK, server.getLocalPort());
        Socket peer = server.accept()) {
      Thread drain = new Thread(() -> {
        byte[] buf = new byte[64 * 1024];
        try {
          InputStream in = peer.getInputStream();
          while (in.read(buf) >= 0) {
            // discard
          }
        } catch (IOException e) {
          // closed
        }
      }, "drain");
      drain.start();
      byte[] chunk = new byte[64 * 1024];
      OutputStream out = client.getOutputStream();
      Runnable op = () -> {
        try {
          out.write(chunk);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      };
      // A 64 KiB write and about two reads of it on the other side.
      measure("64 KiB chunks", 3, warmupMs, measureMs, op, drain);
      client.close();
      drain.join();
    }
  }

  /** Connect, one 64-byte exchange, close: the life of a short connection. */
  static void churn(long warmupMs, long measureMs) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1024, LOOPBACK)) {
      AtomicBoolean stop = new AtomicBoolean();
      Thread acceptor = new Thread(() -> {
        byte[] buf = new byte[64];
        while (!stop.get()) {
          try (Socket s = server.accept()) {
            readFully(s.getInputStream(), buf, 64);
            s.getOutputStream().write(buf);
          } catch (IOException e) {
            // closed, or the client went away
          }
        }
      }, "acceptor");
      acceptor.start();
      byte[] msg = new byte[64];
      Runnable op = () -> {
        try (Socket c = new Socket(LOOPBACK, server.getLocalPort())) {
          c.getOutputStream().write(msg);
          readFully(c.getInputStream(), msg, 64);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      };
      measure("connections", 4, warmupMs, measureMs, op, acceptor);
      stop.set(true);
      server.close();
      acceptor.join();
    }
  }

  /** The JDK HttpClient against the JDK's HttpServer, one keep-alive connection. */
  static void httpKeepAlive(long warmupMs, long measureMs) throws Exception {
    // Without it the server's separate header and body writes meet delayed ACKs: 40 ms a request.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer server = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 50);
    byte[] body = new byte[128];
    server.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    try {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpRequest request = HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/")).GET().build();
      Runnable op = () -> {
        try {
          client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException | InterruptedException e) {
          throw new IllegalStateException(e);
        }
      };
      // Threads of the client and server are many and pooled: CPU and allocation are not per call.
      measure("requests", 0, warmupMs, measureMs, op);
    } finally {
      server.stop(0);
    }
  }

  private static void echo(Socket peer, int size, AtomicBoolean stop) {
    byte[] buf = new byte[size];
    try {
      InputStream in = peer.getInputStream();
      OutputStream out = peer.getOutputStream();
      while (!stop.get()) {
        readFully(in, buf, size);
        out.write(buf);
      }
    } catch (IOException e) {
      // closed
    }
  }

  private static void readFully(InputStream in, byte[] b, int n) throws IOException {
    for (int off = 0; off < n; ) {
      int r = in.read(b, off, n - off);
      if (r < 0) {
        throw new IOException("EOF");
      }
      off += r;
    }
  }

  /**
   * Runs {@code op} on this thread for the warm-up, then for the measured period, and prints the
   * operations per second and, for this thread and {@code helpers}, CPU nanoseconds and bytes
   * allocated per operation; and the whole JVM's CPU per socket call, because a gap in throughput
   * can sit in the JVM's other threads (compiler, collector, the agent's) on the same pinned CPU.
   */
  private static void measure(String unit, int socketCallsPerOp, long warmupMs, long measureMs,
      Runnable op, Thread... helpers) {
    long warmEnd = System.nanoTime() + warmupMs * 1_000_000;
    while (System.nanoTime() < warmEnd) {
      op.run();
    }
    List<Long> ids = new ArrayList<>();
    ids.add(Thread.currentThread().getId());
    for (Thread t : helpers) {
      ids.add(t.getId());
    }
    long[] idArray = ids.stream().mapToLong(Long::longValue).toArray();
    if (Boolean.getBoolean(ON_OFF)) {
      onOff(socketCallsPerOp, measureMs, op, idArray);
      return;
    }
    long cpu0 = cpu(idArray);
    long jvm0 = processCpuNanos();
    long alloc0 = allocated(idArray);
    long start = System.nanoTime();
    long end = start + measureMs * 1_000_000;
    long ops = 0;
    while (System.nanoTime() < end) {
      op.run();
      ops++;
    }
    long elapsed = System.nanoTime() - start;
    long cpu = cpu(idArray) - cpu0;
    long jvm = processCpuNanos() - jvm0;
    long alloc = allocated(idArray) - alloc0;
    System.out.printf(java.util.Locale.ROOT,
        "RESULT unit=%s opsPerSec=%.1f cpuNsPerCall=%.1f jvmCpuNsPerCall=%.1f allocPerOp=%.1f"
            + " calls=%d%n",
        unit.replace(' ', '_'), ops * 1e9 / elapsed,
        socketCallsPerOp == 0 ? Double.NaN : cpu / (double) (ops * socketCallsPerOp),
        socketCallsPerOp == 0 ? Double.NaN : jvm / (double) (ops * socketCallsPerOp),
        socketCallsPerOp == 0 ? Double.NaN : alloc / (double) ops, ops * socketCallsPerOp);
  }

  /**
   * With the agent: its hooks switched off once it is ready (as a detach leaves them), so that what
   * the agent costs a JVM without tracking anything (its woven code, its threads, its memory) can be
   * told from what the tracking costs.
   */
  static final String HOOKS_OFF = "benchmark.hooksOff";

  /** With the agent: run the measured period as half-second windows, its hooks on and off in turn. */
  static final String ON_OFF = "benchmark.onOff";

  /**
   * The agent's own cost, without the noise of comparing two JVMs: JIT state and memory layout are
   * the same in both kinds of window. Off is the agent's own off switch (the hooks' dispatcher
   * uninstalled, as after a detach): the advice still runs and returns at once. Prints the median
   * CPU per socket call and throughput of each kind.
   */
  static void onOff(int socketCallsPerOp, long measureMs, Runnable op, long[] ids) {
    Object dispatcher = AgentHooks.required("the on/off mode");
    Method install;
    try {
      install = AgentHooks.installMethod();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
    List<double[]> on = new ArrayList<>();
    List<double[]> off = new ArrayList<>();
    long end = System.nanoTime() + measureMs * 1_000_000;
    try {
      for (int w = 0; System.nanoTime() < end; w++) {
        boolean tracking = w % 2 == 0;
        install.invoke(null, tracking ? dispatcher : null);
        long cpu0 = cpu(ids);
        long jvm0 = processCpuNanos();
        long alloc0 = allocated(ids);
        long start = System.nanoTime();
        long ops = 0;
        while (System.nanoTime() - start < 500_000_000L) {
          op.run();
          ops++;
        }
        long elapsed = System.nanoTime() - start;
        (tracking ? on : off).add(new double[] {
          (cpu(ids) - cpu0) / (double) (ops * socketCallsPerOp), ops * 1e9 / elapsed,
          (processCpuNanos() - jvm0) / (double) (ops * socketCallsPerOp),
          (allocated(ids) - alloc0) / (double) ops});
      }
      install.invoke(null, dispatcher);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
    System.out.printf(java.util.Locale.ROOT,
        "RESULT windows=%d onCpuNsPerCall=%.1f offCpuNsPerCall=%.1f onOpsPerSec=%.1f offOpsPerSec=%.1f"
            + " onJvmCpuNsPerCall=%.1f offJvmCpuNsPerCall=%.1f onAllocPerOpAll=%.0f offAllocPerOpAll=%.0f%n",
        on.size() + off.size(), medianOf(on, 0), medianOf(off, 0), medianOf(on, 1), medianOf(off, 1),
        medianOf(on, 2), medianOf(off, 2), medianOf(on, 3), medianOf(off, 3));
  }

  private static double medianOf(List<double[]> windows, int column) {
    return median(windows.stream().mapToDouble(w -> w[column]).toArray());
  }

  /** The median of {@code values}, for this class and {@link BenchmarkMain}. */
  static double median(double[] values) {
    double[] v = values.clone();
    java.util.Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** The whole JVM's CPU time so far, for every workload's {@code jvmCpuNsPerCall}. */
  static long processCpuNanos() {
    return PROCESS.getProcessCpuTime();
  }

  /** CPU time of the threads {@code ids} so far (a thread that ended counts 0). */
  static long cpu(long[] ids) {
    return sumOfKnown(THREADS.getThreadCpuTime(ids));
  }

  /** Bytes allocated by the threads {@code ids} so far. */
  static long allocated(long[] ids) {
    return sumOfKnown(THREADS.getThreadAllocatedBytes(ids));
  }

  /** The sum of the per-thread values the JVM knows (it gives -1 for the others). */
  private static long sumOfKnown(long[] perThread) {
    long sum = 0;
    for (long v : perThread) {
      sum += Math.max(0, v);
    }
    return sum;
  }
}
