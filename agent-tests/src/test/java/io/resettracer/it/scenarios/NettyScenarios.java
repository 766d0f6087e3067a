package io.resettracer.it.scenarios;

import static io.resettracer.it.scenarios.Scenarios.IDLE_MS;
import static io.resettracer.it.scenarios.Scenarios.LOOPBACK;
import static io.resettracer.it.scenarios.Scenarios.appException;
import static io.resettracer.it.scenarios.Scenarios.fact;
import static io.resettracer.it.scenarios.Scenarios.requestFacts;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Netty on loopback, client and server in one JVM: one 100/10 exchange, a pause, a 5-byte request
 * that the server answers by resetting the connection (SO_LINGER 0). The client's read fails with
 * Netty's own exception, which the application sees in {@code exceptionCaught}.
 */
final class NettyScenarios {

  private NettyScenarios() {}

  static void run(boolean epoll) throws Exception {
    // Netty's leak detector wraps a random one in 128 buffers, which adds a frame to the stack of
    // the exception the application sees: the runs with and without the agent must not differ by
    // chance.
    io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
    if (epoll && !Epoll.isAvailable()) {
      System.out.println("SKIP Netty's epoll transport is unavailable: " + Epoll.unavailabilityCause());
      return;
    }
    EventLoopGroup group = epoll ? new EpollEventLoopGroup(2) : new NioEventLoopGroup(2);
    try {
      CompletableFuture<Channel> accepted = new CompletableFuture<>();
      Channel server =
          new ServerBootstrap()
              .group(group)
              .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
              .childHandler(new ServerSide(accepted))
              .bind(new InetSocketAddress(LOOPBACK, 0))
              .sync()
              .channel();
      ClientSide client = new ClientSide();
      Channel c =
          new Bootstrap()
              .group(group)
              .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
              .handler(client)
              .connect(server.localAddress())
              .sync()
              .channel();
      fact("serverPort", ((InetSocketAddress) server.localAddress()).getPort());
      fact("clientPort", ((InetSocketAddress) c.localAddress()).getPort());
      fact("idleMs", IDLE_MS);
      fact("nettyVersion", io.netty.util.Version.identify(NettyScenarios.class.getClassLoader())
          .get("netty-transport").artifactVersion());
      requestFacts("read");

      c.writeAndFlush(Unpooled.wrappedBuffer(new byte[100])).sync();
      client.reply.get(10, TimeUnit.SECONDS);
      Thread.sleep(IDLE_MS);
      c.writeAndFlush(Unpooled.wrappedBuffer(new byte[5])).sync();
      Throwable failure = client.failure.get(10, TimeUnit.SECONDS);
      appException(failure);
      c.close().sync();
      server.close().sync();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  /** Answers the 100-byte request with 10 bytes; resets the connection on the next request. */
  private static final class ServerSide extends ChannelInboundHandlerAdapter {
    private final CompletableFuture<Channel> accepted;
    private int received;

    ServerSide(CompletableFuture<Channel> accepted) {
      this.accepted = accepted;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      accepted.complete(ctx.channel());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf b = (ByteBuf) msg;
      received += b.readableBytes();
      b.release();
      if (received == 100) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[10]));
      } else if (received > 100) {
        ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
        ctx.close();
      }
    }
  }

  private static final class ClientSide extends ChannelInboundHandlerAdapter {
    final CompletableFuture<Void> reply = new CompletableFuture<>();
    final CompletableFuture<Throwable> failure = new CompletableFuture<>();
    private int received;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf b = (ByteBuf) msg;
      received += b.readableBytes();
      b.release();
      if (received >= 10) {
        reply.complete(null);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      failure.complete(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      failure.complete(new IllegalStateException("closed without an exception"));
    }
  }
}
