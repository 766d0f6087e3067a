package io.resettracer.instrument;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.resettracer.bootstrap.ResetTracerHooks;
import java.nio.ByteBuffer;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import net.bytebuddy.asm.Advice;

/**
 * {@code sun.security.ssl.SSLEngineImpl}: TLS over a channel (the JDK {@code HttpClient}, an
 * application's own engine over NIO) runs its handshake in an engine that knows no socket; the
 * failing read or write is a plain channel call with no TLS frame on its stack. Every engine's
 * {@code wrap} passes here; while it is handshaking, the port it was made for is marked, and a
 * brand-new connection to that port failing meanwhile is one in its handshake. Outside the
 * handshake the advice costs one field read and a comparison per wrapped record.
 */
final class SslEngineImplInstrumentation {

  static final String TYPE = "sun.security.ssl.SSLEngineImpl";

  private SslEngineImplInstrumentation() {}

  static List<AdviceBinding> bindings() {
    return List.of(
        new AdviceBinding("wrap(ByteBuffer[],int,int,ByteBuffer)",
            named("wrap").and(takesArguments(4)).and(takesArgument(0, ByteBuffer[].class))
                .and(takesArgument(3, ByteBuffer.class)),
            WrapAdvice.class));
  }

  static final class WrapAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class, backupArguments = false)
    static void exit(@Advice.This SSLEngine engine, @Advice.Return SSLEngineResult result) {
      if (result != null) {
        SSLEngineResult.HandshakeStatus h = result.getHandshakeStatus();
        if (h != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
            && h != SSLEngineResult.HandshakeStatus.FINISHED) {
          ResetTracerHooks.tlsEngineHandshaking(engine.getPeerPort());
        }
      }
    }
  }
}
