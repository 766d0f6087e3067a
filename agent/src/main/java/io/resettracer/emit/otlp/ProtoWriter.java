package io.resettracer.emit.otlp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The protocol buffers wire format, as much of it as OTLP needs: varints, 64-bit fixed values,
 * strings and nested messages. A nested message is written into a writer of its own and then copied
 * in whole, which costs a copy per level but needs no size pass; OTLP requests are small.
 */
final class ProtoWriter {

  private static final int VARINT = 0;
  private static final int FIXED64 = 1;
  private static final int LENGTH_DELIMITED = 2;

  private byte[] buf = new byte[128];
  private int len;

  int size() {
    return len;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, len);
  }

  /** A varint field; proto3 leaves a zero out. */
  ProtoWriter uint64(int field, long v) {
    if (v != 0) {
      tag(field, VARINT);
      varint(v);
    }
    return this;
  }

  /** An int64 in a oneof: written even when zero, or the reader cannot tell which case is set. */
  ProtoWriter int64Always(int field, long v) {
    tag(field, VARINT);
    varint(v);
    return this;
  }

  ProtoWriter bool(int field, boolean v) {
    if (v) {
      tag(field, VARINT);
      varint(1);
    }
    return this;
  }

  ProtoWriter boolAlways(int field, boolean v) {
    tag(field, VARINT);
    varint(v ? 1 : 0);
    return this;
  }

  /** A fixed64 field; left out when zero. */
  ProtoWriter fixed64(int field, long v) {
    if (v != 0) {
      fixed64Always(field, v);
    }
    return this;
  }

  ProtoWriter fixed64Always(int field, long v) {
    tag(field, FIXED64);
    raw64(v);
    return this;
  }

  ProtoWriter doubleAlways(int field, double v) {
    return fixed64Always(field, Double.doubleToRawLongBits(v));
  }

  /** A string field; proto3 leaves an empty one out. */
  ProtoWriter string(int field, String s) {
    if (s != null && !s.isEmpty()) {
      stringAlways(field, s);
    }
    return this;
  }

  ProtoWriter stringAlways(int field, String s) {
    return bytes(field, s.getBytes(StandardCharsets.UTF_8));
  }

  ProtoWriter bytes(int field, byte[] b) {
    tag(field, LENGTH_DELIMITED);
    varint(b.length);
    append(b, 0, b.length);
    return this;
  }

  ProtoWriter message(int field, ProtoWriter m) {
    tag(field, LENGTH_DELIMITED);
    varint(m.len);
    append(m.buf, 0, m.len);
    return this;
  }

  /** Already encoded message bytes as a field (a log record queued in its encoded form). */
  ProtoWriter message(int field, byte[] encoded) {
    return bytes(field, encoded);
  }

  ProtoWriter packedFixed64(int field, long[] values) {
    tag(field, LENGTH_DELIMITED);
    varint(values.length * 8L);
    for (long v : values) {
      raw64(v);
    }
    return this;
  }

  ProtoWriter packedDouble(int field, double[] values) {
    tag(field, LENGTH_DELIMITED);
    varint(values.length * 8L);
    for (double v : values) {
      raw64(Double.doubleToRawLongBits(v));
    }
    return this;
  }

  private void tag(int field, int wireType) {
    varint(((long) field << 3) | wireType);
  }

  private void varint(long v) {
    ensure(10);
    while ((v & ~0x7FL) != 0) {
      buf[len++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[len++] = (byte) v;
  }

  private void raw64(long v) {
    ensure(8);
    for (int i = 0; i < 8; i++) {
      buf[len++] = (byte) (v >>> (8 * i));
    }
  }

  private void append(byte[] b, int off, int n) {
    ensure(n);
    System.arraycopy(b, off, buf, len, n);
    len += n;
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }
}
