package io.resettracer.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the boot class path jar goes, and what it must be before the JVM takes it. */
class BootstrapInjectorTest {

  @TempDir Path base;

  private Path users() {
    return base.resolve("reset-tracer-" + System.getProperty("user.name"));
  }

  @Test
  void theJarIsOwnerOnlyInPrivateFolders() throws IOException {
    File jar = BootstrapInjector.write(base.toFile(), new ByteArrayInputStream(new byte[] {1, 2, 3}));
    assertEquals("rw-------", mode(jar.toPath()));
    assertEquals("rwx------", mode(jar.toPath().getParent()));
    assertEquals("rwx------", mode(users()));
    assertEquals(users(), jar.toPath().getParent().getParent());
    assertEquals(3, Files.size(jar.toPath()));
  }

  @Test
  void aFolderOfAJvmThatIsGoneIsRemovedAndALiveOneKept() throws IOException {
    Files.createDirectories(users());
    Files.setPosixFilePermissions(users(), PosixFilePermissions.fromString("rwx------"));
    // A pid that cannot be running (above pid_max), and this process under a wrong start time.
    Path gone = Files.createDirectory(users().resolve("99999999-1234-abc"));
    Files.write(gone.resolve("bootstrap.jar"), new byte[] {1});
    String self = BootstrapInjector.ProcessId.self();
    String pid = self.substring(0, self.indexOf('-'));
    Path reused = Files.createDirectory(users().resolve(pid + "-1-abc"));
    Path live = Files.createDirectory(users().resolve(self + "-abc"));
    Path foreign = Files.createDirectory(users().resolve("not-ours"));

    File jar = BootstrapInjector.write(base.toFile(), new ByteArrayInputStream(new byte[] {1}));

    List<String> left = list(users());
    assertFalse(left.contains(gone.getFileName().toString()), left.toString());
    assertFalse(left.contains(reused.getFileName().toString()), "the pid runs another process now");
    assertTrue(left.contains(live.getFileName().toString()), left.toString());
    assertTrue(left.contains(foreign.getFileName().toString()), left.toString());
    assertTrue(left.contains(jar.getParentFile().getName()), left.toString());
  }

  @Test
  void aFolderOthersCanWriteIsRefusedWithWhatToDo() throws IOException {
    Files.createDirectories(users());
    Files.setPosixFilePermissions(users(), PosixFilePermissions.fromString("rwxrwxrwx"));
    IOException e = assertThrows(IOException.class,
        () -> BootstrapInjector.write(base.toFile(), new ByteArrayInputStream(new byte[] {1})));
    assertEquals("will not put " + users() + " on the boot class path: it has mode rwxrwxrwx instead of"
        + " rwx------; remove it, or set tmpdir=<a directory of your own> in the agent's options",
        e.getMessage());
  }

  @Test
  void aLinkInPlaceOfTheFolderIsRefused() throws IOException {
    Path elsewhere = Files.createDirectory(base.resolve("elsewhere"));
    Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rwx------"));
    Files.createSymbolicLink(users(), elsewhere);
    IOException e = assertThrows(IOException.class,
        () -> BootstrapInjector.write(base.toFile(), new ByteArrayInputStream(new byte[] {1})));
    assertTrue(e.getMessage().contains("it is a symbolic link"), e.getMessage());
    assertEquals(List.of(), list(elsewhere), "nothing written through the link");
  }

  @Test
  void anUnwritablePlaceIsOneLineNamingItAndTheOption() {
    IOException e = assertThrows(IOException.class, () -> BootstrapInjector.write(
        base.resolve("missing").toFile(), new ByteArrayInputStream(new byte[] {1})));
    assertEquals("cannot write the boot class path jar under " + base.resolve("missing")
        .resolve("reset-tracer-" + System.getProperty("user.name")) + " (no such directory): set"
        + " tmpdir=<a writable directory> in the agent's options", e.getMessage());
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  private static List<String> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }
}
