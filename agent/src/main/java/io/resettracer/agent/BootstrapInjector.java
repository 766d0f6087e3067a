package io.resettracer.agent;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.jar.JarFile;

/**
 * Puts the hook classes into the boot class loader, where the instrumented JDK classes can see them.
 * They ship as a jar inside the agent jar and never at its top level, so they can only ever be
 * defined there.
 *
 * <p>That jar is written to disk, and the JVM loads boot-loader classes from it for the rest of its
 * life, so nobody else may be able to change it: it is written owner-only (0600) into a folder of
 * this JVM's own (0700), inside a folder of this user's (0700), whatever the umask, and both the
 * folders and the file are checked (owner, mode, not a link) before the boot class path takes it.
 * It is removed at exit; the folder of a JVM that was killed is removed by the next JVM of the same
 * user that starts the agent.
 */
final class BootstrapInjector {

  static final String HOOKS = "io.resettracer.bootstrap.ResetTracerHooks";
  private static final String RESOURCE = "/META-INF/reset-tracer/bootstrap.jar";
  private static final String JAR_NAME = "bootstrap.jar";

  private static final Set<PosixFilePermission> OWNER_ONLY_DIR =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_ONLY_FILE =
      PosixFilePermissions.fromString("rw-------");

  private BootstrapInjector() {}

  /**
   * Returns the boot loader's copy of the hooks class, injecting the jar first if needed.
   *
   * @param tmpdir where to write it, or null for {@code java.io.tmpdir}
   */
  static Class<?> inject(Instrumentation inst, String tmpdir)
      throws IOException, ClassNotFoundException {
    try {
      return Class.forName(HOOKS, false, null); // already there: an earlier attach
    } catch (ClassNotFoundException notYet) {
      // inject below
    }
    try (InputStream in = BootstrapInjector.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IOException(RESOURCE + " is missing from the agent jar; rebuild it");
      }
      File base = new File(tmpdir != null ? tmpdir : System.getProperty("java.io.tmpdir"));
      File jar = write(base, in);
      inst.appendToBootstrapClassLoaderSearch(new JarFile(jar));
    }
    return Class.forName(HOOKS, false, null);
  }

  /**
   * Writes the jar into a new private folder under {@code base} and returns it, checked. java.io
   * for the bytes on purpose: a java.nio.file channel would load sun.nio.ch.IOUtil, one of the
   * classes to instrument, before the transformer is in place; the folders, modes and checks go
   * through java.nio.file's attribute calls, which load no channel.
   */
  static File write(File base, InputStream content) throws IOException {
    Path users = base.toPath().resolve("reset-tracer-" + safeName(System.getProperty("user.name")));
    Path own;
    try {
      createPrivateDirectory(users);
      checkPrivate(users, true);
      removeStale(users);
      own = createOwnDirectory(users);
    } catch (FileSystemException e) {
      throw cannotWrite(users, e);
    }
    File dir = own.toFile();
    File jar = new File(dir, JAR_NAME);
    // Registered first, removed last: the jar goes first, then its folder.
    dir.deleteOnExit();
    jar.deleteOnExit();
    try (OutputStream out = new FileOutputStream(jar)) {
      // Before a byte is written, although only this user can reach the folder: the file's own
      // mode is the last line of defence if the folder's ever changes.
      Files.setPosixFilePermissions(jar.toPath(), OWNER_ONLY_FILE);
      content.transferTo(out);
    } catch (FileSystemException e) {
      throw cannotWrite(own, e);
    }
    checkPrivate(users, true);
    checkPrivate(own, true);
    checkPrivate(jar.toPath(), false);
    return jar;
  }

  /** A new folder (0700 however the umask is set), or the existing one. */
  private static void createPrivateDirectory(Path dir) throws IOException {
    try {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
    } catch (FileAlreadyExistsException exists) {
      // checked by the caller
    }
  }

  /**
   * This JVM's folder, named after its process and start time, so that a later JVM can tell when
   * the process that made it is gone.
   */
  private static Path createOwnDirectory(Path users) throws IOException {
    String self = ProcessId.self();
    for (int attempt = 0; ; attempt++) {
      // Not File.createTempFile: its random names come from SecureRandom, whose providers take a
      // cold JVM some 15 ms to set up, on the application's start-up path. The name need not be
      // unguessable: only this user can create anything here, and creation is exclusive.
      Path dir = users.resolve(self + "-" + Long.toHexString(System.nanoTime()));
      try {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
        return dir;
      } catch (FileAlreadyExistsException taken) {
        if (attempt == 100) {
          throw taken;
        }
      }
    }
  }

  /**
   * Refuses a path that is a link, belongs to someone else, or that anyone else may read or write
   * (a folder 0700, a file 0600).
   */
  static void checkPrivate(Path p, boolean directory) throws IOException {
    PosixFileAttributes a =
        Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    Set<PosixFilePermission> expected = directory ? OWNER_ONLY_DIR : OWNER_ONLY_FILE;
    String problem = null;
    if (a.isSymbolicLink()) {
      problem = "is a symbolic link";
    } else if (directory ? !a.isDirectory() : !a.isRegularFile()) {
      problem = "is not a " + (directory ? "directory" : "regular file");
    } else if (!ownedByThisUser(p, a)) {
      problem = "belongs to " + a.owner().getName() + ", not to " + System.getProperty("user.name");
    } else if (!a.permissions().equals(expected)) {
      problem =
          "has mode "
              + PosixFilePermissions.toString(a.permissions())
              + " instead of "
              + PosixFilePermissions.toString(expected);
    }
    if (problem != null) {
      throw new IOException(
          "will not put "
              + p
              + " on the boot class path: it "
              + problem
              + "; remove it, or set tmpdir=<a directory of your own> in the agent's options");
    }
  }

  /** Compared by user id where {@code /proc} tells ours, else by name. */
  private static boolean ownedByThisUser(Path p, PosixFileAttributes a) throws IOException {
    Object uid = ProcessId.uid();
    if (uid != null) {
      return uid.equals(Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS));
    }
    return a.owner().getName().equals(System.getProperty("user.name"));
  }

  /**
   * Removes the folders of JVMs that are gone (killed, so their exit never removed them). Only
   * folders named as {@link #createOwnDirectory} names them, and only the files in them.
   */
  private static void removeStale(Path users) {
    File[] entries = users.toFile().listFiles();
    if (entries == null) {
      return;
    }
    for (File entry : entries) {
      String name = entry.getName();
      int last = name.lastIndexOf('-');
      if (last <= 0 || !ProcessId.gone(name.substring(0, last))) {
        continue;
      }
      try {
        if (!Files.isDirectory(entry.toPath(), LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        File[] files = entry.listFiles();
        if (files != null) {
          for (File f : files) {
            Files.deleteIfExists(f.toPath());
          }
        }
        Files.deleteIfExists(entry.toPath());
      } catch (IOException | RuntimeException e) {
        // Another JVM removing it at the same time, or not ours to remove: left as it is.
      }
    }
  }

  private static IOException cannotWrite(Path where, FileSystemException e) {
    String reason =
        e.getReason() != null
            ? e.getReason()
            : e instanceof java.nio.file.AccessDeniedException
                ? "permission denied"
                : e instanceof java.nio.file.NoSuchFileException
                    ? "no such directory"
                    : e.getClass().getSimpleName();
    return new IOException(
        "cannot write the boot class path jar under "
            + where
            + " ("
            + reason
            + "): set tmpdir=<a writable directory> in the agent's options");
  }

  /** The user's name as a file name. A loop, not a regular expression: this is start-up. */
  private static String safeName(String user) {
    if (user == null || user.isEmpty()) {
      return "unknown";
    }
    StringBuilder b = new StringBuilder(user.length());
    for (int i = 0; i < user.length(); i++) {
      char c = user.charAt(i);
      boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      b.append(plain || c == '.' || c == '_' || c == '-' ? c : '_');
    }
    return b.toString();
  }

  /** This process as {@code /proc} shows it, read through java.io (see {@link #write}). */
  static final class ProcessId {

    private ProcessId() {}

    /** "pid-starttime", or a name from the clock where {@code /proc} is not there. */
    static String self() {
      String stat = stat("self");
      String[] f = stat == null ? null : fields(stat);
      return f != null ? f[0] + "-" + f[1] : "t" + Long.toHexString(System.nanoTime());
    }

    /** Whether the process a folder was named after ({@code "pid-starttime"}) has ended. */
    static boolean gone(String id) {
      int dash = id.indexOf('-');
      if (dash <= 0 || !digitsAndDashes(id)) {
        return false; // not a name of ours, or from a system without /proc: never guessed at
      }
      if (stat("self") == null) {
        return false;
      }
      String stat = stat(id.substring(0, dash));
      String[] f = stat == null ? null : fields(stat);
      return f == null || !id.equals(f[0] + "-" + f[1]);
    }

    private static boolean digitsAndDashes(String s) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c != '-' && (c < '0' || c > '9')) {
          return false;
        }
      }
      return true;
    }

    /** The user id that owns this process's files, or null where {@code /proc} cannot tell. */
    static Object uid() {
      try {
        return Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }

    /** The pid and the start time (clock ticks since boot), fields 1 and 22 of {@code stat}. */
    private static String[] fields(String stat) {
      int close = stat.lastIndexOf(')');
      if (close < 0 || close + 2 > stat.length()) {
        return null;
      }
      String[] after = stat.substring(close + 2).split(" ");
      if (after.length < 20) {
        return null;
      }
      return new String[] {stat.substring(0, stat.indexOf(' ')), after[19]};
    }

    private static String stat(String pid) {
      try (InputStream in = new FileInputStream("/proc/" + pid + "/stat")) {
        return new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }
  }
}
