package io.resettracer.benchmark;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;

/**
 * The Netty ping-pong of {@link NettyEpollPingPong} over Netty 4.2's io_uring transport, whose reads
 * and writes are completions of the ring rather than system calls of their own. The benchmark
 * compiles against Netty 4.1, which has no io_uring: the 4.2-only types are reached by name, and
 * the child runs with Netty 4.2's jars ahead of 4.1's on its class path (see {@link BenchmarkMain}).
 */
final class NettyIoUringPingPong {

  private NettyIoUringPingPong() {}

  static void run(long warmupMs, long measureMs) throws Exception {
    Class<?> ioUring = Class.forName("io.netty.channel.uring.IoUring");
    if (!(Boolean) ioUring.getMethod("isAvailable").invoke(null)) {
      throw new IllegalStateException(
          "io_uring unavailable: " + ioUring.getMethod("unavailabilityCause").invoke(null));
    }
    NettyEpollPingPong.measure(group(), group(),
        Class.forName("io.netty.channel.uring.IoUringServerSocketChannel")
            .asSubclass(ServerChannel.class),
        Class.forName("io.netty.channel.uring.IoUringSocketChannel").asSubclass(Channel.class),
        warmupMs, measureMs);
  }

  /** {@code new MultiThreadIoEventLoopGroup(1, IoUringIoHandler.newFactory())}: one thread. */
  private static EventLoopGroup group() throws Exception {
    Object factory =
        Class.forName("io.netty.channel.uring.IoUringIoHandler").getMethod("newFactory").invoke(null);
    return (EventLoopGroup) Class.forName("io.netty.channel.MultiThreadIoEventLoopGroup")
        .getConstructor(int.class, Class.forName("io.netty.channel.IoHandlerFactory"))
        .newInstance(1, factory);
  }
}
