package io.resettracer.agent;

import io.resettracer.bootstrap.ResetTracerHooks;
import io.resettracer.emit.ConnectionResetEvent;
import io.resettracer.emit.ResetIncidentEvent;
import io.resettracer.log.AgentLog;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import jdk.jfr.Recording;
import org.slf4j.Logger;

/**
 * The JFR recording that {@code watch} streams from: only the reset events, without stacks, written
 * to this JVM's JFR repository on disk, which the watching process (of the same user) reads as it
 * grows. One recording however many watch at once. It lasts while a watching process lives: a
 * thread of the agent's looks twice a second, and when the last one is gone (Ctrl-C, kill -9 alike)
 * it removes the recording and ends. A detach removes it at once. Loaded only where {@code jdk.jfr}
 * is.
 */
final class WatchRecording {

  private static final Logger log = AgentLog.get(WatchRecording.class);
  private static final long POLL_MILLIS = 500;

  /** Guards everything below. */
  private static final Object lock = new Object();

  private static Recording recording;
  /** Each watching process, with its start time: a pid reused by another process is not it. */
  private static final Map<Long, Optional<Instant>> watchers = new HashMap<>();

  private static Thread monitor;

  private WatchRecording() {}

  /** Starts the recording if none runs; returns the repository its events are written to. */
  static String start(long watcherPid) {
    Optional<ProcessHandle> watcher = ProcessHandle.of(watcherPid);
    if (watcher.isEmpty()) {
      throw new IllegalArgumentException("no process " + watcherPid + " to watch for");
    }
    synchronized (lock) {
      if (recording == null) {
        Recording r = new Recording();
        r.setName("reset-tracer watch");
        // An event type registers with JFR shortly after an attach: its settings apply then.
        r.enable(ConnectionResetEvent.NAME).withoutStackTrace();
        r.enable(ResetIncidentEvent.NAME);
        r.setToDisk(true);
        r.start();
        recording = r;
      }
      watchers.put(watcherPid, watcher.get().info().startInstant());
      if (monitor == null) {
        Thread t = new Thread(WatchRecording::monitor, "reset-tracer-watch");
        t.setDaemon(true);
        monitor = t;
        t.start();
      }
    }
    String repository = System.getProperty("jdk.jfr.repository");
    if (repository == null) {
      stop();
      throw new IllegalStateException("JFR has no repository on disk in this JVM");
    }
    return repository;
  }

  /** Removes the recording and ends the monitor; nothing if no watch runs. */
  static void stop() {
    Recording r;
    Thread t;
    synchronized (lock) {
      r = recording;
      t = monitor;
      recording = null;
      monitor = null;
      watchers.clear();
      lock.notifyAll();
    }
    if (r != null) {
      r.close();
    }
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void monitor() {
    Thread self = Thread.currentThread();
    try {
      Recording ended;
      synchronized (lock) {
        while (true) {
          if (monitor != self) {
            return; // stopped meanwhile
          }
          watchers.entrySet().removeIf(w -> !alive(w.getKey(), w.getValue()));
          if (watchers.isEmpty()) {
            // Under the lock, so that a watch starting now starts a recording of its own.
            ended = recording;
            recording = null;
            monitor = null;
            break;
          }
          lock.wait(POLL_MILLIS);
        }
      }
      if (ended != null) {
        ended.close();
      }
    } catch (Throwable t) {
      if (!(t instanceof InterruptedException)) {
        ResetTracerHooks.swallow(t);
        log.warn("the watch recording could not be looked after; it is removed", t);
      }
      stop();
    }
  }

  private static boolean alive(long pid, Optional<Instant> startedAt) {
    Optional<ProcessHandle> p = ProcessHandle.of(pid);
    return p.isPresent()
        && p.get().isAlive()
        && (startedAt.isEmpty() || startedAt.equals(p.get().info().startInstant()));
  }
}
