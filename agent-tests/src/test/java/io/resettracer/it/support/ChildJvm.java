package io.resettracer.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts a child JVM, waits for it with a deadline, and kills it if it overstays. */
public final class ChildJvm {

  public static final Path AGENT_JAR = Path.of(System.getProperty("resettracer.agentJar",
      "../agent/target/reset-tracer.jar")).toAbsolutePath().normalize();
  public static final Path SCENARIO_CLASSES = Path.of(System.getProperty("resettracer.scenarioClasses",
      "target/test-classes")).toAbsolutePath();
  /**
   * The libraries on the test's own class path that scenarios run on (Netty, HTTP clients): the
   * child gets them beside the scenario classes, never the test framework and never the agent's
   * classes (the build keeps those off the test's class path).
   */
  public static final String LIBRARIES = libraries();

  /** Libraries for one run, replacing {@link #LIBRARIES}; set per thread (Netty 4.2 runs). */
  private static final ThreadLocal<String> librariesOverride = new ThreadLocal<>();

  /** Runs {@code body} with the child's libraries replaced (each entry with its leading separator). */
  public static <T> T withLibraries(String libraries, java.util.concurrent.Callable<T> body)
      throws Exception {
    librariesOverride.set(libraries);
    try {
      return body.call();
    } finally {
      librariesOverride.remove();
    }
  }

  /**
   * Where children's output and recordings go; made here, since a test may name a file in it
   * before any child has run (the first test of a clean build).
   */
  public static final Path WORK = workDir();

  private static Path workDir() {
    Path dir = Path.of(System.getProperty("resettracer.workDir", "target/it")).toAbsolutePath();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot make the tests' work folder " + dir, e);
    }
    return dir;
  }

  private ChildJvm() {}

  /** What a child printed and how it ended. */
  public record Result(int exitCode, List<String> stdout, List<String> stderr) {
    public String describe() {
      return "exit " + exitCode + "\n--- stdout\n" + String.join("\n", stdout) + "\n--- stderr\n"
          + String.join("\n", stderr);
    }
  }

  public static Result run(Jdks.Jdk jdk, List<String> jvmArgs, String mainClass, List<String> args,
      long timeoutSeconds) throws IOException, InterruptedException {
    String libraries = librariesOverride.get();
    return run(List.of(), jdk, SCENARIO_CLASSES + (libraries != null ? libraries : LIBRARIES),
        jvmArgs, mainClass, args, timeoutSeconds);
  }

  /**
   * Runs {@code mainClass} on {@code classPath}, behind {@code launcher} (such as {@code unshare
   * -n}, which execs the JVM in its place) when not empty.
   */
  public static Result run(List<String> launcher, Jdks.Jdk jdk, String classPath,
      List<String> jvmArgs, String mainClass, List<String> args, long timeoutSeconds)
      throws IOException, InterruptedException {
    Files.createDirectories(WORK);
    List<String> command = new ArrayList<>(launcher);
    command.add(jdk.java().toString());
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add(classPath);
    command.add(mainClass);
    command.addAll(args);
    Path out = Files.createTempFile(WORK, "child-", ".out");
    Path err = Files.createTempFile(WORK, "child-", ".err");
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        // The child's own children (a sample's peers) go first: they would outlive it otherwise.
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError("child JVM timed out after " + timeoutSeconds + " s: " + command
            + "\n" + Files.readString(out) + Files.readString(err));
      }
      return new Result(p.exitValue(), Files.readAllLines(out, StandardCharsets.UTF_8),
          Files.readAllLines(err, StandardCharsets.UTF_8));
    } finally {
      if (p.isAlive()) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static String libraries() {
    StringBuilder b = new StringBuilder();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (entry.endsWith(".jar") && !entry.contains("/org/junit/") && !entry.contains("/opentest4j/")
          && !entry.contains("/apiguardian/") && !entry.contains("/surefire")) {
        b.append(java.io.File.pathSeparator).append(entry);
      }
    }
    return b.toString();
  }

  /**
   * What tests add to the agent's options unless they set it: the children open their sockets in
   * their first milliseconds, before the agent's instrumentation is warm, and by default (no wait)
   * such early connections are tracked only from their first read or write after that. The start-up
   * test covers that default on its own ({@code startupWait=0ms}).
   */
  static final String TEST_DEFAULTS = "startupWait=60s";

  public static String javaagent(String options) {
    String all = options == null || options.isEmpty()
        ? TEST_DEFAULTS
        : options.contains("startupWait=") ? options : options + "," + TEST_DEFAULTS;
    return "-javaagent:" + AGENT_JAR + "=" + all;
  }
}
