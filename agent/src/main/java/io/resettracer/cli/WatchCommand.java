package io.resettracer.cli;

import io.resettracer.emit.ConnectionResetEvent;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import jdk.management.jfr.RemoteRecordingStream;

/**
 * {@code watch <pid>}: prints the target's resets as they happen, from a JFR recording that this
 * command starts in the target and streams over its local management agent. The recording is
 * removed when the command ends, Ctrl-C included, or when the target exits. JFR flushes once a
 * second and the stream polls once a second when idle, so a reset shows one to two seconds later.
 */
final class WatchCommand {

  private WatchCommand() {}

  static int run(long pid, PrintStream out) throws CliFailure {
    if (ModuleLayer.boot().findModule("jdk.management.jfr").isEmpty()) {
      throw CliFailure.failed(
          "this Java runtime ("
              + System.getProperty("java.home")
              + ") has no jdk.management.jfr"
              + " module: run watch with a full JDK 17+");
    }
    TargetJvm target = TargetJvm.attach(pid);
    Management management = null;
    RemoteRecordingStream stream = null;
    AtomicBoolean closed = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread cleanup = null;
    try {
      if (target.presence() == null) {
        throw CliFailure.failed(ActiveAgent.notActive(pid));
      }
      management = target.management();
      try {
        stream = new RemoteRecordingStream(management.connection());
      } catch (IOException | RuntimeException e) {
        throw CliFailure.failed(
            "cannot start a recording in pid "
                + pid
                + " (its runtime may lack jdk.management.jfr): "
                + e.getMessage());
      }
      // The one-line output needs no stack; the target then records none for this recording.
      stream.enable(ConnectionResetEvent.NAME).withoutStackTrace();
      stream.onEvent(ConnectionResetEvent.NAME, e -> out.println(ResetEventLine.format(e)));
      stream.onError(failure::set);
      CountDownLatch live = new CountDownLatch(1);
      stream.onFlush(live::countDown);
      RemoteRecordingStream s = stream;
      Management m = management;
      cleanup = new Thread(() -> close(closed, s, m, target), "reset-tracer-watch-cleanup");
      Runtime.getRuntime().addShutdownHook(cleanup);
      stream.startAsync();
      // The stream does not notice a target that exits; its process handle does.
      ProcessHandle.of(pid)
          .ifPresent(
              p ->
                  p.onExit()
                      .thenRun(
                          () -> {
                            failure.compareAndSet(
                                null, new IllegalStateException("pid " + pid + " exited"));
                            s.close();
                          }));
      // Ready once the first flush has arrived: the stream has caught up with the target.
      live.await(5, TimeUnit.SECONDS);
      out.println("watching pid " + pid + " for resets; Ctrl-C to stop");
      out.flush();
      stream.awaitTermination();
      Throwable t = failure.get();
      if (t != null) {
        throw CliFailure.failed("stopped watching pid " + pid + ": " + t.getMessage());
      }
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    } finally {
      if (cleanup != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException exiting) {
          // the hook is running or has run: it cleans up
        }
      }
      close(closed, stream, management, target);
    }
  }

  /** Once, from the shutdown hook or the normal end, whichever comes first. */
  private static void close(
      AtomicBoolean closed, RemoteRecordingStream stream, Management management, TargetJvm target) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (stream != null) {
      stream.close(); // stops and removes the recording in the target
      try {
        stream.awaitTermination(java.time.Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (management != null) {
      management.close();
    }
    target.close();
  }
}
