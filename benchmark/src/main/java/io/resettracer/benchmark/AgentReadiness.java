package io.resettracer.benchmark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Holds a workload's traffic back until the agent, if present, has instrumented the JDK's socket
 * classes.
 *
 * <p>The agent readies its weaver on a background thread (about half a second after JVM start here)
 * and meanwhile lets socket classes load unwoven, then retransforms them. Traffic that began at once
 * has by then had its hot paths compiled; the JIT recompiles them against the freshly woven methods,
 * which have no profile yet, and leaves some of the JDK's own calls out of line for good (seen with
 * {@code -XX:+PrintInlining}: {@code implRead}, {@code tryLock} and the lock's {@code unlock} in
 * {@code NioSocketImpl.read}). An application's own start-up nearly always outlasts that half second,
 * so the main figures begin traffic once the agent is ready; the benchmark's "first seconds" section
 * measures traffic from the first instant.
 */
final class AgentReadiness {

  /** Set on a child JVM: start traffic at once, as an application whose traffic begins with it. */
  static final String TRAFFIC_AT_ONCE = "benchmark.trafficAtOnce";

  private AgentReadiness() {}

  /**
   * Returns once connections over both {@code Socket} and {@code SocketChannel} are seen by the
   * agent, at once without the agent or with {@link #TRAFFIC_AT_ONCE}.
   */
  static void await() throws Exception {
    Object tracker = AgentHooks.installed();
    if (tracker == null || Boolean.getBoolean(TRAFFIC_AT_ONCE)) {
      return;
    }
    java.lang.reflect.Method opened = tracker.getClass().getMethod("openedConnections");
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      long before = (long) opened.invoke(tracker);
      probe();
      // Both ends of both pairs: four connections opened.
      if ((long) opened.invoke(tracker) - before >= 4) {
        return;
      }
      Thread.sleep(50);
    }
    System.err.println("the agent did not instrument the socket classes within 30 s; measuring anyway");
  }

  private static void probe() throws IOException {
    try (ServerSocket server = new ServerSocket(0, 1, Workloads.LOOPBACK);
        Socket c = new Socket(Workloads.LOOPBACK, server.getLocalPort());
        Socket s = server.accept()) {
      // connected: both ends opened
    }
    try (ServerSocketChannel server =
            ServerSocketChannel.open().bind(new InetSocketAddress(Workloads.LOOPBACK, 0), 1);
        SocketChannel c = SocketChannel.open(server.getLocalAddress());
        SocketChannel s = server.accept()) {
      // connected: both ends opened
    }
  }
}
