package io.resettracer.instrument;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.resettracer.bootstrap.ResetTracerHooks;
import java.net.SocketAddress;
import java.util.List;
import net.bytebuddy.asm.Advice;

/**
 * {@code sun.nio.ch.NioSocketImpl}: every {@code java.net.Socket} (JDK 13+), and so TLS sockets,
 * {@code HttpURLConnection} and sockets on virtual threads. Reads are advised at {@code read}, which
 * throws the exception the application sees, including the latched "Connection reset" echoes;
 * writes at {@code implWrite}, which returns the bytes of each chunk, so byte counts stay exact
 * when a large write fails half-way.
 */
final class NioSocketImplInstrumentation {

  static final String TYPE = "sun.nio.ch.NioSocketImpl";

  private NioSocketImplInstrumentation() {}

  static List<AdviceBinding> bindings() {
    return List.of(
        new AdviceBinding("read(byte[],int,int)",
            named("read").and(takesArguments(byte[].class, int.class, int.class)), ReadAdvice.class),
        new AdviceBinding("implWrite(byte[],int,int)",
            named("implWrite").and(takesArguments(byte[].class, int.class, int.class)),
            WriteAdvice.class),
        new AdviceBinding("connect(SocketAddress,int)",
            named("connect").and(takesArguments(2))
                .and(takesArgument(0, SocketAddress.class)).and(takesArgument(1, int.class)),
            ConnectAdvice.class),
        new AdviceBinding("accept(SocketImpl)",
            named("accept").and(takesArguments(1)).and(takesArgument(0, named("java.net.SocketImpl"))),
            AcceptAdvice.class),
        new AdviceBinding("close()", named("close").and(takesArguments(0)), CloseAdvice.class));
  }

  static final class ReadAdvice {
    @Advice.OnMethodExit(
        onThrowable = Throwable.class, suppress = Throwable.class, backupArguments = false)
    static void exit(
        @Advice.This Object self,
        @StateFieldValue Object state,
        @Advice.Return int n,
        @Advice.Thrown Throwable failure) {
      ResetTracerHooks.read(self, state, ResetTracerHooks.SOCKET, n, failure);
    }
  }

  static final class WriteAdvice {
    @Advice.OnMethodExit(
        onThrowable = Throwable.class, suppress = Throwable.class, backupArguments = false)
    static void exit(
        @Advice.This Object self,
        @StateFieldValue Object state,
        @Advice.Return int n,
        @Advice.Thrown Throwable failure) {
      ResetTracerHooks.written(self, state, ResetTracerHooks.SOCKET, n, failure);
    }
  }

  static final class ConnectAdvice {
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.This Object self,
        @StateFieldValue Object state,
        @Advice.Argument(0) Object remote,
        @Advice.Thrown Throwable failure) {
      if (failure == null) {
        ResetTracerHooks.opened(self, state, ResetTracerHooks.SOCKET, false, self, remote);
      } else {
        ResetTracerHooks.connectFailed(self, ResetTracerHooks.SOCKET, remote, failure);
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

  static final class AcceptAdvice {
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Argument(0) Object accepted, @Advice.Thrown Throwable failure) {
      if (failure == null) {
        ResetTracerHooks.opened(accepted, null, ResetTracerHooks.SOCKET, true, accepted, null);
      }
    }
  }
}
