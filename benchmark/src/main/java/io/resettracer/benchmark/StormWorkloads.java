package io.resettracer.benchmark;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The application when things go wrong, and at scale: a client reconnecting into a server that
 * resets every connection (a reset storm), with many file descriptors open beside it, and connection
 * churn across thousands of distinct peers. Prints the same RESULT line as {@link Workloads}, with
 * the time the failing call itself took.
 */
final class StormWorkloads {

  private StormWorkloads() {}

  /**
   * Connect, send a request, read: the server reads the request and resets the connection (SO_LINGER
   * 0), so every read fails with "Connection reset". {@code fds} descriptors are held open besides.
   */
  static void storm(long warmupMs, long measureMs, int fds) throws Exception {
    List<InputStream> held = holdDescriptors(fds);
    try (ServerSocket server = new ServerSocket(0, 1024, Workloads.LOOPBACK)) {
      AtomicBoolean stop = new AtomicBoolean();
      Thread resetter = new Thread(() -> {
        byte[] buf = new byte[64];
        while (!stop.get()) {
          try {
            Socket s = server.accept();
            readFully(s.getInputStream(), buf);
            s.setSoLinger(true, 0);
            s.close();
          } catch (IOException e) {
            // closed at the end
          }
        }
      }, "resetter");
      resetter.start();
      byte[] msg = new byte[64];
      long[] failNanos = new long[1];
      long[] failures = new long[1];
      Runnable op = () -> {
        try (Socket c = new Socket(Workloads.LOOPBACK, server.getLocalPort())) {
          c.getOutputStream().write(msg);
          InputStream in = c.getInputStream();
          long t0 = System.nanoTime();
          try {
            // Blocks until the reset arrives; the time that counts is from the reset to the
            // exception, which is what the agent could add to: measured as the call's whole time.
            in.read(msg);
          } catch (SocketException reset) {
            failNanos[0] += System.nanoTime() - t0;
            failures[0]++;
          }
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      };
      long warmEnd = System.nanoTime() + warmupMs * 1_000_000;
      while (System.nanoTime() < warmEnd) {
        op.run();
      }
      failNanos[0] = 0;
      failures[0] = 0;
      String result = null;
      if (Boolean.getBoolean(Workloads.ON_OFF)) {
        // CPU per reset of the client and the server thread together, hooks on and off in turn;
        // prints its own result.
        Workloads.onOff(1, measureMs, op, new long[] {Thread.currentThread().getId(), resetter.getId()});
      } else {
        CpuSplit cpu = new CpuSplit(Thread.currentThread(), resetter);
        long start = System.nanoTime();
        long end = start + measureMs * 1_000_000;
        long ops = 0;
        while (System.nanoTime() < end) {
          op.run();
          ops++;
        }
        long elapsed = System.nanoTime() - start;
        result = String.format(Locale.ROOT,
            "RESULT unit=resets opsPerSec=%.1f failNsPerReset=%.0f resets=%d fds=%d %s",
            ops * 1e9 / elapsed, failures[0] == 0 ? Double.NaN : failNanos[0] / (double) failures[0],
            failures[0], held.size(), cpu.perOp(ops));
      }
      stop.set(true);
      server.close();
      resetter.join();
      if (result != null) {
        System.out.println(result);
      }
    } finally {
      for (InputStream in : held) {
        in.close();
      }
    }
  }

  /**
   * Connect, one 64-byte exchange, close, each time to the next of {@code peers} distinct peers: the
   * addresses 127.0.x.y (all of 127/8 is this host's loopback on Linux) on one server port.
   */
  static void churnPeers(long warmupMs, long measureMs, int peers) throws Exception {
    try (ServerSocket server = new ServerSocket()) {
      server.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0), 1024);
      AtomicBoolean stop = new AtomicBoolean();
      Thread acceptor = new Thread(() -> {
        byte[] buf = new byte[64];
        while (!stop.get()) {
          try (Socket s = server.accept()) {
            readFully(s.getInputStream(), buf);
            s.getOutputStream().write(buf);
          } catch (IOException e) {
            // closed, or the client went away
          }
        }
      }, "acceptor");
      acceptor.start();
      InetSocketAddress[] targets = new InetSocketAddress[peers];
      for (int i = 0; i < peers; i++) {
        int n = i + 1;
        targets[i] = new InetSocketAddress(
            InetAddress.getByAddress(new byte[] {127, (byte) (n >> 16), (byte) (n >> 8), (byte) n}),
            server.getLocalPort());
      }
      byte[] msg = new byte[64];
      int[] next = new int[1];
      Runnable op = () -> {
        InetSocketAddress to = targets[next[0]];
        next[0] = (next[0] + 1) % targets.length;
        try (Socket c = new Socket()) {
          c.connect(to);
          c.getOutputStream().write(msg);
          readFully(c.getInputStream(), msg);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      };
      long warmEnd = System.nanoTime() + warmupMs * 1_000_000;
      while (System.nanoTime() < warmEnd) {
        op.run();
      }
      CpuSplit cpu = new CpuSplit(Thread.currentThread(), acceptor);
      long start = System.nanoTime();
      long end = start + measureMs * 1_000_000;
      long ops = 0;
      while (System.nanoTime() < end) {
        op.run();
        ops++;
      }
      long elapsed = System.nanoTime() - start;
      String cpuPerOp = cpu.perOp(ops);
      stop.set(true);
      server.close();
      acceptor.join();
      System.out.printf(Locale.ROOT, "RESULT unit=connections opsPerSec=%.1f peers=%d %s%n",
          ops * 1e9 / elapsed, peers, cpuPerOp);
    }
  }

  /**
   * Where the CPU of a measured period went, per operation: the whole JVM, the workload's own
   * threads, and the agent's threads; the rest is the JVM's (its compilers, collector). Pinned to
   * one CPU, the agent's threads and the JIT compiling the agent's code take their time from the
   * workload: this says which, and is far less sensitive than throughput to other load on the
   * machine.
   */
  private static final class CpuSplit {
    private final long[] workload;
    private final long jvmAtStart;
    private final long workloadAtStart;
    private final long agentAtStart;

    CpuSplit(Thread... workloadThreads) {
      workload = new long[workloadThreads.length];
      for (int i = 0; i < workload.length; i++) {
        workload[i] = workloadThreads[i].getId();
      }
      jvmAtStart = Workloads.processCpuNanos();
      workloadAtStart = Workloads.cpu(workload);
      agentAtStart = Workloads.cpu(agentThreads());
    }

    String perOp(long ops) {
      long jvm = Workloads.processCpuNanos() - jvmAtStart;
      long own = Workloads.cpu(workload) - workloadAtStart;
      long agent = Workloads.cpu(agentThreads()) - agentAtStart;
      return String.format(Locale.ROOT,
          "jvmCpuNsPerOp=%.0f workloadCpuNsPerOp=%.0f agentThreadsCpuNsPerOp=%.0f",
          jvm / (double) ops, own / (double) ops, agent / (double) ops);
    }

    /** The agent's own threads, which all carry its name. */
    private static long[] agentThreads() {
      return Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().startsWith("reset-tracer"))
          .mapToLong(Thread::getId).toArray();
    }
  }

  private static List<InputStream> holdDescriptors(int n) throws IOException {
    List<InputStream> held = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      held.add(new FileInputStream("/dev/null"));
    }
    return held;
  }

  private static void readFully(InputStream in, byte[] b) throws IOException {
    int off = 0;
    while (off < b.length) {
      int n = in.read(b, off, b.length - off);
      if (n < 0) {
        throw new IOException("end of stream");
      }
      off += n;
    }
  }
}
