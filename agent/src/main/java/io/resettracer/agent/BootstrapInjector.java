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
      File jar = File.createTempFile("reset-tracer-bootstrap-", ".jar");
      jar.deleteOnExit();
      try (OutputStream out = new FileOutputStream(jar)) {
        in.transferTo(out);
      }
      inst.appendToBootstrapClassLoaderSearch(new JarFile(jar));
    }
    return Class.forName(HOOKS, false, null);
  }
}
