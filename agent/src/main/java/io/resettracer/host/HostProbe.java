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
 * Samples the local host so that a reset can be compared with it: the kernel's TCP counters, the
 * file descriptors in use and the collectors' accumulated pause time, on the agent's own thread
 * only, every {@link #SAMPLE_EVERY_NANOS} and, while resets are being judged, at most every
 * {@link #FRESH_NANOS}. A snapshot reads no file: it compares the kept samples, so judging a reset
 * costs the same with 20 descriptors open or 20 000. No listener is left in the JVM, so a detach
 * has nothing to take back.
 */
public final class HostProbe {

  /** How often the kernel counters are sampled. */
  public static final long SAMPLE_EVERY_NANOS = 5_000_000_000L;

  /** How old the newest sample may be when a reset is judged. */
  public static final long FRESH_NANOS = 1_000_000_000L;

  private static final Path SNMP = Path.of("/proc/net/snmp");
  private static final Path NETSTAT = Path.of("/proc/net/netstat");
  private static final Path FDS = Path.of("/proc/self/fd");
  private static final Path LIMITS = Path.of("/proc/self/limits");

  /**
   * The last three scheduled samples, whose oldest a snapshot compares with: its span stays 5 to
   * 10 s however many resets are judged.
   */
  private final ArrayDeque<Sample> samples = new ArrayDeque<>(); // guarded by this
  /**
   * The newest sample taken for a reset, if newer than the scheduled ones; kept apart so that a
   * burst's fresh samples (one a second) do not push the scheduled ones out and shrink the span the
   * counters cover to a second, just while the loss is happening (measured: 3 of 27 segments past a
   * gap over 1.06 s, where 5 s held tens more).
   */
  private Sample fresh; // guarded by this
  private final boolean linux = Files.isReadable(SNMP);
  /** The stop-the-world collectors, found on the agent's thread: never on a reset's thread. */
  private volatile List<GarbageCollectorMXBean> collectors = List.of();

  /** Takes a sample; called on the agent's thread only. */
  public void sample() {
    sample(true);
  }

  /**
   * @param scheduled a scheduled sample, which also reads the descriptors' limit and, where the
   *     kernel cannot count them cheaply, lists them: with tens of thousands open, a listing takes
   *     tens of milliseconds (measured: 35 ms at 18 000), so between scheduled samples the last
   *     count stands there
   */
  private void sample(boolean scheduled) {
    long now = System.nanoTime();
    KernelTcpCounters c = linux ? readCounters() : null;
    Sample last;
    synchronized (this) {
      last = newest();
    }
    long open = linux ? countedDescriptors() : -1;
    if (open < 0) {
      open = scheduled || last == null ? listedDescriptors() : last.openFds();
    }
    long limit = scheduled || last == null ? descriptorLimit() : last.fdLimit();
    Sample s = new Sample(now, c, gcMillis(), open, limit);
    synchronized (this) {
      if (!scheduled) {
        fresh = s;
        return;
      }
      if (samples.size() == 3) {
        samples.removeFirst();
      }
      samples.addLast(s);
      fresh = null;
    }
  }

  /** The newest sample, scheduled or fresh; null before the first. Call holding this. */
  private Sample newest() {
    return fresh != null ? fresh : samples.peekLast();
  }

  /** Samples now unless the newest sample is younger than {@link #FRESH_NANOS}. */
  public void sampleIfStale(long nowNanos) {
    Sample newest;
    synchronized (this) {
      newest = newest();
    }
    if (newest == null || nowNanos - newest.atNanos() >= FRESH_NANOS) {
      sample(false); // the counters now; the descriptors too where the kernel counts them
    }
  }

  /**
   * One sample: when, the kernel's counters (null off Linux), the collectors' total pause time, the
   * descriptors open and their limit (-1 where unknown).
   */
  private record Sample(
      long atNanos, KernelTcpCounters counters, long gcMillis, long openFds, long fdLimit) {}

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

  /** The host as the newest sample saw it, compared with the oldest scheduled sample kept. */
  public HostSnapshot snapshot() {
    Sample earlier;
    Sample newest;
    synchronized (this) {
      newest = newest();
      earlier = samples.isEmpty() ? newest : samples.peekFirst();
    }
    if (newest == null) {
      return HostSnapshot.UNKNOWN;
    }
    long span = newest.atNanos() - earlier.atNanos();
    if (span <= 0) {
      return new HostSnapshot(newest.openFds(), newest.fdLimit(), 0, -1, -1, -1, -1, -1, 0);
    }
    long gcPause = newest.gcMillis() < 0 || earlier.gcMillis() < 0
        ? -1 : (newest.gcMillis() - earlier.gcMillis()) * 1_000_000L;
    KernelTcpCounters before = earlier.counters();
    KernelTcpCounters c = newest.counters();
    if (before == null || c == null) {
      return new HostSnapshot(newest.openFds(), newest.fdLimit(), 0, -1, -1, -1, -1, gcPause, span);
    }
    return new HostSnapshot(
        newest.openFds(), newest.fdLimit(), span,
        KernelTcpCounters.delta(c.outSegs(), before.outSegs()),
        KernelTcpCounters.delta(c.retransSegs(), before.retransSegs()),
        KernelTcpCounters.delta(c.tcpTimeouts(), before.tcpTimeouts()),
        KernelTcpCounters.delta(c.listenOverflows(), before.listenOverflows()),
        gcPause, span,
        KernelTcpCounters.delta(c.inSegs(), before.inSegs()),
        KernelTcpCounters.delta(c.outOfOrder(), before.outOfOrder()));
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

  /**
   * The descriptors open as the kernel counts them: since Linux 6.2 the size of {@code
   * /proc/self/fd} is that count, one {@code stat} (measured: 20 µs with 18 000 open, against 35 ms
   * to list them); -1 on an older kernel, where the size is 0.
   */
  private static long countedDescriptors() {
    try {
      long n = Files.size(FDS);
      return n > 0 ? n : -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The descriptors open, listed one by one; -1 where unknown. */
  private static long listedDescriptors() {
    long open = -1;
    try (DirectoryStream<Path> d = Files.newDirectoryStream(FDS)) {
      open = 0;
      for (Path ignored : d) {
        open++;
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or not readable: unknown.
    }
    return open;
  }

  /** The soft limit on descriptors; -1 where unknown or unlimited. */
  private static long descriptorLimit() {
    long limit = -1;
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
    return limit;
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
