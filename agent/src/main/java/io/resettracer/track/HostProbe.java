package io.resettracer.track;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Samples the local host cheaply so that a reset can be compared with it: the kernel's TCP counters
 * every {@link #SAMPLE_EVERY_NANOS} (two small files read on the agent's own thread), this JVM's GC
 * pauses as the JVM reports them, and, only when a reset happens, the file descriptors in use.
 */
public final class HostProbe {

  /** How often the kernel counters are sampled. */
  public static final long SAMPLE_EVERY_NANOS = 5_000_000_000L;
  /** GC pauses remembered, to name a pause longer than a peer's patience. */
  static final long PAUSE_MEMORY_NANOS = 60_000_000_000L;

  private static final Path SNMP = Path.of("/proc/net/snmp");
  private static final Path NETSTAT = Path.of("/proc/net/netstat");
  private static final Path FDS = Path.of("/proc/self/fd");
  private static final Path LIMITS = Path.of("/proc/self/limits");

  private final ArrayDeque<KernelTcpCounters> samples = new ArrayDeque<>(); // guarded by this
  private final ArrayDeque<long[]> pauses = new ArrayDeque<>(); // {endNanos, durationNanos}; this
  private final boolean linux = Files.isReadable(SNMP);
  private NotificationListener pauseListener;

  /** Takes a kernel counter sample; called every {@link #SAMPLE_EVERY_NANOS} by the agent. */
  public void sample() {
    if (!linux) {
      return;
    }
    KernelTcpCounters c = readCounters(System.nanoTime());
    synchronized (this) {
      if (samples.size() == 3) {
        samples.removeFirst();
      }
      samples.addLast(c);
    }
  }

  /** Starts listening for GC pauses. */
  public void watchPauses() {
    NotificationListener listener = (n, handback) -> onGc(n);
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter && isStopTheWorld(gc.getName())) {
        ((NotificationEmitter) gc).addNotificationListener(listener, null, null);
      }
    }
    pauseListener = listener;
  }

  /** Stops listening for GC pauses (on detach). */
  public void stop() {
    if (pauseListener == null) {
      return;
    }
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter) {
        try {
          ((NotificationEmitter) gc).removeNotificationListener(pauseListener);
        } catch (Exception e) {
          // It was never added to this one.
        }
      }
    }
    pauseListener = null;
  }

  /** The host as it is now, compared with the oldest kept counter sample. */
  public HostSnapshot snapshot() {
    long now = System.nanoTime();
    long[] fds = fileDescriptors();
    KernelTcpCounters earlier;
    long pause = -1;
    long pauseAgo = -1;
    synchronized (this) {
      earlier = samples.peekFirst();
      for (long[] p : pauses) {
        if (now - p[0] <= PAUSE_MEMORY_NANOS && p[1] > pause) {
          pause = p[1];
          pauseAgo = now - p[0];
        }
      }
    }
    if (!linux || earlier == null) {
      return new HostSnapshot(fds[0], fds[1], 0, -1, -1, -1, -1, pause, pauseAgo);
    }
    KernelTcpCounters c = readCounters(now);
    return new HostSnapshot(
        fds[0], fds[1], now - earlier.atNanos(),
        KernelTcpCounters.delta(c.outSegs(), earlier.outSegs()),
        KernelTcpCounters.delta(c.retransSegs(), earlier.retransSegs()),
        KernelTcpCounters.delta(c.tcpTimeouts(), earlier.tcpTimeouts()),
        KernelTcpCounters.delta(c.listenOverflows(), earlier.listenOverflows()),
        pause, pauseAgo);
  }

  private static KernelTcpCounters readCounters(long now) {
    return KernelTcpCounters.parse(now, read(SNMP), read(NETSTAT));
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** {open, soft limit}; -1 where unknown. */
  private static long[] fileDescriptors() {
    long open = -1;
    long limit = -1;
    try (DirectoryStream<Path> d = Files.newDirectoryStream(FDS)) {
      open = 0;
      for (Path ignored : d) {
        open++;
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or not readable: unknown.
    }
    String limits = read(LIMITS);
    if (limits != null) {
      for (String line : limits.split("\n")) {
        if (line.startsWith("Max open files")) {
          String[] f = line.substring("Max open files".length()).trim().split("\\s+");
          try {
            limit = Long.parseLong(f[0]);
          } catch (NumberFormatException e) {
            limit = -1; // "unlimited"
          }
        }
      }
    }
    return new long[] {open, limit};
  }

  private void onGc(Notification n) {
    if (!"com.sun.management.gc.notification".equals(n.getType())) {
      return;
    }
    CompositeData info = (CompositeData) n.getUserData();
    CompositeData gcInfo = (CompositeData) info.get("gcInfo");
    long durationNanos = ((Long) gcInfo.get("duration")) * 1_000_000L;
    long now = System.nanoTime();
    synchronized (this) {
      while (!pauses.isEmpty() && now - pauses.peekFirst()[0] > PAUSE_MEMORY_NANOS) {
        pauses.removeFirst();
      }
      if (pauses.size() < 256) {
        pauses.addLast(new long[] {now, durationNanos});
      }
    }
  }

  /** Concurrent collectors' cycles run beside the application: only their pauses stop it. */
  private static boolean isStopTheWorld(String collector) {
    for (String concurrent : List.of("Cycles", "Concurrent", "Shenandoah Cycles")) {
      if (collector.contains(concurrent)) {
        return false;
      }
    }
    return true;
  }
}
