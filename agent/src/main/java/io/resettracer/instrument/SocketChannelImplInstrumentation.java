package io.resettracer.instrument;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.resettracer.bootstrap.ResetTracerHooks;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import net.bytebuddy.asm.Advice;

/**
 * {@code sun.nio.ch.SocketChannelImpl}: {@code SocketChannel} in every mode, its adaptor streams
 * ({@code SocketChannel.socket()}), and what runs on it ({@code java.net.http.HttpClient}). The
 * public read and write methods hold the logic on JDK 17 and are thin wrappers on JDK 25; advising
 * them sees the exception the application gets on both. The adaptor streams bypass them, so
 * {@code blockingRead} and {@code blockingWriteFully} are advised too.
 */
final class SocketChannelImplInstrumentation {

  static final String TYPE = "sun.nio.ch.SocketChannelImpl";

  private SocketChannelImplInstrumentation() {}

  static List<AdviceBinding> bindings() {
    return List.of(
        new AdviceBinding("read(ByteBuffer), read(ByteBuffer[],int,int)",
            named("read").and(isPublic()).and(
                takesArguments(ByteBuffer.class)
                    .or(takesArguments(ByteBuffer[].class, int.class, int.class))),
            ReadAdvice.class),
        new AdviceBinding("blockingRead(byte[],int,int,long)",
            named("blockingRead").and(takesArguments(byte[].class, int.class, int.class, long.class)),
            ReadAdvice.class),
        new AdviceBinding("write(ByteBuffer), write(ByteBuffer[],int,int)",
            named("write").and(isPublic()).and(
                takesArguments(ByteBuffer.class)
                    .or(takesArguments(ByteBuffer[].class, int.class, int.class))),
            WriteAdvice.class),
        new AdviceBinding("blockingWriteFully(byte[],int,int)",
            named("blockingWriteFully").and(takesArguments(byte[].class, int.class, int.class)),
            WriteFullyAdvice.class),
        new AdviceBinding("connect(SocketAddress), finishConnect()",
            named("connect").and(isPublic()).and(takesArguments(SocketAddress.class))
                .or(named("finishConnect").and(takesArguments(0))),
            ConnectAdvice.class),
        new AdviceBinding("blockingConnect(SocketAddress,long)",
            named("blockingConnect").and(takesArguments(2)).and(takesArgument(1, long.class)),
            BlockingConnectAdvice.class),
        new AdviceBinding("implCloseSelectableChannel()",
            named("implCloseSelectableChannel").and(takesArguments(0)), CloseAdvice.class));
  }

  static final class ReadAdvice {
    @Advice.OnMethodExit(
        onThrowable = Throwable.class, suppress = Throwable.class, backupArguments = false)
    static void exit(
        @Advice.This Object self,
        @StateFieldValue Object state,
        @Advice.Return long n,
        @Advice.Thrown Throwable failure) {
      ResetTracerHooks.read(self, state, ResetTracerHooks.NIO, n, failure);
    }
  }

  static final class WriteAdvice {
    @Advice.OnMethodExit(
        onThrowable = Throwable.class, suppress = Throwable.class, backupArguments = false)
    static void exit(
        @Advice.This Object self,
        @StateFieldValue Object state,
        @Advice.Return long n,
        @Advice.Thrown Throwable failure) {
      ResetTracerHooks.written(self, state, ResetTracerHooks.NIO, n, failure);
    }
  }

  static final class WriteFullyAdvice {
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.This Object self,
        @StateFieldValue Object state,
        @Advice.Argument(2) int len,
        @Advice.Thrown Throwable failure) {
      // Returns only when every byte is written; a failure mid-way leaves the count unknown.
      ResetTracerHooks.written(self, state, ResetTracerHooks.NIO, failure == null ? len : 0, failure);
    }
  }

  static final class ConnectAdvice {
    @Advice.OnMethodExit(
        onThrowable = Throwable.class, suppress = Throwable.class, backupArguments = false)
    static void exit(
        @Advice.This Object self,
        @StateFieldValue Object state,
        @Advice.Return boolean connected,
        @Advice.FieldValue("remoteAddress") Object remote,
        @Advice.Thrown Throwable failure) {
      if (failure != null) {
        ResetTracerHooks.connectFailed(self, ResetTracerHooks.NIO, remote, failure);
      } else if (connected) {
        // finishConnect() keeps returning true once connected: the tracker counts only the first.
        ResetTracerHooks.opened(self, state, ResetTracerHooks.NIO, false, self, null);
      }
    }
  }

  static final class CloseAdvice {
    @Advice.OnMethodExit(
        onThrowable = Throwable.class, suppress = Throwable.class, backupArguments = false)
    static void exit(@Advice.This Object self, @StateFieldValue Object state) {
      ResetTracerHooks.closed(self, state);
    }
  }

  static final class BlockingConnectAdvice {
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.This Object self,
        @StateFieldValue Object state,
        @Advice.Argument(0) Object remote,
        @Advice.Thrown Throwable failure) {
      if (failure == null) {
        ResetTracerHooks.opened(self, state, ResetTracerHooks.NIO, false, self, null);
      } else {
        ResetTracerHooks.connectFailed(self, ResetTracerHooks.NIO, remote, failure);
      }
    }
  }
}
