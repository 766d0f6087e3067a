package io.resettracer.instrument;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.resettracer.bootstrap.ResetTracerHooks;
import java.io.FileDescriptor;
import java.util.List;
import net.bytebuddy.asm.Advice;

/**
 * {@code AsynchronousSocketChannel} on Linux. Its reads and writes catch every I/O error and hand it
 * to the completion handler or Future as a value, so no throw ever leaves the channel's own
 * methods. The error is still thrown one level down, by the {@code IOUtil} overloads that take an
 * {@code async} flag, which only this channel calls: that is where reads and writes are advised
 * (see {@link IoUtilInstrumentation}), keyed by the channel's {@code FileDescriptor}. This class
 * registers the descriptor when the channel connects or is accepted.
 */
final class AsyncSocketChannelInstrumentation {

  static final String TYPE = "sun.nio.ch.UnixAsynchronousSocketChannelImpl";
  static final String SERVER_TYPE = "sun.nio.ch.UnixAsynchronousServerSocketChannelImpl";

  private AsyncSocketChannelInstrumentation() {}

  static List<AdviceBinding> bindings() {
    return List.of(
        new AdviceBinding("setConnected()",
            named("setConnected").and(takesArguments(0)), ConnectedAdvice.class),
        new AdviceBinding("implClose()", named("implClose").and(takesArguments(0)), CloseAdvice.class));
  }

  static List<AdviceBinding> serverBindings() {
    return List.of(
        new AdviceBinding("finishAccept(FileDescriptor,InetSocketAddress,...)",
            named("finishAccept").and(takesArgument(0, FileDescriptor.class)),
            AcceptAdvice.class));
  }

  static final class ConnectedAdvice {
    @Advice.OnMethodExit(
        onThrowable = Throwable.class, suppress = Throwable.class, backupArguments = false)
    static void exit(
        @Advice.This Object self,
        @Advice.FieldValue("fd") FileDescriptor fd,
        @Advice.Thrown Throwable failure) {
      if (failure == null) {
        ResetTracerHooks.opened(fd, null, ResetTracerHooks.ASYNC, false, self, null);
      }
    }
  }

  static final class CloseAdvice {
    @Advice.OnMethodExit(
        onThrowable = Throwable.class, suppress = Throwable.class, backupArguments = false)
    static void exit(@Advice.FieldValue("fd") FileDescriptor fd) {
      ResetTracerHooks.closed(fd, null);
    }
  }

  static final class AcceptAdvice {
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.Argument(0) FileDescriptor fd,
        @Advice.Return Object accepted,
        @Advice.Thrown Throwable failure) {
      if (failure == null && accepted != null) {
        ResetTracerHooks.opened(fd, null, ResetTracerHooks.ASYNC, true, accepted, null);
      }
    }
  }
}
