package io.resettracer.instrument;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.nameEndsWith;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.resettracer.bootstrap.ResetTracerHooks;
import java.util.List;
import net.bytebuddy.asm.Advice;

/**
 * Netty's native transports epoll and kqueue (reactor-netty, gRPC, Lettuce, the AWS SDK's Netty
 * client) read and write through {@code io.netty.channel.unix.FileDescriptor} and
 * {@code unix.Socket}, the thin Java faces of their JNI calls, where a reset surfaces as
 * {@code Errors$NativeIoException}. Those are the choke points, whichever Netty channel sits above,
 * whichever class loader loaded them and whatever package Netty was relocated to (gRPC's
 * {@code io.grpc.netty.shaded.io.netty}): names are given here unrelocated, and matched by suffix
 * (see {@link InstrumentedTypes}). The socket object is the connection. Only JDK types appear here:
 * the agent never loads Netty.
 *
 * <p>Accepted connections are registered where the server channel wraps them
 * ({@code EpollSocketChannel(Channel parent, LinuxSocket, InetSocketAddress)}, and kqueue's
 * {@code KQueueSocketChannel} alike). kqueue shares every choke point with epoll; it is woven by the
 * same advice but not tested here (it needs BSD or macOS). Netty 4.2's io_uring socket extends the
 * same {@code unix.Socket} but does its I/O through the ring: see {@link NettyIoUringInstrumentation}.
 */
final class NettyUnixInstrumentation {

  static final String FILE_DESCRIPTOR = "io.netty.channel.unix.FileDescriptor";
  static final String SOCKET = "io.netty.channel.unix.Socket";
  static final String CHILD_CHANNEL = "io.netty.channel.epoll.EpollSocketChannel";
  static final String KQUEUE_CHILD_CHANNEL = "io.netty.channel.kqueue.KQueueSocketChannel";

  private NettyUnixInstrumentation() {}

  static List<AdviceBinding> fileDescriptorBindings() {
    return List.of(
        new AdviceBinding("read/readAddress",
            named("read").and(takesArguments(3)).or(named("readAddress").and(takesArguments(3))),
            ReadAdvice.class),
        new AdviceBinding("write/writeAddress",
            named("write").and(takesArguments(3)).or(named("writeAddress").and(takesArguments(3))),
            WriteAdvice.class),
        new AdviceBinding("writev/writevAddresses",
            named("writev").and(takesArguments(4)).or(named("writevAddresses").and(takesArguments(2))),
            GatheringWriteAdvice.class),
        new AdviceBinding("close()", named("close").and(takesArguments(0)), CloseAdvice.class));
  }

  static List<AdviceBinding> socketBindings() {
    return List.of(
        new AdviceBinding("recv/recvAddress",
            named("recv").and(takesArguments(3)).or(named("recvAddress").and(takesArguments(3))),
            ReadAdvice.class),
        new AdviceBinding("send/sendAddress",
            named("send").and(takesArguments(3)).or(named("sendAddress").and(takesArguments(3))),
            WriteAdvice.class),
        new AdviceBinding("connect(SocketAddress)",
            named("connect").and(takesArguments(1))
                .and(takesArgument(0, named("java.net.SocketAddress"))),
            ConnectAdvice.class),
        new AdviceBinding("finishConnect()",
            named("finishConnect").and(takesArguments(0)), FinishConnectAdvice.class));
  }

  static List<AdviceBinding> childChannelBindings() {
    return List.of(
        new AdviceBinding("EpollSocketChannel(Channel,LinuxSocket,InetSocketAddress)",
            isConstructor().and(takesArguments(3))
                .and(takesArgument(0, nameEndsWith(".netty.channel.Channel"))),
            AcceptedAdvice.class));
  }

  static List<AdviceBinding> kqueueChildChannelBindings() {
    return List.of(
        new AdviceBinding("KQueueSocketChannel(Channel,BsdSocket,InetSocketAddress)",
            isConstructor().and(takesArguments(3))
                .and(takesArgument(0, nameEndsWith(".netty.channel.Channel"))),
            KQueueAcceptedAdvice.class));
  }

  static final class ReadAdvice {
    @Advice.OnMethodExit(
        onThrowable = Throwable.class, suppress = Throwable.class, backupArguments = false)
    static void exit(
        @Advice.This Object self, @Advice.Return int n, @Advice.Thrown Throwable failure) {
      ResetTracerHooks.read(self, null, ResetTracerHooks.NETTY_EPOLL, n, failure);
    }
  }

  static final class WriteAdvice {
    @Advice.OnMethodExit(
        onThrowable = Throwable.class, suppress = Throwable.class, backupArguments = false)
    static void exit(
        @Advice.This Object self, @Advice.Return int n, @Advice.Thrown Throwable failure) {
      ResetTracerHooks.written(self, null, ResetTracerHooks.NETTY_EPOLL, n, failure);
    }
  }

  static final class GatheringWriteAdvice {
    @Advice.OnMethodExit(
        onThrowable = Throwable.class, suppress = Throwable.class, backupArguments = false)
    static void exit(
        @Advice.This Object self, @Advice.Return long n, @Advice.Thrown Throwable failure) {
      ResetTracerHooks.written(self, null, ResetTracerHooks.NETTY_EPOLL, n, failure);
    }
  }

  static final class CloseAdvice {
    @Advice.OnMethodExit(
        onThrowable = Throwable.class, suppress = Throwable.class, backupArguments = false)
    static void exit(@Advice.This Object self) {
      ResetTracerHooks.closed(self, null);
    }
  }

  static final class ConnectAdvice {
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.This Object self,
        @Advice.Argument(0) Object remote,
        @Advice.Return boolean connected,
        @Advice.Thrown Throwable failure) {
      // Once per connection, after the system call: the socket's class says which transport it
      // is. io_uring's socket connects through the ring and is tracked by its channel instead.
      String type = self.getClass().getName();
      if (type.endsWith(".uring.LinuxSocket")) {
        return;
      }
      int transport = type.endsWith(".kqueue.BsdSocket")
          ? ResetTracerHooks.NETTY_KQUEUE
          : ResetTracerHooks.NETTY_EPOLL;
      if (failure != null) {
        ResetTracerHooks.connectFailed(self, transport, remote, failure);
      } else if (connected) {
        ResetTracerHooks.opened(self, null, transport, false, self, null);
      }
    }
  }

  static final class FinishConnectAdvice {
    @Advice.OnMethodExit(
        onThrowable = Throwable.class, suppress = Throwable.class, backupArguments = false)
    static void exit(
        @Advice.This Object self,
        @Advice.Return boolean connected,
        @Advice.Thrown Throwable failure) {
      if (failure == null && !connected) {
        return; // still connecting: called again when the socket is writable
      }
      String type = self.getClass().getName();
      if (type.endsWith(".uring.LinuxSocket")) {
        return; // see ConnectAdvice
      }
      int transport = type.endsWith(".kqueue.BsdSocket")
          ? ResetTracerHooks.NETTY_KQUEUE
          : ResetTracerHooks.NETTY_EPOLL;
      if (failure != null) {
        ResetTracerHooks.connectFailed(self, transport, null, failure);
      } else {
        ResetTracerHooks.opened(self, null, transport, false, self, null);
      }
    }
  }

  static final class AcceptedAdvice {
    // A constructor's exceptions cannot be caught by its advice: exit advice runs on success only.
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Argument(1) Object socket) {
      ResetTracerHooks.opened(socket, null, ResetTracerHooks.NETTY_EPOLL, true, socket, null);
    }
  }

  static final class KQueueAcceptedAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Argument(1) Object socket) {
      ResetTracerHooks.opened(socket, null, ResetTracerHooks.NETTY_KQUEUE, true, socket, null);
    }
  }
}
