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
import io.netty.channel.ServerChannel;
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
 *
 * <p>Transports: {@code epoll}, {@code nio}, and Netty 4.2's {@code io_uring}. These classes compile
 * against Netty 4.1, which has no io_uring: its three 4.2-only types are reached by name.
 */
final class NettyScenarios {

  private NettyScenarios() {}

  static void run(boolean epoll) throws Exception {
    run(epoll ? "epoll" : "nio");
  }

  static void run(String transport) throws Exception {
    // Netty's leak detector wraps a random one in 128 buffers, which adds a frame to the stack of
    // the exception the application sees: the runs with and without the agent must not differ by
    // chance.
    io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
    Transport t = Transport.of(transport);
    if (t == null) {
      return;
    }
    EventLoopGroup group = t.group(2);
    try {
      CompletableFuture<Channel> accepted = new CompletableFuture<>();
      Channel server =
          new ServerBootstrap()
              .group(group)
              .channel(t.serverChannel)
              .childHandler(new ServerSide(accepted))
              .bind(new InetSocketAddress(LOOPBACK, 0))
              .sync()
              .channel();
      ClientSide client = new ClientSide();
      Channel c =
          new Bootstrap()
              .group(group)
              .channel(t.channel)
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

  /** Round trips of {@link #PING} bytes each way in the ping-pong scenario. */
  static final int ROUND_TRIPS = 200;
  static final int PING = 64;

  /**
   * Ping-pong on one connection, then a clean close from both ends: every read and write goes
   * through the agent's hooks, and none of it may become an event.
   */
  static void pingPong(String transport) throws Exception {
    io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
    Transport t = Transport.of(transport);
    if (t == null) {
      return;
    }
    EventLoopGroup group = t.group(2);
    try {
      Channel server =
          new ServerBootstrap()
              .group(group)
              .channel(t.serverChannel)
              .childHandler(new Echo())
              .bind(new InetSocketAddress(LOOPBACK, 0))
              .sync()
              .channel();
      Pinger pinger = new Pinger();
      Channel c =
          new Bootstrap()
              .group(group)
              .channel(t.channel)
              .handler(pinger)
              .connect(server.localAddress())
              .sync()
              .channel();
      fact("nettyVersion", io.netty.util.Version.identify(NettyScenarios.class.getClassLoader())
          .get("netty-transport").artifactVersion());
      c.writeAndFlush(Unpooled.wrappedBuffer(new byte[PING])).sync();
      System.out.println(pinger.done.get(30, TimeUnit.SECONDS) ? "APP-OK" : "APP-SHORT");
      fact("roundTrips", ROUND_TRIPS);
      c.close().sync();
      server.close().sync();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  /** A transport's event loops and channel classes, or null (said with SKIP) when unavailable. */
  private static final class Transport {
    final String name;
    final Class<? extends ServerChannel> serverChannel;
    final Class<? extends Channel> channel;

    private Transport(String name, Class<? extends ServerChannel> serverChannel,
        Class<? extends Channel> channel) {
      this.name = name;
      this.serverChannel = serverChannel;
      this.channel = channel;
    }

    static Transport of(String name) throws Exception {
      switch (name) {
        case "nio":
          return new Transport(name, NioServerSocketChannel.class, NioSocketChannel.class);
        case "epoll":
          if (!Epoll.isAvailable()) {
            System.out.println(
                "SKIP Netty's epoll transport is unavailable: " + Epoll.unavailabilityCause());
            return null;
          }
          return new Transport(name, EpollServerSocketChannel.class, EpollSocketChannel.class);
        case "io_uring":
          Class<?> ioUring;
          try {
            ioUring = Class.forName("io.netty.channel.uring.IoUring");
          } catch (ClassNotFoundException e) {
            System.out.println("SKIP Netty's io_uring transport needs Netty 4.2 and its"
                + " netty-transport-native-io_uring jar on the class path");
            return null;
          }
          if (!(Boolean) ioUring.getMethod("isAvailable").invoke(null)) {
            System.out.println("SKIP Netty's io_uring transport is unavailable here: "
                + ioUring.getMethod("unavailabilityCause").invoke(null));
            return null;
          }
          return new Transport(name,
              Class.forName("io.netty.channel.uring.IoUringServerSocketChannel")
                  .asSubclass(ServerChannel.class),
              Class.forName("io.netty.channel.uring.IoUringSocketChannel")
                  .asSubclass(Channel.class));
        default:
          throw new IllegalArgumentException("no Netty transport " + name);
      }
    }

    @SuppressWarnings("deprecation") // EpollEventLoopGroup and NioEventLoopGroup: 4.1's API
    EventLoopGroup group(int threads) throws Exception {
      switch (name) {
        case "nio":
          return new NioEventLoopGroup(threads);
        case "epoll":
          return new EpollEventLoopGroup(threads);
        default:
          // Netty 4.2: new MultiThreadIoEventLoopGroup(threads, IoUringIoHandler.newFactory())
          Object factory = Class.forName("io.netty.channel.uring.IoUringIoHandler")
              .getMethod("newFactory").invoke(null);
          return (EventLoopGroup) Class.forName("io.netty.channel.MultiThreadIoEventLoopGroup")
              .getConstructor(int.class, Class.forName("io.netty.channel.IoHandlerFactory"))
              .newInstance(threads, factory);
      }
    }
  }

  /** Echoes every byte back. */
  private static final class Echo extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.writeAndFlush(msg);
    }
  }

  /** Sends the next ping once the whole pong is back; done after {@link #ROUND_TRIPS}. */
  private static final class Pinger extends ChannelInboundHandlerAdapter {
    final CompletableFuture<Boolean> done = new CompletableFuture<>();
    private int pending = PING;
    private int roundTrips;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf b = (ByteBuf) msg;
      pending -= b.readableBytes();
      b.release();
      if (pending <= 0) {
        pending = PING;
        if (++roundTrips == ROUND_TRIPS) {
          done.complete(true);
        } else {
          ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[PING]));
        }
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      appException(cause);
      done.complete(false);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      done.complete(false);
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
