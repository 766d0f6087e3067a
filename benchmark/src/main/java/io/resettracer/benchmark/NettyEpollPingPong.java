package io.resettracer.benchmark;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
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
    EventLoopGroup serverLoop = new EpollEventLoopGroup(1);
    EventLoopGroup clientLoop = new EpollEventLoopGroup(1);
    AtomicLong roundTrips = new AtomicLong();
    try {
      Channel server =
          new ServerBootstrap().group(serverLoop).channel(EpollServerSocketChannel.class)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(new Echo())
              .bind(new InetSocketAddress(Workloads.LOOPBACK, 0)).sync().channel();
      Channel client =
          new Bootstrap().group(clientLoop).channel(EpollSocketChannel.class)
              .option(ChannelOption.TCP_NODELAY, true)
              .handler(new Pinger(roundTrips))
              .connect(server.localAddress()).sync().channel();
      Thread serverThread = serverLoop.submit(Thread::currentThread).get();
      Thread clientThread = clientLoop.submit(Thread::currentThread).get();
      long[] ids = {serverThread.getId(), clientThread.getId()};
      client.writeAndFlush(client.alloc().buffer(64).writeZero(64));
      Thread.sleep(warmupMs);
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
