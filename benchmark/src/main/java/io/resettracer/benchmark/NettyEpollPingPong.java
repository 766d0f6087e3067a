package io.resettracer.benchmark;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * 64-byte ping-pong over Netty's native epoll transport: the client's handler sends the next ping as
 * soon as the pong arrives, on the event loop, so the measured threads do nothing but Netty's own
 * work (one read and one write per side per round trip).
 */
final class NettyEpollPingPong {

  private NettyEpollPingPong() {}

  static void run(long warmupMs, long measureMs) throws Exception {
    if (!Epoll.isAvailable()) {
      throw new IllegalStateException("epoll unavailable: " + Epoll.unavailabilityCause());
    }
    // One loop for the server, one for the client: two threads, as in the other ping-pongs.
    measure(new EpollEventLoopGroup(1), new EpollEventLoopGroup(1), EpollServerSocketChannel.class,
        EpollSocketChannel.class, warmupMs, measureMs);
  }

  /**
   * Measures the ping-pong on the given loops (one thread each) and channel types, prints the
   * {@code RESULT} line, and shuts the loops down.
   */
  static void measure(EventLoopGroup serverLoop, EventLoopGroup clientLoop,
      Class<? extends ServerChannel> serverType, Class<? extends Channel> clientType,
      long warmupMs, long measureMs) throws Exception {
    AtomicLong roundTrips = new AtomicLong();
    try {
      Channel server =
          new ServerBootstrap().group(serverLoop).channel(serverType)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(new Echo())
              .bind(new InetSocketAddress(Workloads.LOOPBACK, 0)).sync().channel();
      Channel client =
          new Bootstrap().group(clientLoop).channel(clientType)
              .option(ChannelOption.TCP_NODELAY, true)
              .handler(new Pinger(roundTrips))
              .connect(server.localAddress()).sync().channel();
      Thread serverThread = serverLoop.submit(Thread::currentThread).get();
      Thread clientThread = clientLoop.submit(Thread::currentThread).get();
      long[] ids = {serverThread.getId(), clientThread.getId()};
      client.writeAndFlush(client.alloc().buffer(64).writeZero(64));
      Thread.sleep(warmupMs);
      if (Boolean.getBoolean(Workloads.ON_OFF)) {
        onOff(roundTrips, ids, measureMs);
        client.close().sync();
        server.close().sync();
        return;
      }
      long ops0 = roundTrips.get();
      long cpu0 = Workloads.cpu(ids);
      long alloc0 = Workloads.allocated(ids);
      long jvm0 = Workloads.processCpuNanos();
      long start = System.nanoTime();
      Thread.sleep(measureMs);
      long ops = roundTrips.get() - ops0;
      long elapsed = System.nanoTime() - start;
      long cpu = Workloads.cpu(ids) - cpu0;
      long alloc = Workloads.allocated(ids) - alloc0;
      long jvm = Workloads.processCpuNanos() - jvm0;
      System.out.printf(java.util.Locale.ROOT,
          "RESULT unit=round_trips opsPerSec=%.1f cpuNsPerCall=%.1f jvmCpuNsPerCall=%.1f"
              + " allocPerOp=%.1f calls=%d%n",
          ops * 1e9 / elapsed, cpu / (double) (ops * 4), jvm / (double) (ops * 4),
          alloc / (double) ops, ops * 4);
      client.close().sync();
      server.close().sync();
    } finally {
      clientLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
      serverLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  /**
   * The agent's hooks on and off in half-second windows of one JVM, as {@code Workloads}' on/off
   * mode does for the blocking workloads: the same JIT state and memory layout in both kinds of
   * window, so a shared machine's drift falls on both. Prints the median of each kind.
   */
  private static void onOff(AtomicLong roundTrips, long[] ids, long measureMs) throws Exception {
    java.lang.reflect.Method install = AgentHooks.installMethod();
    Object dispatcher = AgentHooks.installed();
    if (dispatcher == null) {
      throw new IllegalStateException("the agent's hooks are not installed");
    }
    java.util.List<double[]> on = new java.util.ArrayList<>();
    java.util.List<double[]> off = new java.util.ArrayList<>();
    long end = System.nanoTime() + measureMs * 1_000_000;
    try {
      for (int w = 0; System.nanoTime() < end; w++) {
        boolean tracking = w % 2 == 0;
        install.invoke(null, tracking ? dispatcher : null);
        long ops0 = roundTrips.get();
        long cpu0 = Workloads.cpu(ids);
        long alloc0 = Workloads.allocated(ids);
        long start = System.nanoTime();
        Thread.sleep(500);
        long ops = roundTrips.get() - ops0;
        long elapsed = System.nanoTime() - start;
        (tracking ? on : off).add(new double[] {
          (Workloads.cpu(ids) - cpu0) / (double) (ops * 4), ops * 1e9 / elapsed,
          (Workloads.allocated(ids) - alloc0) / (double) ops});
      }
    } finally {
      install.invoke(null, dispatcher);
    }
    System.out.printf(java.util.Locale.ROOT,
        "RESULT windows=%d onCpuNsPerCall=%.1f offCpuNsPerCall=%.1f onOpsPerSec=%.1f"
            + " offOpsPerSec=%.1f onAllocPerOp=%.1f offAllocPerOp=%.1f%n",
        on.size() + off.size(), median(on, 0), median(off, 0), median(on, 1), median(off, 1),
        median(on, 2), median(off, 2));
  }

  private static double median(java.util.List<double[]> windows, int column) {
    return Workloads.median(windows.stream().mapToDouble(w -> w[column]).toArray());
  }

  /** Echoes every byte back. */
  private static final class Echo extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.writeAndFlush(msg);
    }
  }

  /** Sends the next 64-byte ping once the whole pong is back. */
  private static final class Pinger extends ChannelInboundHandlerAdapter {
    private final AtomicLong roundTrips;
    private int pending = 64;

    Pinger(AtomicLong roundTrips) {
      this.roundTrips = roundTrips;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf b = (ByteBuf) msg;
      pending -= b.readableBytes();
      b.release();
      if (pending <= 0) {
        pending = 64;
        roundTrips.lazySet(roundTrips.get() + 1);
        ctx.writeAndFlush(ctx.alloc().buffer(64).writeZero(64));
      }
    }
  }
}
