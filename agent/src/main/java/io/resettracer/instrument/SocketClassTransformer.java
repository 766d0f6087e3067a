package io.resettracer.instrument;

import io.resettracer.bootstrap.ResetTracerHooks;
import io.resettracer.log.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * Sees every class the JVM loads and lets all but the handful of JDK socket classes pass untouched
 * with a name check, so that nothing is parsed, and Byte Buddy is not even loaded, until a socket
 * class appears. A class that cannot be woven loads unchanged: the host always starts.
 */
public final class SocketClassTransformer implements ClassFileTransformer {

  private static final Logger log = AgentLog.get(SocketClassTransformer.class);

  private final Set<String> woven = ConcurrentHashMap.newKeySet();
  private volatile Weaver weaver;
  private volatile Thread warmingUp;

  public SocketClassTransformer() {
    // The name check runs for every class of every loader: its class must be loaded before this
    // transformer sees its first class, or loading it would re-enter the application's class loader
    // from inside that loader's own definition of it ("duplicate class definition").
    InstrumentedTypes.isLibraryTarget("");
  }

  @Override
  public byte[] transform(
      ClassLoader loader,
      String internalName,
      Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain,
      byte[] classFile) {
    // The JDK targets live in java.base, defined by the boot loader; library targets (Netty) in
    // whatever loader the application uses, shaded copies excepted (their names differ).
    if (internalName == null
        || !(loader == null
            ? InstrumentedTypes.isTarget(internalName)
            : InstrumentedTypes.isLibraryTarget(internalName))) {
      return null;
    }
    if (Thread.currentThread() == warmingUp) {
      // Byte Buddy itself touched a socket class while loading: it is retransformed once ready.
      return null;
    }
    String className = internalName.replace('/', '.');
    try {
      byte[] result = weaver().weave(className, classFile, classBeingRedefined, loader);
      if (result != null) {
        woven.add(className);
      }
      return result;
    } catch (Throwable t) {
      ResetTracerHooks.swallow(t);
      log.warn("could not instrument {}; it is not traced", className, t);
      return null;
    }
  }

  /** Loads Byte Buddy ahead of the first socket class; meant for a background thread. */
  public void warmUp() {
    warmingUp = Thread.currentThread();
    try {
      weaver().warmUp();
    } finally {
      warmingUp = null;
    }
  }

  /** Binary names of the classes instrumented so far. */
  public Set<String> woven() {
    return Set.copyOf(woven);
  }

  private Weaver weaver() {
    Weaver w = weaver;
    if (w == null) {
      synchronized (this) {
        w = weaver;
        if (w == null) {
          weaver = w = new Weaver();
        }
      }
    }
    return w;
  }
}
