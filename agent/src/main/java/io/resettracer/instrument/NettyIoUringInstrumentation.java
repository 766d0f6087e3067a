package io.resettracer.instrument;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.nameEndsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.resettracer.bootstrap.ResetTracerHooks;
import java.util.List;
import net.bytebuddy.asm.Advice;

/**
 * Netty 4.2's io_uring transport ({@code io.netty.channel.uring}, relocated or not). Its sockets make
 * no read or write system call: the channel submits operations to the ring and the event loop hands
 * each completion, a byte count or a negated errno, to the channel's {@code Unsafe}. Those completion
 * methods are the choke points, and the channel is the connection: the {@code Unsafe} reaches it
 * through its enclosing-instance field {@code this$0}, which javac gives every inner class that uses
 * its outer one. A Netty whose classes lack it loads unwoven, logged once.
 *
 * <p>A failed completion becomes an exception inside the completion method and reaches the
 * application through the pipeline; the advice takes it where it is handed on, so that the event
 * names exactly what the application saw: reads at {@code handleReadException}, writes at
 * {@code AbstractChannel.AbstractUnsafe.handleWriteError}, connects at
 * {@code fulfillConnectPromise(ChannelPromise, Throwable)}. Only JDK types appear here.
 */
final class NettyIoUringInstrumentation {

  static final String CHANNEL = "io.netty.channel.uring.AbstractIoUringChannel";
  static final String UNSAFE = "io.netty.channel.uring.AbstractIoUringChannel$AbstractUringUnsafe";
  static final String STREAM_UNSAFE =
      "io.netty.channel.uring.AbstractIoUringStreamChannel$IoUringStreamUnsafe";
  static final String SOCKET_CHANNEL = "io.netty.channel.uring.IoUringSocketChannel";
  /** Netty's base {@code Unsafe}, shared by every transport: woven only where writes fail. */
  static final String ABSTRACT_UNSAFE = "io.netty.channel.AbstractChannel$AbstractUnsafe";

  private NettyIoUringInstrumentation() {}

  static List<AdviceBinding> channelBindings() {
    return List.of(
        new AdviceBinding("doClose()", named("doClose").and(takesArguments(0)), CloseAdvice.class));
  }

  static List<AdviceBinding> socketChannelBindings() {
    return List.of(
        new AdviceBinding("IoUringSocketChannel(Channel,LinuxSocket[,SocketAddress])",
            isConstructor().and(takesArguments(2).or(takesArguments(3)))
                .and(takesArgument(0, nameEndsWith(".netty.channel.Channel"))),
            AcceptedAdvice.class));
  }

  static List<AdviceBinding> unsafeBindings() {
    return List.of(
        // Every write completion of every io_uring channel, zero-copy sends included; its fourth
        // argument is a short in 4.2.7 and a long in later 4.2 releases.
        new AdviceBinding("writeComplete(byte,int,int,*)",
            named("writeComplete").and(takesArguments(4))
                .and(takesArgument(0, byte.class)).and(takesArgument(1, int.class))
                .and(takesArgument(2, int.class)),
            WriteCompleteAdvice.class),
        new AdviceBinding("fulfillConnectPromise(ChannelPromise,boolean)",
            named("fulfillConnectPromise").and(takesArguments(2))
                .and(takesArgument(1, boolean.class)),
            ConnectedAdvice.class),
        new AdviceBinding("fulfillConnectPromise(ChannelPromise,Throwable)",
            named("fulfillConnectPromise").and(takesArguments(2))
                .and(takesArgument(1, Throwable.class)),
            ConnectFailedAdvice.class));
  }

  static List<AdviceBinding> streamUnsafeBindings() {
    return List.of(
        // Stream channels only: a server channel's read completions are accepted descriptors.
        new AdviceBinding("readComplete0(byte,int,int,short,int)",
            named("readComplete0").and(takesArguments(5)).and(takesArgument(1, int.class)),
            ReadCompleteAdvice.class),
        new AdviceBinding("handleReadException(..., Throwable, ...)",
            named("handleReadException").and(takesArguments(5))
                .and(takesArgument(2, Throwable.class)),
            ReadFailedAdvice.class));
  }

  static List<AdviceBinding> abstractUnsafeBindings() {
    return List.of(
        new AdviceBinding("handleWriteError(Throwable)",
            named("handleWriteError").and(takesArguments(1))
                .and(takesArgument(0, Throwable.class)),
            WriteFailedAdvice.class));
  }

  /** Bytes read, or end of stream (0 from the kernel, -1 to the hooks, as the other transports). */
  static final class ReadCompleteAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.FieldValue("this$0") Object channel, @Advice.Argument(1) int res) {
      if (res > 0) {
        ResetTracerHooks.read(channel, null, ResetTracerHooks.NETTY_IO_URING, res, null);
      } else if (res == 0) {
        ResetTracerHooks.read(channel, null, ResetTracerHooks.NETTY_IO_URING, -1, null);
      }
    }
  }

  static final class ReadFailedAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(
        @Advice.FieldValue("this$0") Object channel, @Advice.Argument(2) Throwable failure) {
      if (failure != null) {
        ResetTracerHooks.read(channel, null, ResetTracerHooks.NETTY_IO_URING, 0, failure);
      }
    }
  }

  /** Bytes written; a failure is taken where it is handed on, see {@link WriteFailedAdvice}. */
  static final class WriteCompleteAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.FieldValue("this$0") Object channel, @Advice.Argument(1) int res) {
      if (res > 0) {
        ResetTracerHooks.written(channel, null, ResetTracerHooks.NETTY_IO_URING, res, null);
      }
    }
  }

  /**
   * Runs for every Netty transport's failed flush; only io_uring's are news: the others' failures
   * were seen at their own system calls already. Only on a failure, so the class walk costs nothing
   * the application would notice.
   */
  static final class WriteFailedAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(
        @Advice.FieldValue("this$0") Object channel, @Advice.Argument(0) Throwable failure) {
      if (failure == null || channel == null) {
        return;
      }
      for (Class<?> c = channel.getClass(); c != null; c = c.getSuperclass()) {
        if (c.getName().endsWith(".channel.uring.AbstractIoUringChannel")) {
          ResetTracerHooks.written(channel, null, ResetTracerHooks.NETTY_IO_URING, 0, failure);
          return;
        }
      }
    }
  }

  static final class ConnectedAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(
        @Advice.FieldValue("this$0") Object channel, @Advice.Argument(0) Object promise) {
      if (promise != null) { // null: the connect was cancelled before it completed
        ResetTracerHooks.opened(
            channel, null, ResetTracerHooks.NETTY_IO_URING, false, channel, null);
      }
    }
  }

  static final class ConnectFailedAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(
        @Advice.FieldValue("this$0") Object channel,
        @Advice.Argument(0) Object promise,
        @Advice.Argument(1) Throwable failure) {
      if (promise != null && failure != null) {
        ResetTracerHooks.connectFailed(channel, ResetTracerHooks.NETTY_IO_URING, null, failure);
      }
    }
  }

  static final class AcceptedAdvice {
    // A constructor's exceptions cannot be caught by its advice: exit advice runs on success only.
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object channel) {
      ResetTracerHooks.opened(channel, null, ResetTracerHooks.NETTY_IO_URING, true, channel, null);
    }
  }

  static final class CloseAdvice {
    @Advice.OnMethodExit(
        onThrowable = Throwable.class, suppress = Throwable.class, backupArguments = false)
    static void exit(@Advice.This Object channel) {
      ResetTracerHooks.closed(channel, null);
    }
  }
}
