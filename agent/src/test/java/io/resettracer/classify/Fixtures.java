package io.resettracer.classify;

import io.resettracer.model.FailureKind;
import io.resettracer.model.Operation;
import io.resettracer.model.PastReset;
import io.resettracer.model.ResetFacts;
import io.resettracer.model.Role;
import io.resettracer.model.Transport;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One-line fixtures: {@code "read reset peer=192.0.2.10:443 idle=350.2s exchanges=14 wsr=120"}.
 * The first words are the operation and the failure kind; the rest are key=value with units
 * ({@code transport=netty-epoll}: a transport's label; socket unless told).
 */
final class Fixtures {

  private Fixtures() {}

  static ResetFacts facts(String line) {
    String[] words = line.trim().split("\\s+");
    Map<String, String> kv = new HashMap<>();
    for (int i = 2; i < words.length; i++) {
      int eq = words[i].indexOf('=');
      kv.put(words[i].substring(0, eq), words[i].substring(eq + 1));
    }
    String[] peer = kv.getOrDefault("peer", "192.0.2.10:443").split(":");
    FailureKind kind = kind(words[1]);
    return new ResetFacts(
        peer[0], Integer.parseInt(peer[1]), "10.0.0.5", 51234,
        Role.valueOf(kv.getOrDefault("role", "client").toUpperCase(Locale.ROOT)),
        transport(kv.getOrDefault("transport", "socket")), Operation.valueOf(words[0].toUpperCase(Locale.ROOT)), kind,
        kind == FailureKind.PREMATURE_EOF ? "" : "java.net.SocketException",
        message(kind), !kv.containsKey("ageUnknown"),
        nanos(kv.getOrDefault("age", "60s")), nanos(kv.getOrDefault("idle", "0s")),
        bytes(kv.getOrDefault("read", "0")), bytes(kv.getOrDefault("written", "0")),
        bytes(kv.getOrDefault("wsr", "0")), Long.parseLong(kv.getOrDefault("exchanges", "0")),
        1_700_000_000_000L);
  }

  /** The same line as an earlier reset, {@code ago} before the one judged. */
  static PastReset past(String ago, String line) {
    return PastReset.of(facts(line), nanos(ago));
  }

  private static Transport transport(String label) {
    for (Transport t : Transport.values()) {
      if (t.label().equals(label)) {
        return t;
      }
    }
    throw new IllegalArgumentException(label);
  }

  static long nanos(String d) {
    if (d.endsWith("ms")) {
      return (long) (Double.parseDouble(d.substring(0, d.length() - 2)) * 1e6);
    }
    if (d.endsWith("s")) {
      return (long) (Double.parseDouble(d.substring(0, d.length() - 1)) * 1e9);
    }
    throw new IllegalArgumentException(d);
  }

  private static long bytes(String b) {
    if (b.endsWith("MiB")) {
      return (long) (Double.parseDouble(b.substring(0, b.length() - 3)) * 1024 * 1024);
    }
    if (b.endsWith("KiB")) {
      return (long) (Double.parseDouble(b.substring(0, b.length() - 3)) * 1024);
    }
    return Long.parseLong(b);
  }

  private static FailureKind kind(String word) {
    switch (word) {
      case "reset":
        return FailureKind.RESET;
      case "broken-pipe":
        return FailureKind.BROKEN_PIPE;
      case "timed-out":
        return FailureKind.TIMED_OUT;
      case "unreachable":
        return FailureKind.UNREACHABLE;
      case "eof":
        return FailureKind.PREMATURE_EOF;
      default:
        throw new IllegalArgumentException(word);
    }
  }

  private static String message(FailureKind kind) {
    switch (kind) {
      case RESET:
        return "Connection reset";
      case BROKEN_PIPE:
        return "Broken pipe";
      case TIMED_OUT:
        return "Connection timed out";
      case UNREACHABLE:
        return "No route to host";
      default:
        return "read returned end of stream";
    }
  }
}
