package io.resettracer.instrument;

import io.resettracer.bootstrap.ResetTracerHooks;
import io.resettracer.log.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Sees every class the JVM loads and lets all but the handful of JDK socket classes pass untouched
 * with a name check, so that nothing is parsed, and Byte Buddy is not even loaded, until a socket
 * class appears. A class that cannot be woven loads unchanged: the host always starts.
 *
 * <p>Byte Buddy takes a few hundred milliseconds to warm up on a cold JVM, on a background thread.
 * A socket class that loads before it is ready waits at most {@code startupWait} (none by default)
 * and otherwise loads unwoven; it is retransformed the moment the weaver is ready. An application
 * that opens a socket in its first instant so starts as fast as without the agent, and only the
 * connections it opened in that window are reported as first seen mid-life, with no age.
 */
public final class SocketClassTransformer implements ClassFileTransformer {

  private static final Logger log = AgentLog.get(SocketClassTransformer.class);

  private final Set<String> woven = ConcurrentHashMap.newKeySet();
  /** Targets that loaded unwoven because the weaver was not ready: the retransformation's list. */
  private final Set<String> deferred = ConcurrentHashMap.newKeySet();
  private final CountDownLatch ready = new CountDownLatch(1);
  private final long startupWaitNanos;
  private volatile Weaver weaver;
  private volatile Thread warmingUp;

  /** {@code startupWaitNanos}: how long a socket class may wait for the weaver to be ready. */
  public SocketClassTransformer(long startupWaitNanos) {
    this.startupWaitNanos = startupWaitNanos;
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
    // whatever loader the application uses, under their own names or relocated (gRPC's shaded
    // Netty): matched by their unrelocated suffix.
    if (internalName == null
        || !(loader == null
            ? InstrumentedTypes.isTarget(internalName)
            : InstrumentedTypes.isLibraryTarget(internalName))) {
      return null;
    }
    String className = internalName.replace('/', '.');
    if (Thread.currentThread() == warmingUp || !awaitReady()) {
      // Byte Buddy itself touched a socket class while loading, or the host's first socket came
      // sooner than the weaver could be ready: the class is retransformed once it is.
      deferred.add(className);
      return null;
    }
    deferred.remove(className); // woven now, or tried and logged: not deferred any longer
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

  /**
   * Loads Byte Buddy and prepares the advice; socket classes are woven from then on. Meant for a
   * background thread; a no-op once done. Even if it fails, the weaver counts as ready: each class
   * then tries, fails alone and loads unchanged.
   */
  public void warmUp() {
    if (isReady()) {
      return;
    }
    warmingUp = Thread.currentThread();
    try {
      weaver().warmUp();
    } finally {
      warmingUp = null;
      ready.countDown();
    }
  }

  private boolean isReady() {
    return ready.getCount() == 0;
  }

  private boolean awaitReady() {
    if (isReady()) {
      return true;
    }
    if (startupWaitNanos <= 0) {
      return false;
    }
    try {
      return ready.await(startupWaitNanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * True when every class that loaded unwoven has been through the weaver since. A class whose
   * loading began just before the weaver became ready may not be listed among the loaded classes
   * yet when they are first retransformed; the caller looks again until this holds.
   */
  public boolean nothingDeferred() {
    return deferred.isEmpty();
  }

  /** {@code className} could not even be retransformed (logged once): stop waiting for it. */
  public void giveUp(String className) {
    deferred.remove(className);
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
