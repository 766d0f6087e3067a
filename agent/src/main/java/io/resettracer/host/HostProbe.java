package io.resettracer.host;

import io.resettracer.model.HostSnapshot;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Samples the local host cheaply so that a reset can be compared with it: the kernel's TCP counters
 * and the collectors' accumulated pause time every {@link #SAMPLE_EVERY_NANOS} (two small files and
 * a few counters read on the agent's own thread); only when a reset happens, the file descriptors in
 * use. No listener is left in the JVM, so a detach has nothing to take back.
 */
public final class HostProbe {

  /** How often the kernel counters are sampled. */
  public static final long SAMPLE_EVERY_NANOS = 5_000_000_000L;

  private static final Path SNMP = Path.of("/proc/net/snmp");
  private static final Path NETSTAT = Path.of("/proc/net/netstat");
  private static final Path FDS = Path.of("/proc/self/fd");
  private static final Path LIMITS = Path.of("/proc/self/limits");

  private final ArrayDeque<Sample> samples = new ArrayDeque<>(); // guarded by this
  private final boolean linux = Files.isReadable(SNMP);
  /** The stop-the-world collectors, found on the agent's thread: never on a reset's thread. */
  private volatile List<GarbageCollectorMXBean> collectors = List.of();

  /** Takes a kernel counter sample; called every {@link #SAMPLE_EVERY_NANOS} by the agent. */
  public void sample() {
    long now = System.nanoTime();
    KernelTcpCounters c = linux ? readCounters() : null;
    Sample s = new Sample(now, c, gcMillis());
    synchronized (this) {
      if (samples.size() == 3) {
        samples.removeFirst();
      }
      samples.addLast(s);
    }
  }

  /** One sample: when, the kernel's counters (null off Linux), the collectors' total pause time. */
  private record Sample(long atNanos, KernelTcpCounters counters, long gcMillis) {}

  /** Accumulated stop-the-world collection time, or -1 when unknown. */
  private long gcMillis() {
    List<GarbageCollectorMXBean> gcs = collectors;
    if (gcs.isEmpty()) {
      return -1;
    }
    long sum = 0;
    for (GarbageCollectorMXBean gc : gcs) {
      sum += Math.max(0, gc.getCollectionTime());
    }
    return sum;
  }

  /** Finds the collectors whose pauses are worth naming; call on the agent's own thread. */
  public void findCollectors() {
    List<GarbageCollectorMXBean> found = new ArrayList<>();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (isStopTheWorld(gc.getName())) {
        found.add(gc);
      }
    }
    collectors = List.copyOf(found);
  }

  /** The host as it is now, compared with the oldest kept sample. */
  public HostSnapshot snapshot() {
    long now = System.nanoTime();
    long[] fds = fileDescriptors();
    Sample earlier;
    synchronized (this) {
      earlier = samples.peekFirst();
    }
    if (earlier == null) {
      return new HostSnapshot(fds[0], fds[1], 0, -1, -1, -1, -1, -1, 0);
    }
    long span = now - earlier.atNanos();
    long gc = gcMillis();
    long gcPause = gc < 0 || earlier.gcMillis() < 0 ? -1 : (gc - earlier.gcMillis()) * 1_000_000L;
    KernelTcpCounters before = earlier.counters();
    if (before == null) {
      return new HostSnapshot(fds[0], fds[1], 0, -1, -1, -1, -1, gcPause, span);
    }
    KernelTcpCounters c = readCounters();
    return new HostSnapshot(
        fds[0], fds[1], span,
        KernelTcpCounters.delta(c.outSegs(), before.outSegs()),
        KernelTcpCounters.delta(c.retransSegs(), before.retransSegs()),
        KernelTcpCounters.delta(c.tcpTimeouts(), before.tcpTimeouts()),
        KernelTcpCounters.delta(c.listenOverflows(), before.listenOverflows()),
        gcPause, span);
  }

  private static KernelTcpCounters readCounters() {
    return KernelTcpCounters.parse(read(SNMP), read(NETSTAT));
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
