package shaded.io.netty.channel.unix;

import java.io.IOException;

/**
 * The shape of Netty's {@code io.netty.channel.unix.Errors} that the agent relies on, under a
 * relocated package as gRPC ships it: an exception that carries the negated errno.
 */
public final class Errors {

  private Errors() {}

  /** Netty's own builds its message from strerror; the agent must not depend on that text. */
  public static final class NativeIoException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int expectedErr;

    public NativeIoException(String message, int expectedErr) {
      super(message);
      this.expectedErr = expectedErr;
    }

    public int expectedErr() {
      return expectedErr;
    }
  }
}
