package io.resettracer.instrument;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.resettracer.bootstrap.ResetTracerHooks;
import java.io.FileDescriptor;
import java.nio.ByteBuffer;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code sun.nio.ch.IOUtil}: only the four overloads that take a {@code boolean async} argument.
 * On JDK 17 and 25 these are called by {@code UnixAsynchronousSocketChannelImpl} alone (file,
 * datagram, pipe and synchronous socket channels use other overloads), so every asynchronous socket
 * read and write, and the exception it raises before the channel turns it into a value, passes here.
 */
final class IoUtilInstrumentation {

  static final String TYPE = "sun.nio.ch.IOUtil";

  private IoUtilInstrumentation() {}

  static List<AdviceBinding> bindings() {
    return List.of(
        new AdviceBinding("read(FileDescriptor,ByteBuffer[,],...,boolean async,NativeDispatcher)",
            named("read").and(asyncOverload()), ReadAdvice.class),
        new AdviceBinding("write(FileDescriptor,ByteBuffer[,],...,boolean async,NativeDispatcher)",
            named("write").and(asyncOverload()), WriteAdvice.class));
  }

  private static ElementMatcher.Junction<MethodDescription> asyncOverload() {
    ElementMatcher.Junction<MethodDescription> single =
        takesArguments(5)
            .and(takesArgument(0, FileDescriptor.class))
            .and(takesArgument(1, ByteBuffer.class))
            .and(takesArgument(2, long.class))
            .and(takesArgument(3, boolean.class))
            .and(takesArgument(4, named("sun.nio.ch.NativeDispatcher")));
    ElementMatcher.Junction<MethodDescription> gathering =
        takesArguments(4)
            .and(takesArgument(0, FileDescriptor.class))
            .and(takesArgument(1, ByteBuffer[].class))
            .and(takesArgument(2, boolean.class))
            .and(takesArgument(3, named("sun.nio.ch.NativeDispatcher")));
    return single.or(gathering);
  }

  static final class ReadAdvice {
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.Argument(0) FileDescriptor fd,
        @Advice.Return long n,
        @Advice.Thrown Throwable failure) {
      ResetTracerHooks.read(fd, null, ResetTracerHooks.ASYNC, n, failure);
    }
  }

  static final class WriteAdvice {
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.Argument(0) FileDescriptor fd,
        @Advice.Return long n,
        @Advice.Thrown Throwable failure) {
      ResetTracerHooks.written(fd, null, ResetTracerHooks.ASYNC, n, failure);
    }
  }
}
