package io.resettracer.agent;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.util.jar.JarFile;

/**
 * Puts the hook classes into the boot class loader, where the instrumented JDK classes can see them.
 * They ship as a jar inside the agent jar and never at its top level, so they can only ever be
 * defined there.
 */
final class BootstrapInjector {

  static final String HOOKS = "io.resettracer.bootstrap.ResetTracerHooks";
  private static final String RESOURCE = "/META-INF/reset-tracer/bootstrap.jar";

  private BootstrapInjector() {}

  /** Returns the boot loader's copy of the hooks class, injecting the jar first if needed. */
  static Class<?> inject(Instrumentation inst) throws IOException, ClassNotFoundException {
    try {
      return Class.forName(HOOKS, false, null); // already there: an earlier attach
    } catch (ClassNotFoundException notYet) {
      // inject below
    }
    try (InputStream in = BootstrapInjector.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IOException(RESOURCE + " is missing from the agent jar; rebuild it");
      }
      // java.io on purpose: java.nio.file would load sun.nio.ch.IOUtil, one of the classes to
      // instrument, before the transformer is in place.
      File jar = newTempFile();
      jar.deleteOnExit();
      try (OutputStream out = new FileOutputStream(jar)) {
        in.transferTo(out);
      }
      inst.appendToBootstrapClassLoaderSearch(new JarFile(jar));
    }
    return Class.forName(HOOKS, false, null);
  }

  /**
   * A new file of our own in the temporary directory. Not {@code File.createTempFile}: its random
   * names come from {@code SecureRandom}, whose providers take a cold JVM some 15 ms to set up, on
   * the application's start-up path. The name need not be unguessable: {@code createNewFile}
   * creates it exclusively or fails, and then the next name is tried.
   */
  private static File newTempFile() throws IOException {
    File dir = new File(System.getProperty("java.io.tmpdir"));
    // Not ProcessHandle.current().pid() either: its class starts a thread pool.
    for (int attempt = 0; attempt < 100; attempt++) {
      File f = new File(dir, "reset-tracer-bootstrap-" + Long.toHexString(System.nanoTime()) + ".jar");
      if (f.createNewFile()) {
        return f;
      }
    }
    throw new IOException("could not create a file in " + dir);
  }
}
