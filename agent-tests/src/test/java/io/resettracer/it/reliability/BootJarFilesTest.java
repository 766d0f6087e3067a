package io.resettracer.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.resettracer.it.support.AgentCli;
import io.resettracer.it.support.ChildJvm;
import io.resettracer.it.support.Jdks;
import io.resettracer.it.support.LiveProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The jar the agent puts on the boot class path, from which the JVM loads boot-loader classes for
 * the rest of its life: owner-only in private folders at umask 000, removed at exit, and after a
 * kill -9 removed by the next JVM that starts the agent; where it cannot be written, one line that
 * names the place and the option. On every JDK found.
 */
class BootJarFilesTest {

  @TestFactory
  Stream<DynamicNode> everyJdk() {
    return Jdks.all().stream().map(jdk -> DynamicContainer.dynamicContainer(jdk.toString(), Stream.of(
        DynamicTest.dynamicTest("at umask 000: -javaagent and attach write 0600 in 0700, removed at exit"
            + " and after kill -9", () -> umask000(jdk)),
        DynamicTest.dynamicTest("a read-only place: one line with the path and the option, the"
            + " application runs", () -> readOnly(jdk)))));
  }

  private void umask000(Jdks.Jdk jdk) throws Exception {
    Path tmp = freshDir("files-" + jdk.feature());
    Path users = tmp.resolve("reset-tracer-" + System.getProperty("user.name"));
    String agent = ChildJvm.javaagent("tmpdir=" + tmp);

    // -javaagent, then kill -9: the folder stays behind.
    Path killedJars;
    try (LiveProcess first = LiveTargets.start(LiveTargets.umask000(), jdk, List.of(agent))) {
      assertEquals("0000", umask(first.pid()), "the JVM runs at umask 000");
      killedJars = checkOneJar(jdk, "-javaagent", users);
      assertHooksWork(first);
      first.process().destroyForcibly().waitFor();
    }
    assertTrue(Files.exists(killedJars), "a killed JVM leaves its folder: " + killedJars);

    // attach, at umask 000 too: the killed JVM's folder goes, this one's is as private.
    try (LiveProcess second = LiveTargets.start(LiveTargets.umask000(), jdk, List.of())) {
      AgentCli.Run attach = AgentCli.run(jdk, "attach", String.valueOf(second.pid()), "tmpdir=" + tmp);
      assertEquals(0, attach.exitCode(), attach.describe());
      assertFalse(Files.exists(killedJars), "the killed JVM's folder is removed: " + list(users));
      checkOneJar(jdk, "attach", users);
      assertHooksWork(second);
      second.send("exit");
      assertTrue(second.awaitExit(30), second.describe());
    }
    assertEquals(List.of(), list(users), "the jar and its folder are removed at exit");
    assertEquals("rwx------", mode(users));
  }

  /** The one JVM folder under {@code users}: modes and owner printed, and checked. */
  private static Path checkOneJar(Jdks.Jdk jdk, String how, Path users) throws IOException {
    List<Path> dirs = list(users);
    assertEquals(1, dirs.size(), dirs.toString());
    Path dir = dirs.get(0);
    Path jar = dir.resolve("bootstrap.jar");
    System.out.printf("[files] %s: %s at umask 000: %s %s %s, %s %s %s, %s %s %s%n", jdk, how,
        mode(users), owner(users), users, mode(dir), owner(dir), dir.getFileName(), mode(jar), owner(jar),
        jar.getFileName());
    assertEquals("rwx------", mode(users));
    assertEquals("rwx------", mode(dir));
    assertEquals("rw-------", mode(jar));
    assertFalse(Files.isSymbolicLink(jar));
    for (Path p : List.of(users, dir, jar)) {
      assertEquals(System.getProperty("user.name"), owner(p), p.toString());
    }
    return dir;
  }

  /** A reset is reported: the hooks came from that jar. */
  private static void assertHooksWork(LiveProcess target) throws Exception {
    int mark = target.errSize();
    target.ask("reset-new", "RESET new ");
    target.awaitErr(mark, l -> l.startsWith("[reset-tracer] reset on"), 10_000);
  }

  private void readOnly(Jdks.Jdk jdk) throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")) && unshareWorks(),
        "a read-only file system needs root and unshare -m to mount one");
    Path mountPoint = freshDir("readonly-" + jdk.feature());
    List<String> launcher = List.of("unshare", "-m", "/bin/sh", "-c",
        "mount -t tmpfs -o ro tmpfs \"$0\" && exec \"$@\"", mountPoint.toString());
    ChildJvm.Result r = ChildJvm.run(launcher, jdk, ChildJvm.SCENARIO_CLASSES.toString(),
        List.of(ChildJvm.javaagent("tmpdir=" + mountPoint)), LiveTargets.TARGET, List.of(), 60);
    assertEquals(0, r.exitCode(), r.describe());
    assertTrue(r.stdout().get(0).startsWith("READY "), "the application runs: " + r.describe());
    List<String> ours = r.stderr().stream().filter(l -> l.startsWith("[reset-tracer]"))
        .collect(Collectors.toList());
    Path users = mountPoint.resolve("reset-tracer-" + System.getProperty("user.name"));
    assertEquals(List.of("[reset-tracer] ERROR could not start, the application runs without it: cannot"
        + " write the boot class path jar under " + users + " (Read-only file system): set"
        + " tmpdir=<a writable directory> in the agent's options"), ours, r.describe());
    System.out.printf("[files] %s: read-only tmpdir: %s%n", jdk, ours.get(0));
  }

  private static boolean unshareWorks() {
    try {
      Process p = new ProcessBuilder("unshare", "-m", "true").redirectErrorStream(true).start();
      return p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static String umask(long pid) throws IOException {
    return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
        .filter(l -> l.startsWith("Umask:")).map(l -> l.substring(6).trim()).findFirst()
        .orElse("unknown");
  }

  private static Path freshDir(String name) throws IOException {
    Path dir = ChildJvm.WORK.resolve(name + "-" + System.nanoTime());
    return Files.createDirectories(dir);
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  private static String owner(Path p) throws IOException {
    return Files.getOwner(p, LinkOption.NOFOLLOW_LINKS).getName();
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().collect(Collectors.toList());
    }
  }
}
