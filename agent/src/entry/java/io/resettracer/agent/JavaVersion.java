package io.resettracer.agent;

/**
 * The Java versions the agent runs on, read from {@code java.specification.version} ("1.8", "17").
 * Compiled for Java 8 with the entry points, which must judge the running JVM before anything else
 * loads; the command line judges a target JVM with the same rule.
 */
public final class JavaVersion {

  /** The oldest JDK the agent supports. */
  public static final int MINIMUM = 17;

  private JavaVersion() {}

  /** The feature release of a specification version, or 0 if it cannot be read. */
  public static int feature(String spec) {
    if (spec == null) {
      return 0;
    }
    try {
      return spec.startsWith("1.")
          ? Integer.parseInt(spec.substring(2))
          : Integer.parseInt(spec.split("\\.")[0]);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
