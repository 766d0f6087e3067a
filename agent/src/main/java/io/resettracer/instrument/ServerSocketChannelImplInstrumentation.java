package io.resettracer.instrument;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.resettracer.bootstrap.ResetTracerHooks;
import java.io.FileDescriptor;
import java.util.List;
import net.bytebuddy.asm.Advice;

/**
 * {@code sun.nio.ch.ServerSocketChannelImpl}: every accepted {@code SocketChannel}, blocking or not,
 * and through the adaptor {@code ServerSocketChannel.socket().accept()}, passes {@code finishAccept}.
 */
final class ServerSocketChannelImplInstrumentation {

  static final String TYPE = "sun.nio.ch.ServerSocketChannelImpl";

  private ServerSocketChannelImplInstrumentation() {}

  static List<AdviceBinding> bindings() {
    return List.of(
        new AdviceBinding("finishAccept(FileDescriptor,SocketAddress)",
            named("finishAccept").and(takesArguments(2))
                .and(takesArgument(0, FileDescriptor.class)),
            AcceptAdvice.class));
  }

  static final class AcceptAdvice {
    @Advice.OnMethodExit(
        onThrowable = Throwable.class, suppress = Throwable.class, backupArguments = false)
    static void exit(@Advice.Return Object accepted, @Advice.Thrown Throwable failure) {
      if (failure == null && accepted != null) {
        ResetTracerHooks.opened(accepted, null, ResetTracerHooks.NIO, true, accepted, null);
      }
    }
  }
}
