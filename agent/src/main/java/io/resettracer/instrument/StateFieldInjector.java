package io.resettracer.instrument;

import io.resettracer.bootstrap.ResetTracerHooks;
import io.resettracer.bootstrap.StateField;
import java.lang.instrument.ClassFileTransformer;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.Arrays;

/**
 * Adds the {@link StateField} to {@code NioSocketImpl} and {@code SocketChannelImpl} as the JVM
 * defines them, so that a connection's state hangs off the connection object and the I/O path needs
 * no table lookup. Measured with the hooks switched on and off in one JVM, the lookup was the
 * agent's largest cost per call: between two calls the kernel's socket path evicts the table's lines
 * from the nearest caches.
 *
 * <p>Registered as a transformer that cannot retransform: the JVM keeps what such a transformer
 * returns as the class's initial bytes, so every later retransformation (the agent's own weaving,
 * detach restoring the original methods, JFR's socket events on JDK 17) starts from bytes that
 * already have the field, and the class's shape never changes, as retransformation requires. A class
 * loaded before the agent started (every class after an attach) keeps its shape, and its
 * connections are looked up in the table.
 *
 * <p>The edit is made on the class file directly, without Byte Buddy: it runs on the thread loading
 * the application's first socket class, which must not wait for a library to load.
 */
public final class StateFieldInjector implements ClassFileTransformer {

  private static final int ACC_PRIVATE = 0x0002;
  private static final int ACC_TRANSIENT = 0x0080;
  private static final int ACC_SYNTHETIC = 0x1000;
  private static final byte[] DESCRIPTOR = "Ljava/lang/Object;".getBytes(StandardCharsets.UTF_8);

  @Override
  public byte[] transform(
      ClassLoader loader,
      String internalName,
      Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain,
      byte[] classFile) {
    if (loader != null
        || classBeingRedefined != null
        || !InstrumentedTypes.hasStateField(internalName)) {
      return null;
    }
    try {
      return withStateField(classFile);
    } catch (RuntimeException e) {
      ResetTracerHooks.swallow(e); // a class file this code does not understand loads unchanged
      return null;
    }
  }

  /**
   * The class file with one more field, {@code private transient synthetic Object
   * resetTracer$state}: two UTF-8 constants appended to the constant pool and one field appended to
   * the field table; every other byte, and so every constant-pool index, stays as it was. Returns
   * null when the class file is not one this code understands.
   */
  static byte[] withStateField(byte[] b) {
    int constants = u2(b, 8);
    if (u4(b, 0) != 0xCAFEBABE || constants + 2 > 0xFFFF) {
      return null;
    }
    byte[] name = StateField.NAME.getBytes(StandardCharsets.UTF_8);
    int p = 10;
    for (int i = 1; i < constants; i++) {
      switch (b[p] & 0xFF) {
        case 1: // Utf8
          if (Arrays.equals(b, p + 3, p + 3 + u2(b, p + 1), name, 0, name.length)) {
            return null; // the class has the field already: a duplicate would not load
          }
          p += 3 + u2(b, p + 1);
          break;
        case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18:
          p += 5;
          break;
        case 5: case 6: // Long and Double take two entries
          p += 9;
          i++;
          break;
        case 7: case 8: case 16: case 19: case 20:
          p += 3;
          break;
        case 15:
          p += 4;
          break;
        default:
          return null;
      }
    }
    int constantsEnd = p;
    int interfaces = u2(b, constantsEnd + 6);
    int fieldCountAt = constantsEnd + 8 + 2 * interfaces;

    byte[] added = new byte[(3 + name.length) + (3 + DESCRIPTOR.length)];
    int a = utf8(added, 0, name);
    utf8(added, a, DESCRIPTOR);
    byte[] field = new byte[8];
    putU2(field, 0, ACC_PRIVATE | ACC_TRANSIENT | ACC_SYNTHETIC);
    putU2(field, 2, constants); // the name: the first constant appended
    putU2(field, 4, constants + 1); // the descriptor
    // attributes_count stays 0

    byte[] out = new byte[b.length + added.length + field.length];
    System.arraycopy(b, 0, out, 0, constantsEnd);
    putU2(out, 8, constants + 2);
    System.arraycopy(added, 0, out, constantsEnd, added.length);
    int o = constantsEnd + added.length;
    int copied = fieldCountAt - constantsEnd; // access flags, this, super, interfaces
    System.arraycopy(b, constantsEnd, out, o, copied);
    o += copied;
    putU2(out, o, u2(b, fieldCountAt) + 1);
    o += 2;
    System.arraycopy(field, 0, out, o, field.length);
    o += field.length;
    System.arraycopy(b, fieldCountAt + 2, out, o, b.length - fieldCountAt - 2);
    return out;
  }

  private static int utf8(byte[] out, int at, byte[] text) {
    out[at] = 1;
    putU2(out, at + 1, text.length);
    System.arraycopy(text, 0, out, at + 3, text.length);
    return at + 3 + text.length;
  }

  private static int u2(byte[] b, int at) {
    return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
  }

  private static int u4(byte[] b, int at) {
    return (u2(b, at) << 16) | u2(b, at + 2);
  }

  private static void putU2(byte[] b, int at, int value) {
    b[at] = (byte) (value >>> 8);
    b[at + 1] = (byte) value;
  }
}
