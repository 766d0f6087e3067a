package io.resettracer.samples;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * IDLE_TIMEOUT: a pooled client behind a load balancer that forgets idle connections. The balancer
 * is another process: a loopback relay that drops its state for a connection idle longer than 2 s
 * (an AWS NLB or NAT gateway does this after 350 s) and answers that connection's next packet with
 * an RST, no FIN before it. The client reuses six pooled connections one request at a time, after
 * idle gaps below the limit (they work) and above it (the request is written, the reply read gets
 * "Connection reset"), so the resets cluster just above 2 s of idle and none happen below.
 *
 * <p>{@code IdleTimeoutSample balancer} runs the balancer.
 */
public final class IdleTimeoutSample {

  static final long BALANCER_IDLE_LIMIT_MS = 2_000;
  /**
   * Per pooled connection, the idle gaps before each reuse: below the limit by at least 400 ms and
   * above it by 200 to 600 ms, so a busy machine's scheduling delays cannot blur the two.
   */
  static final long[][] IDLE_GAPS_MS = {
      {400, 2_300, 900},
      {1_200, 600, 2_500},
      {2_200, 1_500},
      {700, 1_600, 2_400},
      {1_000, 2_600},
      {300, 1_400, 800},
  };

  private IdleTimeoutSample() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("balancer")) {
      runBalancer();
      return;
    }
    Report.expect("IDLE_TIMEOUT");
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (Peer balancer = Peer.start("balancer", IdleTimeoutSample.class, "balancer")) {
      Report.say("the balancer, %s, forgets connections idle longer than %d ms", balancer,
          BALANCER_IDLE_LIMIT_MS);
      try (ConnectionPool pool = new ConnectionPool(
          new InetSocketAddress(loopback, balancer.port()),
          (s, n, progress) -> LineProtocol.exchange(s, "get item " + n, progress))) {
        pool.open(IDLE_GAPS_MS.length, 150);
        pool.reuseStaggered(IDLE_GAPS_MS);
        pool.summarize(BALANCER_IDLE_LIMIT_MS, "the balancer's idle limit");
      }
    }
  }

  /** The balancer process: an echo backend behind an idle-dropping relay; prints its port. */
  private static void runBalancer() throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    ServerSocket backend = new ServerSocket(0, 50, loopback);
    AcceptLoop.start("backend", backend, LineProtocol::echo);
    ServerSocket front = new ServerSocket(0, 50, loopback);
    new Relay(new InetSocketAddress(loopback, backend.getLocalPort()), BALANCER_IDLE_LIMIT_MS)
        .serve(front);
    Peer.announce(front.getLocalPort());
    Thread.currentThread().join();
  }
}
