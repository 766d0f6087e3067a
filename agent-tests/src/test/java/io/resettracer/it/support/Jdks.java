package io.resettracer.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The JDKs to run child JVMs on: every JDK 17+ in the system's JVM folder and in
 * {@code RESETTRACER_TEST_JDKS} (a path-separated list of JDK homes), each once however many links
 * point to it. Prints which it uses and which it skips, and why.
 */
public final class Jdks {

  private static List<Jdk> found;

  private Jdks() {}

  /** One JDK: its home and feature version. */
  public record Jdk(Path home, int feature) {
    public Path java() {
      return home.resolve("bin/java");
    }

    public Path tool(String name) {
      return home.resolve("bin/" + name);
    }

    @Override
    public String toString() {
      return "JDK " + feature + " (" + home + ")";
    }
  }

  public static synchronized List<Jdk> all() {
    if (found != null) {
      return found;
    }
    List<Path> candidates = new ArrayList<>();
    String extra = System.getenv("RESETTRACER_TEST_JDKS");
    if (extra != null && !extra.isBlank()) {
      for (String p : extra.split(java.io.File.pathSeparator)) {
        candidates.add(Path.of(p.trim()));
      }
    }
    candidates.add(Path.of(System.getProperty("java.home")));
    Path folder = Path.of("/usr/lib/jvm");
    if (Files.isDirectory(folder)) {
      try (Stream<Path> s = Files.list(folder)) {
        s.sorted().forEach(candidates::add);
      } catch (IOException e) {
        System.out.println("[jdks] cannot list " + folder + ": " + e);
      }
    }
    Map<Path, Jdk> byRealHome = new LinkedHashMap<>();
    for (Path home : candidates) {
      Path java = home.resolve("bin/java");
      if (!Files.isExecutable(java)) {
        continue;
      }
      try {
        Path real = java.toRealPath().getParent().getParent();
        if (byRealHome.containsKey(real)) {
          continue;
        }
        int feature = feature(real);
        if (feature < 17) {
          System.out.println("[jdks] skipped " + home + ": Java " + feature + " is older than 17");
          continue;
        }
        if (!Files.isExecutable(real.resolve("bin/jfr"))) {
          System.out.println("[jdks] skipped " + home + ": not a full JDK (no bin/jfr)");
          continue;
        }
        byRealHome.put(real, new Jdk(real, feature));
      } catch (IOException e) {
        System.out.println("[jdks] skipped " + home + ": " + e);
      }
    }
    found = List.copyOf(byRealHome.values());
    System.out.println("[jdks] child JVMs run on: " + found);
    return found;
  }

  private static int feature(Path home) throws IOException {
    Path release = home.resolve("release");
    if (Files.exists(release)) {
      for (String line : Files.readAllLines(release)) {
        if (line.startsWith("JAVA_VERSION=")) {
          String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
          return v.startsWith("1.") ? Integer.parseInt(v.substring(2, 3)) : Integer.parseInt(v.split("[.+-]")[0]);
        }
      }
    }
    return 0;
  }
}
