package io.resettracer.cli;

import io.resettracer.agent.AgentCommands;
import io.resettracer.emit.ConnectionResetEvent;
import io.resettracer.emit.ResetIncidentEvent;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import jdk.jfr.consumer.EventStream;

/**
 * {@code watch <pid>}: prints the target's resets as they happen. The agent in the target starts a
 * JFR recording of them (see {@link AgentCommands}), written to the target's JFR repository on
 * disk, and this command reads that repository as it grows, as the same user: no port, no
 * management agent. The agent removes the recording once no watching process is left, Ctrl-C and
 * kill -9 alike, and at a detach; the watch ends when the target exits or the agent is detached.
 * The agent records a reset once the burst around it is known (0.8 s), JFR flushes once a second
 * and the stream polls as often: a reset shows within about two seconds.
 */
final class WatchCommand {

  /** How often the target is asked whether the agent is still active: an attach, no load. */
  private static final Duration PRESENCE_CHECK = Duration.ofSeconds(2);

  private WatchCommand() {}

  static int run(long pid, boolean json, PrintStream out) throws CliFailure {
    if (ModuleLayer.boot().findModule("jdk.jfr").isEmpty()) {
      throw CliFailure.failed(
          "this Java runtime ("
              + System.getProperty("java.home")
              + ") has no jdk.jfr module: run watch with a full JDK 17+");
    }
    AtomicReference<String> ended = new AtomicReference<>();
    try (TargetJvm target = TargetJvm.attach(pid)) {
      if (target.presence() == null) {
        throw CliFailure.failed(ActiveAgent.notActive(pid));
      }
      String self = String.valueOf(ProcessHandle.current().pid());
      String answer = target.ask(AgentCommands.WATCH, self);
      if (!answer.startsWith(AgentCommands.WATCHING)) {
        throw CliFailure.failed("cannot watch pid " + pid + ": " + answer);
      }
      Path repository = visible(pid, Path.of(answer.substring(AgentCommands.WATCHING.length())));
      try (EventStream stream = open(pid, repository)) {
        stream.onEvent(ConnectionResetEvent.NAME,
            e -> out.println(json ? ResetEventLine.json(e) : ResetEventLine.format(e)));
        stream.onEvent(ResetIncidentEvent.NAME,
            e -> out.println(json ? ResetEventLine.json(e) : ResetEventLine.incident(e)));
        stream.onError(t -> ended.compareAndSet(null, String.valueOf(t.getMessage())));
        CountDownLatch live = new CountDownLatch(1);
        stream.onFlush(live::countDown);
        CountDownLatch closed = new CountDownLatch(1);
        stream.onClose(closed::countDown);
        Thread cleanup = new Thread(stream::close, "reset-tracer-watch-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        // The stream does not notice a target that exits; its process handle does.
        ProcessHandle.of(pid)
            .ifPresent(
                p ->
                    p.onExit()
                        .thenRun(
                            () -> {
                              ended.compareAndSet(null, "pid " + pid + " exited");
                              stream.close();
                            }));
        stream.startAsync();
        // Ready once the first flush has been read: the stream has caught up with the target.
        live.await(5, TimeUnit.SECONDS);
        if (target.warnsOfDynamicLoading()) {
          out.println(target.dynamicLoadingNote());
        }
        out.println("watching pid " + pid + " for resets; Ctrl-C to stop");
        out.flush();
        while (!closed.await(PRESENCE_CHECK.toMillis(), TimeUnit.MILLISECONDS)) {
          if (ended.get() == null && stillActive(target) == Boolean.FALSE) {
            ended.compareAndSet(null, "reset-tracer was detached from pid " + pid);
            stream.close();
          }
        }
        try {
          Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException exiting) {
          // the hook is running or has run: it closes the stream
        }
      }
      String reason = ended.get();
      if (reason != null) {
        throw CliFailure.failed("stopped watching pid " + pid + ": " + reason);
      }
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  /**
   * The repository as this process sees it: a target in a container of its own has it under its
   * root, which {@code /proc/<pid>/root} shows to the same user.
   */
  private static Path visible(long pid, Path repository) {
    if (Files.isDirectory(repository) || !repository.isAbsolute()) {
      return repository;
    }
    Path root = Path.of("/proc", String.valueOf(pid), "root");
    Path underRoot = root.resolve(repository.getRoot().relativize(repository));
    return Files.isDirectory(underRoot) ? underRoot : repository;
  }

  private static EventStream open(long pid, Path repository) throws CliFailure {
    try {
      return EventStream.openRepository(repository);
    } catch (IOException | RuntimeException e) {
      throw CliFailure.failed(
          "cannot read pid "
              + pid
              + "'s JFR repository "
              + repository
              + " (run watch as that JVM's user): "
              + e.getMessage());
    }
  }

  /** True or false, or null where it cannot be told (the target is exiting). */
  private static Boolean stillActive(TargetJvm target) {
    try {
      return target.presence() != null;
    } catch (CliFailure e) {
      return null;
    }
  }
}
