package io.resettracer.model;

/** Byte counts for evidence: "512 B", "4.2 MiB". */
public final class Sizes {

  private Sizes() {}

  public static String format(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1024 * 1024) {
      return Decimals.fixed(bytes / 1024.0, 1) + " KiB";
    }
    if (bytes < 1024L * 1024 * 1024) {
      return Decimals.fixed(bytes / (1024.0 * 1024), 1) + " MiB";
    }
    return Decimals.fixed(bytes / (1024.0 * 1024 * 1024), 1) + " GiB";
  }
}
