package io.resettracer.agent;

import io.resettracer.bootstrap.ResetTracerHooks;
import io.resettracer.classify.ResetClassifier;
import io.resettracer.emit.JfrOutput;
import io.resettracer.emit.LogOutput;
import io.resettracer.emit.ResetOutput;
import io.resettracer.emit.otlp.OtlpOutput;
import io.resettracer.emit.otlp.OtlpSettings;
import io.resettracer.host.HostProbe;
import io.resettracer.pipeline.FailureHandOff;
import io.resettracer.pipeline.ResetPipeline;
import io.resettracer.instrument.InstrumentedTypes;
import io.resettracer.instrument.SocketClassTransformer;
import io.resettracer.instrument.StateFieldInjector;
import io.resettracer.log.AgentLog;
import io.resettracer.track.ConnectionTracker;
import io.resettracer.track.PeerRegistry;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;

/**
 * The running agent: its tracker, pipeline and transformer, and how it is taken out again. Start-up
 * does the least it can on the thread that starts the JVM (no Byte Buddy, no JFR); Byte Buddy is
 * warmed up and the JFR event registered on a background thread. A socket class that loads before
 * the weaver is ready loads as it is (see {@link SocketClassTransformer}) and is instrumented as
 * soon as the weaver is. An attach, which no application start waits for, instruments before it
 * returns.
 */
public final class AgentRuntime {

  private static final Logger log = AgentLog.get(AgentRuntime.class);

  /** Peers remembered at once (one not used lately forgotten first). */
  private static final int MAX_PEERS = 4096;

  /** Failures waiting for the pipeline at most; past it they are shed and counted. */
  private static final int HAND_OFF_CAPACITY = 4096;

  /**
   * Failures judged per second at most; past it they are shed and counted. Well above what an
   * operator reads (the event limit is 1 000 a second, the log's 20 per 10 s), well below what a
   * storm throws (a client reconnecting into a server that resets everything: thousands a second).
   */
  private static final int JUDGED_PER_SECOND = 256;

  /**
   * Failures judged per second at most in each second a storm goes on past its first (see
   * {@link FailureHandOff}): its verdict is known by then, and judging costs the CPU the
   * application is reconnecting on.
   */
  private static final int JUDGED_PER_SECOND_IN_A_STORM = 64;

  private static volatile AgentRuntime current;
  /** Stateless; one instance, so that detach removes what start-up added. */
  private static final StateFieldInjector STATE_FIELDS = new StateFieldInjector();

  private final AgentOptions options;
  private final ConnectionTracker tracker;
  private final ResetPipeline pipeline;
  /** The JFR output, or null when JFR is off or absent. */
  private final JfrOutput jfrOutput;
  private final SocketClassTransformer transformer;
  private final Instrumentation inst;
  private final boolean dynamic;
  private volatile boolean stopped;
  private volatile boolean eventsRegistered;
  private Thread init;

  private AgentRuntime(
      AgentOptions options,
      ConnectionTracker tracker,
      ResetPipeline pipeline,
      JfrOutput jfrOutput,
      SocketClassTransformer transformer,
      Instrumentation inst,
      boolean dynamic) {
    this.options = options;
    this.tracker = tracker;
    this.pipeline = pipeline;
    this.jfrOutput = jfrOutput;
    this.transformer = transformer;
    this.inst = inst;
    this.dynamic = dynamic;
  }

  static synchronized void start(
      AgentOptions options, Instrumentation inst, Module hooksModule, boolean dynamic) {
    if (ResetTracerHooks.installed() != null) {
      log.info("already loaded in this JVM; nothing to do");
      if (dynamic && current != null) {
        Presence.alreadyActive(current);
      }
      return;
    }
    long startedAt = System.nanoTime();
    // Only now: a second load must not change the level the running agent was given.
    AgentLog.setLevel(options.logLevel);
    options.warnings().forEach(log::warn);
    openInternalsTo(inst, hooksModule);
    exportAgentPropertiesTo(inst, hooksModule);
    boolean jfr = options.jfr && jfrPresent();
    if (options.jfr && !jfr) {
      log.warn("this runtime has no jdk.jfr module: resets are logged but not recorded as events");
    }
    PeerRegistry peers = new PeerRegistry(MAX_PEERS);
    FailureHandOff handOff = new FailureHandOff(HAND_OFF_CAPACITY, JUDGED_PER_SECOND, JUDGED_PER_SECOND_IN_A_STORM);
    List<ResetOutput> outputs = new ArrayList<>();
    outputs.add(new LogOutput(options.logLimit, options.logWindowNanos));
    JfrOutput jfrOutput = jfr ? new JfrOutput(options.eventLimit, options.eventWindowNanos) : null;
    if (jfrOutput != null) {
      outputs.add(jfrOutput);
    }
    if (options.otlp != null) {
      ResetOutput otlp = otlpOutput(options, inst);
      if (otlp != null) {
        outputs.add(otlp);
      }
    }
    ResetPipeline pipeline =
        new ResetPipeline(
            handOff, new ResetClassifier(options.thresholds), peers, new HostProbe(), outputs);
    ConnectionTracker tracker = new ConnectionTracker(options.maxConnections, peers, handOff);
    SocketClassTransformer transformer = new SocketClassTransformer(options.startupWaitNanos);
    ResetTracerHooks.install(tracker);
    // First, and unable to retransform: see StateFieldInjector for why both matter.
    inst.addTransformer(STATE_FIELDS, false);
    inst.addTransformer(transformer, true);
    AgentRuntime runtime =
        new AgentRuntime(options, tracker, pipeline, jfrOutput, transformer, inst, dynamic);
    current = runtime;
    if (dynamic) {
      // After an attach every target is loaded: instrumented now, so that the attach command can
      // say what was done and no connection opened from here on goes untracked.
      transformer.warmUp();
      runtime.retransformLoadedTargets();
    }

    // At once, not with the rest in the background: a reset in the JVM's first instant, right
    // before it exits, must still be judged and reported by the exit hook this registers.
    try {
      pipeline.start();
    } catch (Throwable t) {
      ResetTracerHooks.swallow(t);
      log.warn("could not start the agent's pipeline thread; resets are not judged", t);
    }
    Thread init = new Thread(runtime::finishInBackground, "reset-tracer-init");
    init.setDaemon(true);
    runtime.init = init;
    init.start();
    Presence.announce(runtime, startedAt);
    if (!dynamic && managementPresent()) {
      // An attach registers the MBean in Presence, at once; a JVM start, a moment later.
      ResetTracerControl.registerWhenSafe(runtime);
    }
    log.debug("reset-tracer {} started ({})", AgentVersion.get(), dynamic ? "attached" : "javaagent");
  }

  /**
   * Warms Byte Buddy, instruments the targets that loaded meanwhile (JDK 25 loads SocketChannelImpl
   * and IOUtil on the application's first InetAddress use, which reads the security properties
   * file through a channel), then registers the JFR event.
   */
  private void finishInBackground() {
    try {
      transformer.warmUp();
    } catch (Throwable t) {
      ResetTracerHooks.swallow(t);
      log.warn("could not prepare the instrumentation", t);
    }
    // A socket class whose loading began just before the weaver was ready may not be listed as
    // loaded yet on the first pass: look again, briefly, until every deferred class is woven.
    for (int pass = 0; pass < 100 && !stopped; pass++) {
      retransformLoadedTargets();
      if (transformer.nothingDeferred()) {
        break;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    log.debug("instrumentation ready: {}", transformer.woven());
    if (jfrOutput != null && !stopped) {
      try {
        jfrOutput.register(pipeline::atRecordingChunkEnd);
        eventsRegistered = true;
      } catch (Throwable t) {
        ResetTracerHooks.swallow(t);
        log.warn("could not register the JFR event; resets are logged only", t);
      }
    }
  }

  /**
   * Retransforms targets that are loaded but not instrumented, one at a time, so the application
   * never waits for all of them at once.
   */
  private void retransformLoadedTargets() {
    Set<String> done = transformer.woven();
    for (Class<?> c : inst.getAllLoadedClasses()) {
      if (isTarget(c) && !done.contains(c.getName())) {
        try {
          inst.retransformClasses(c);
        } catch (Throwable t) {
          transformer.giveUp(c.getName());
          ResetTracerHooks.swallow(t);
          log.warn("could not instrument {}; it is not traced", c.getName(), t);
        }
      }
    }
  }

  /**
   * Takes the agent out of the JVM: the hooks go quiet first, so tracking stops at once; then every
   * woven class gets its original bytecode back, one class at a time so that no application thread
   * waits for more than one short safepoint. The classes stay loaded (the JVM cannot unload them) and
   * a later attach starts afresh. Never throws: a step that fails is logged and the rest still run.
   *
   * @return what was done, in one line
   */
  static synchronized String detach() {
    AgentRuntime r = current;
    if (r == null) {
      return "reset-tracer is not active in this JVM";
    }
    long startedAt = System.nanoTime();
    ResetTracerHooks.install(null);
    r.stopped = true;
    r.inst.removeTransformer(r.transformer);
    // Classes defined with the state field keep it (a class's shape cannot change once loaded);
    // the advice that reads it goes with the woven methods, and each state with its connection.
    r.inst.removeTransformer(STATE_FIELDS);
    r.awaitInit();
    int restored = r.restoreOriginalClasses();
    r.stopReporting();
    r.tracker.close();
    Presence.withdraw();
    current = null;
    String summary =
        String.format(
            java.util.Locale.ROOT,
            "detached: %d classes restored to their original bytecode in %d ms",
            restored,
            (System.nanoTime() - startedAt) / 1_000_000);
    log.info(summary);
    return summary;
  }

  /** The background start-up must not register or retransform anything after a detach. */
  private void awaitInit() {
    Thread t = init;
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * A JDK socket class (boot loader only), or a library's (Netty) in whatever loader has it, under
   * its own name or relocated (gRPC's {@code io.grpc.netty.shaded.io.netty}).
   */
  private static boolean isTarget(Class<?> c) {
    return c.getClassLoader() == null
        ? InstrumentedTypes.NAMES.contains(c.getName())
        : InstrumentedTypes.isLibraryClass(c.getName());
  }

  /** Retransforms the woven classes without the transformer, which yields their original bytes. */
  private int restoreOriginalClasses() {
    Set<String> woven = transformer.woven();
    int restored = 0;
    for (Class<?> c : inst.getAllLoadedClasses()) {
      if (isTarget(c) && woven.contains(c.getName())) {
        try {
          inst.retransformClasses(c);
          restored++;
        } catch (Throwable t) {
          ResetTracerHooks.swallow(t);
          log.warn("could not restore {}; its advice stays but does nothing", c.getName(), t);
        }
      }
    }
    return restored;
  }

  private void stopReporting() {
    try {
      pipeline.close();
    } catch (Throwable t) {
      ResetTracerHooks.swallow(t);
      log.warn("the pipeline did not stop cleanly", t);
    }
    if (eventsRegistered) {
      try {
        jfrOutput.unregister();
      } catch (Throwable t) {
        ResetTracerHooks.swallow(t);
        log.warn("could not unregister the JFR event", t);
      }
    }
  }

  /**
   * Lets the boot-loader {@code AgentPresence} publish to the JVM's agent properties, which the
   * attach mechanism reads. Exported to the boot loader's unnamed module only.
   */
  private static void exportAgentPropertiesTo(Instrumentation inst, Module hooksModule) {
    inst.redefineModule(
        Object.class.getModule(),
        Set.of(),
        Map.of("jdk.internal.vm", Set.of(hooksModule)),
        Map.of(),
        Set.of(),
        Map.of());
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

  /**
   * The OpenTelemetry output, or null when its settings are wrong (one line says which). Its classes
   * load only here, with export on.
   */
  private static ResetOutput otlpOutput(AgentOptions options, Instrumentation inst) {
    try {
      OtlpOutput o =
          new OtlpOutput(
              OtlpSettings.of(options.otlp, options.otlpPeers),
              AgentVersion.get(),
              inst::getAllLoadedClasses);
      log.debug("exporting to OpenTelemetry: {}", o.describe());
      return o;
    } catch (IllegalArgumentException e) {
      log.warn("OpenTelemetry export is off: {}", e.getMessage());
    } catch (Throwable t) {
      ResetTracerHooks.swallow(t);
      log.warn("OpenTelemetry export is off: it could not start", t);
    }
    return null;
  }

  private static boolean managementPresent() {
    return ModuleLayer.boot().findModule("java.management").isPresent();
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

  ResetPipeline pipeline() {
    return pipeline;
  }

  SocketClassTransformer transformer() {
    return transformer;
  }

  AgentOptions options() {
    return options;
  }

  String mode() {
    return dynamic ? "attach" : "javaagent";
  }

  boolean dynamic() {
    return dynamic;
  }

  /** True once detached. */
  boolean stopped() {
    return stopped;
  }
}
