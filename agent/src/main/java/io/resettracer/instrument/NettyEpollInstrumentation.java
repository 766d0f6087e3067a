package io.resettracer.instrument;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.resettracer.bootstrap.ResetTracerHooks;
import java.util.List;
import net.bytebuddy.asm.Advice;

/**
 * Netty's native transports (reactor-netty, gRPC, Lettuce, the AWS SDK's Netty client) read and
 * write through {@code io.netty.channel.unix.FileDescriptor} and {@code unix.Socket}, the thin Java
 * faces of their JNI calls, where a reset surfaces as {@code Errors$NativeIoException}. Those are the
 * choke points, whichever Netty channel sits above and whichever class loader loaded them; the
 * socket object is the connection. Only JDK types appear here: the agent never loads Netty.
 *
 * <p>Accepted connections are registered where the server channel wraps them
 * ({@code EpollSocketChannel(Channel parent, LinuxSocket, InetSocketAddress)}).
 */
final class NettyEpollInstrumentation {

  static final String FILE_DESCRIPTOR = "io.netty.channel.unix.FileDescriptor";
  static final String SOCKET = "io.netty.channel.unix.Socket";
  static final String CHILD_CHANNEL = "io.netty.channel.epoll.EpollSocketChannel";

  private NettyEpollInstrumentation() {}

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
                .and(takesArgument(0, named("io.netty.channel.Channel"))),
            AcceptedAdvice.class));
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
      if (failure != null) {
        ResetTracerHooks.connectFailed(self, ResetTracerHooks.NETTY_EPOLL, remote, failure);
      } else if (connected) {
        ResetTracerHooks.opened(self, null, ResetTracerHooks.NETTY_EPOLL, false, self, null);
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
      if (failure != null) {
        ResetTracerHooks.connectFailed(self, ResetTracerHooks.NETTY_EPOLL, null, failure);
      } else if (connected) {
        ResetTracerHooks.opened(self, null, ResetTracerHooks.NETTY_EPOLL, false, self, null);
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
}
