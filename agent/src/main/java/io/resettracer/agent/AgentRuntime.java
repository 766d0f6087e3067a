package io.resettracer.agent;

import io.resettracer.bootstrap.ResetTracerHooks;
import io.resettracer.classify.ResetClassifier;
import io.resettracer.emit.ResetReporter;
import io.resettracer.instrument.InstrumentedTypes;
import io.resettracer.instrument.SocketClassTransformer;
import io.resettracer.log.AgentLog;
import io.resettracer.track.ConnectionTracker;
import io.resettracer.track.PeerRegistry;
import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;

/**
 * The running agent: its tracker, reporter and transformer. Start-up does the least it can on the
 * thread that starts the JVM (no Byte Buddy, no JFR); Byte Buddy is warmed up and the JFR event
 * registered on a background thread, and a socket class that loads before that simply waits for it.
 */
public final class AgentRuntime {

  private static final Logger log = AgentLog.get(AgentRuntime.class);

  /** Peers remembered at once (least recently used forgotten first). */
  private static final int MAX_PEERS = 4096;

  private static volatile AgentRuntime current;

  private final AgentOptions options;
  private final ConnectionTracker tracker;
  private final ResetReporter reporter;
  private final SocketClassTransformer transformer;
  private final Instrumentation inst;

  private AgentRuntime(
      AgentOptions options,
      ConnectionTracker tracker,
      ResetReporter reporter,
      SocketClassTransformer transformer,
      Instrumentation inst) {
    this.options = options;
    this.tracker = tracker;
    this.reporter = reporter;
    this.transformer = transformer;
    this.inst = inst;
  }

  static synchronized void start(
      AgentOptions options, Instrumentation inst, Module hooksModule, boolean dynamic) {
    AgentLog.setLevel(options.logLevel);
    if (ResetTracerHooks.installed() != null) {
      log.info("already loaded in this JVM; nothing to do");
      return;
    }
    options.warnings().forEach(log::warn);
    openInternalsTo(inst, hooksModule);
    boolean jfr = options.jfr && jfrPresent();
    if (options.jfr && !jfr) {
      log.warn("this runtime has no jdk.jfr module: resets are logged but not recorded as events");
    }
    PeerRegistry peers = new PeerRegistry(MAX_PEERS);
    ResetReporter reporter =
        ResetReporter.create(
            new ResetClassifier(options.thresholds), peers, jfr, options.eventLimit,
            options.eventWindowNanos, options.logLimit, options.logWindowNanos);
    ConnectionTracker tracker = new ConnectionTracker(options.maxConnections, peers, reporter);
    SocketClassTransformer transformer = new SocketClassTransformer();
    ResetTracerHooks.install(tracker);
    inst.addTransformer(transformer, true);
    AgentRuntime runtime = new AgentRuntime(options, tracker, reporter, transformer, inst);
    current = runtime;
    // JDK 25 loads SocketChannelImpl and IOUtil while it boots, before any agent runs; after an
    // attach every target is loaded. Those are instrumented now, so that no connection opened from
    // here on goes untracked; the rest are instrumented as they load.
    runtime.retransformLoadedTargets();

    Thread init = new Thread(() -> runtime.finishInBackground(jfr), "reset-tracer-init");
    init.setDaemon(true);
    init.start();
    log.debug("reset-tracer {} started ({})", AgentVersion.get(), dynamic ? "attached" : "javaagent");
  }

  /** Warms Byte Buddy, registers the JFR event, and instruments targets that loaded meanwhile. */
  private void finishInBackground(boolean jfr) {
    try {
      transformer.warmUp();
    } catch (Throwable t) {
      ResetTracerHooks.swallow(t);
      log.warn("could not prepare the instrumentation", t);
    }
    if (jfr) {
      try {
        ResetReporter.registerEvents();
      } catch (Throwable t) {
        ResetTracerHooks.swallow(t);
        log.warn("could not register the JFR event; resets are logged only", t);
      }
    }
    try {
      reporter.start();
    } catch (Throwable t) {
      ResetTracerHooks.swallow(t);
      log.warn("could not start host sampling and incident settling; resets are still reported", t);
    }
    retransformLoadedTargets();
  }

  /**
   * Retransforms targets that are loaded but not instrumented, one at a time, so the application
   * never waits for all of them at once.
   */
  private void retransformLoadedTargets() {
    Set<String> done = transformer.woven();
    for (Class<?> c : inst.getAllLoadedClasses()) {
      if (c.getClassLoader() == null
          && InstrumentedTypes.NAMES.contains(c.getName())
          && !done.contains(c.getName())) {
        try {
          inst.retransformClasses(c);
        } catch (Throwable t) {
          ResetTracerHooks.swallow(t);
          log.warn("could not instrument {}; it is not traced", c.getName(), t);
        }
      }
    }
  }

  /**
   * Lets the boot-loader hooks read socket endpoints from JDK internals. Opened to the boot loader's
   * unnamed module only, never to the application's class path.
   */
  private static void openInternalsTo(Instrumentation inst, Module hooksModule) {
    Module base = Object.class.getModule();
    inst.redefineModule(
        base,
        Set.of(),
        Map.of(),
        Map.of("java.net", Set.of(hooksModule), "sun.nio.ch", Set.of(hooksModule)),
        Set.of(),
        Map.of());
  }

  private static boolean jfrPresent() {
    return ModuleLayer.boot().findModule("jdk.jfr").isPresent();
  }

  static AgentRuntime current() {
    return current;
  }

  ConnectionTracker tracker() {
    return tracker;
  }

  ResetReporter reporter() {
    return reporter;
  }

  SocketClassTransformer transformer() {
    return transformer;
  }

  AgentOptions options() {
    return options;
  }
}
