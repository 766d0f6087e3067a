package io.resettracer.benchmark;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Compares socket workloads with and without the agent in one run. Every measurement is a fresh
 * child JVM; the two variants alternate (A B B A ...) so that drift on a shared machine falls on
 * both, and each is repeated; medians are compared. Loopback throughput on a 2-core machine is noisy:
 * the spread of the no-agent runs is printed beside each ratio so a difference can be judged
 * against it, and CPU time per socket call is printed beside throughput: the workload threads' own,
 * and the whole JVM's (its compiler, collector and the agent's threads share the pinned CPU).
 *
 * <pre>java -jar benchmark/target/reset-tracer-benchmark.jar [--rounds 5] [--seconds 3]
 *     [--warmup 5] [--jdk JAVA_HOME] [--agent reset-tracer.jar] [--pin CPUS] [--only WORKLOAD]
 *     [--runs FILE]</pre>
 *
 * <p>WORKLOAD is one of the throughput workloads, {@code first-seconds} (socket ping-pong and churn
 * with traffic from the JVM's first instant), {@code onoff} (the agent's hooks switched on and off in
 * one JVM), {@code storms} (a reset storm, with many descriptors open, and churn over many peers),
 * {@code startup} or {@code memory}.
 */
public final class BenchmarkMain {

  private static final List<String> THROUGHPUT =
      List.of("socket-pingpong", "nio-pingpong", "netty-epoll-pingpong", "netty-io_uring-pingpong",
          "bulk", "churn", "http-keepalive");
  /** Workloads on Netty 4.2 (io_uring): its jars, in this folder beside the benchmark's jar. */
  private static final String NETTY_42_DIR = "netty-4.2";
  /**
   * The steady state a long-running application is in. Its heap's pages have all been touched by
   * earlier allocation: a fresh 1 GiB heap is not, and churn takes longer than a run to pass through
   * its young generation once, so every 4 KiB it allocates costs a page fault (3 % of the CPU samples
   * of churn without the agent) and the agent's few hundred bytes per connection count several
   * times over. Its traffic began after the agent was ready (see {@link AgentReadiness}).
   */
  private static final List<String> STEADY = List.of("-XX:+AlwaysPreTouch");
  /** A JVM's first seconds: traffic from the first instant, into a heap never touched before. */
  private static final List<String> FIRST_SECONDS =
      List.of("-D" + AgentReadiness.TRAFFIC_AT_ONCE + "=true");
  private static final List<String> FIRST_SECONDS_WORKLOADS = List.of("socket-pingpong", "churn");

  private int rounds = 5;
  private long measureMs = 3000;
  // Long enough for the JIT to settle. In the "first seconds" section the agent instruments the
  // socket classes during it, and the JIT recompiles what it had compiled before; pinned to one
  // CPU, that takes a few seconds (measured: a 2 s warm-up still showed up to 10 % of it in churn,
  // a 6 s one none).
  private long warmupMs = 5000;
  /**
   * The JDK's HttpClient and HttpServer are still being compiled after 5 s pinned to one CPU (the
   * C2 thread took a quarter of the samples of a 15 s run), and the agent's retransformed socket
   * classes add to that queue: measured after 5 s the agent looked 12–20 % slower, after 20 s the
   * two were within 2 % of each other.
   */
  private static final long HTTP_WARMUP_MS = 20_000;
  private Path java = Path.of(System.getProperty("java.home"), "bin", "java");
  private Path agent = Path.of("agent/target/reset-tracer.jar");
  private String pin = "1";
  private String only;
  /** Where each child's result line is appended, for figures beyond the printed medians; or null. */
  private Path runs;
  private static final long ON_OFF_MEASURE_MS = 20_000;

  public static void main(String[] args) throws Exception {
    BenchmarkMain b = new BenchmarkMain();
    for (int i = 0; i < args.length; i += 2) {
      String v = i + 1 < args.length ? args[i + 1] : "";
      switch (args[i]) {
        case "--rounds": b.rounds = Integer.parseInt(v); break;
        case "--seconds": b.measureMs = (long) (Double.parseDouble(v) * 1000); break;
        case "--warmup": b.warmupMs = (long) (Double.parseDouble(v) * 1000); break;
        case "--jdk": b.java = Path.of(v, "bin", "java"); break;
        case "--agent": b.agent = Path.of(v); break;
        case "--pin": b.pin = v; break;
        case "--only": b.only = v; break;
        case "--runs": b.runs = Path.of(v); break;
        default:
          System.err.println("unknown argument " + args[i] + "; see the class comment of " + BenchmarkMain.class.getName());
          System.exit(2);
      }
    }
    b.run();
  }

  private void run() throws Exception {
    if (!Files.exists(agent)) {
      System.err.println("no agent jar at " + agent.toAbsolutePath() + ": build it with "
          + "`mvn -q -DskipTests package` at the project root, or pass --agent");
      System.exit(2);
    }
    if (pin != null && !pin.isEmpty() && !new File("/usr/bin/taskset").canExecute()) {
      System.out.println("(taskset not found: children are not pinned)");
      pin = null;
    }
    System.out.printf("reset-tracer benchmark: %s, %d rounds, %.1f s measured after %.1f s warm-up, "
        + "children pinned to CPU %s%n", version(), rounds, measureMs / 1000.0, warmupMs / 1000.0,
        pin == null ? "none" : pin);
    System.out.println();
    System.out.printf("%-23s %-14s %12s %12s %7s %8s %9s %9s %10s %14s %20s%n", "workload", "unit",
        "no agent/s", "agent/s", "ratio", "A/A ±", "CPU/call", "+CPU/call", "+JVM/call", "alloc/op",
        "pairs: median [range]");
    for (String w : THROUGHPUT) {
      if (only == null || only.equals(w)) {
        throughput(w, STEADY);
      }
    }
    if (only == null || only.equals("first-seconds")) {
      System.out.printf("%nA JVM's first seconds: traffic from the first instant, before the agent's"
          + " weaver is ready, into a fresh heap:%n");
      for (String w : FIRST_SECONDS_WORKLOADS) {
        throughput(w, FIRST_SECONDS);
      }
    }
    if (only == null || only.equals("storms")) {
      storms();
    }
    if (only == null || only.equals("onoff")) {
      onOff();
    }
    if (only == null || only.equals("startup")) {
      startup();
    }
    if (only == null || only.equals("memory")) {
      memory();
    }
  }

  private void throughput(String workload, List<String> jvmOptions) throws Exception {
    List<Map<String, String>> without = new ArrayList<>();
    List<Map<String, String>> with = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      boolean agentFirst = r % 2 == 1;
      (agentFirst ? with : without).add(child(agentFirst, workload, measureMs, jvmOptions));
      (agentFirst ? without : with).add(child(!agentFirst, workload, measureMs, jvmOptions));
    }
    double base = median(without, "opsPerSec");
    double traced = median(with, "opsPerSec");
    double cpuBase = median(without, "cpuNsPerCall");
    double cpuTraced = median(with, "cpuNsPerCall");
    // The whole JVM's CPU, beside the workload threads': what the agent adds in other threads.
    double jvmAdded = median(with, "jvmCpuNsPerCall") - median(without, "jvmCpuNsPerCall");
    System.out.printf(Locale.ROOT,
        "%-23s %-14s %12.0f %12.0f %7.3f %7.1f%% %8.0fns %+8.0fns %+8.0fns %6s → %-6s %20s%n",
        workload, without.get(0).get("unit").replace('_', ' '), base, traced, traced / base,
        spreadPercent(without, "opsPerSec"), cpuBase, cpuTraced - cpuBase, jvmAdded,
        bytes(median(without, "allocPerOp")), bytes(median(with, "allocPerOp")),
        pairRatios(without, with));
  }

  /**
   * When things go wrong, and at scale: every connection reset (a storm), with 0, 8 000 and 18 000
   * descriptors open beside it; and churn over 5 000 and 50 000 distinct peers. For the storm, the
   * time of the failing call itself: what a reset costs the application.
   */
  private void storms() throws Exception {
    System.out.printf("%nA reset storm and churn over many peers (median of alternated runs):%n");
    System.out.printf("%-22s %12s %12s %7s %7s %14s %14s %10s %10s %10s %10s %20s%n", "workload",
        "no agent/s", "agent/s", "ratio", "A/A ±", "failing call", "with agent", "JVM CPU/op",
        "+JVM/op", "+app thr", "agent thr", "pairs: median [range]");
    for (String fds : List.of("0", "8000", "18000")) {
      stormRow("storm", fds, "storm, " + fds + " fds");
    }
    for (String peers : List.of("5000", "50000")) {
      stormRow("churn-peers", peers, "churn, " + peers + " peers");
    }
    // One JVM, the hooks on and off every half second: a slow spell of the machine falls on both
    // kinds of window alike, which two JVMs compared cannot promise.
    Map<String, String> r = onOffChild("storm", "0");
    double onOps = Double.parseDouble(r.get("onOpsPerSec"));
    double offOps = Double.parseDouble(r.get("offOpsPerSec"));
    System.out.printf(Locale.ROOT, "storm, 0 fds, hooks on/off in one JVM (%s windows): throughput"
            + " %.3f; per reset %+.1f µs in the workload's threads, %+.1f µs in the whole JVM%n",
        r.get("windows"), onOps / offOps,
        (Double.parseDouble(r.get("onCpuNsPerCall")) - Double.parseDouble(r.get("offCpuNsPerCall")))
            / 1000,
        (Double.parseDouble(r.get("onJvmCpuNsPerCall"))
            - Double.parseDouble(r.get("offJvmCpuNsPerCall"))) / 1000);
  }

  /**
   * The ratio of each round's two runs, made one right after the other: a spell of the shared
   * machine running slow (a third slower for a minute, measured alike with and without the agent)
   * mostly falls on both, where the ratio of medians takes it whole when it hits two runs with the
   * agent and one without. Median and range, and from six rounds on, the 95 % interval of that
   * median: two JVMs differ by a few per cent however alike (JIT and memory layout), so whether a
   * ratio of 0.98 is met or missed can only be told from many rounds, and the interval says how
   * many were enough.
   */
  private static String pairRatios(List<Map<String, String>> without, List<Map<String, String>> with) {
    double[] ratios = new double[Math.min(without.size(), with.size())];
    for (int i = 0; i < ratios.length; i++) {
      ratios[i] = Double.parseDouble(with.get(i).get("opsPerSec"))
          / Double.parseDouble(without.get(i).get("opsPerSec"));
    }
    double[] sorted = ratios.clone();
    Arrays.sort(sorted);
    String interval = "";
    if (ratios.length >= 6) {
      double[] ci = medianInterval(ratios);
      interval = String.format(Locale.ROOT, ", 95 %% %.3f–%.3f", ci[0], ci[1]);
    }
    return String.format(Locale.ROOT, "%.3f [%.3f–%.3f]%s", Workloads.median(ratios), sorted[0],
        sorted[sorted.length - 1], interval);
  }

  /**
   * A 95 % interval for the median of {@code values}: the percentile bootstrap, 4 000 resamples,
   * seeded so that a run's output can be reproduced from its figures.
   */
  static double[] medianInterval(double[] values) {
    java.util.Random random = new java.util.Random(17);
    int resamples = 4000;
    double[] medians = new double[resamples];
    double[] sample = new double[values.length];
    for (int r = 0; r < resamples; r++) {
      for (int i = 0; i < sample.length; i++) {
        sample[i] = values[random.nextInt(values.length)];
      }
      medians[r] = Workloads.median(sample);
    }
    Arrays.sort(medians);
    return new double[] {medians[(int) (resamples * 0.025)], medians[(int) (resamples * 0.975) - 1]};
  }

  private void stormRow(String workload, String arg, String label) throws Exception {
    List<Map<String, String>> without = new ArrayList<>();
    List<Map<String, String>> with = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      boolean agentFirst = r % 2 == 1;
      (agentFirst ? with : without).add(child(agentFirst, workload, measureMs, STEADY, arg));
      (agentFirst ? without : with).add(child(!agentFirst, workload, measureMs, STEADY, arg));
    }
    double base = median(without, "opsPerSec");
    double traced = median(with, "opsPerSec");
    String fail = "";
    String failWith = "";
    if (without.get(0).containsKey("failNsPerReset")) {
      fail = String.format(Locale.ROOT, "%.1f µs", median(without, "failNsPerReset") / 1000);
      failWith = String.format(Locale.ROOT, "%+.1f µs",
          (median(with, "failNsPerReset") - median(without, "failNsPerReset")) / 1000);
    }
    // The CPU an operation cost the whole JVM, and what the agent added to it: in the workload's
    // own threads (its hooks), in the agent's threads (judging), and the rest (the JIT compiling
    // the agent's code, the collector). Less sensitive than throughput to other load.
    double jvm = median(without, "jvmCpuNsPerOp");
    double app = median(without, "workloadCpuNsPerOp");
    double agentThreads = median(with, "agentThreadsCpuNsPerOp");
    System.out.printf(Locale.ROOT,
        "%-22s %12.0f %12.0f %7.3f %6.1f%% %14s %14s %8.0fns %+8.0fns %+8.0fns %8.0fns %20s%n",
        label, base, traced, traced / base, spreadPercent(without, "opsPerSec"), fail, failWith,
        jvm, median(with, "jvmCpuNsPerOp") - jvm, median(with, "workloadCpuNsPerOp") - app,
        agentThreads, pairRatios(without, with));
  }

  /**
   * The agent's own cost in one JVM, its hooks switched on and off every half second: a finer
   * measure than two JVMs compared, whose layout and JIT differ from run to run by more than the
   * agent adds.
   */
  private void onOff() throws Exception {
    System.out.printf("%nThe agent's hooks on and off in one JVM, half-second windows over %.0f s"
        + " (median of each):%n", ON_OFF_MEASURE_MS / 1000.0);
    for (String w : List.of("socket-pingpong", "nio-pingpong", "netty-epoll-pingpong",
        "netty-io_uring-pingpong", "churn")) {
      Map<String, String> r = onOffChild(w);
      double on = Double.parseDouble(r.get("onCpuNsPerCall"));
      double off = Double.parseDouble(r.get("offCpuNsPerCall"));
      // The Netty ping-pongs also measure their event loops' allocation in each kind of window.
      String alloc = r.containsKey("onAllocPerOp")
          ? String.format(Locale.ROOT, "; alloc/op off %s, on %s",
              bytes(Double.parseDouble(r.get("offAllocPerOp"))),
              bytes(Double.parseDouble(r.get("onAllocPerOp"))))
          : "";
      System.out.printf(Locale.ROOT, "%-23s CPU/call off %6.0f ns, on %6.0f ns: %+5.0f ns;"
          + " throughput on/off %.3f (%s windows)%s%n", w, off, on, on - off,
          Double.parseDouble(r.get("onOpsPerSec")) / Double.parseDouble(r.get("offOpsPerSec")),
          r.get("windows"), alloc);
    }
  }

  /** One JVM with the agent, its hooks switched on and off every half second. */
  private Map<String, String> onOffChild(String workload, String... extra) throws Exception {
    List<String> options = new ArrayList<>(STEADY);
    options.add("-D" + Workloads.ON_OFF + "=true");
    return child(true, workload, ON_OFF_MEASURE_MS, options, extra);
  }

  private void startup() throws Exception {
    List<Map<String, String>> without = new ArrayList<>();
    List<Map<String, String>> with = new ArrayList<>();
    for (int r = 0; r < rounds + 2; r++) {
      without.add(child(false, "startup"));
      with.add(child(true, "startup"));
    }
    double a = median(without, "startupMs");
    double b = median(with, "startupMs");
    System.out.printf(Locale.ROOT, "%nJVM start to first socket operation (median of %d): %.0f ms without,"
        + " %.0f ms with the agent: %+.0f ms%n", rounds + 2, a, b, b - a);
  }

  private void memory() throws Exception {
    int n = 2000;
    double a = Double.parseDouble(child(false, "memory", String.valueOf(n)).get("bytesPerConnection"));
    double b = Double.parseDouble(child(true, "memory", String.valueOf(n)).get("bytesPerConnection"));
    System.out.printf(Locale.ROOT, "Heap per open connection end (%d connections, both ends): %.0f B"
        + " without, %.0f B with the agent: %+.0f B per connection%n", 2 * n, a, b, b - a);
  }

  private Map<String, String> child(boolean withAgent, String workload, String... extra) throws Exception {
    return child(withAgent, workload, measureMs, List.of(), extra);
  }

  private Map<String, String> child(boolean withAgent, String workload, long measuredMs,
      List<String> jvmOptions, String... extra) throws Exception {
    List<String> cmd = new ArrayList<>();
    // Start-up is measured unpinned: pinned to one CPU, the agent's background warm-up could not
    // run beside the application as it does on any real machine.
    if (pin != null && !workload.equals("startup")) {
      cmd.addAll(List.of("taskset", "-c", pin));
    }
    cmd.addAll(List.of(java.toString(), "-Xms1g", "-Xmx1g", "-XX:+UseParallelGC"));
    cmd.addAll(jvmOptions);
    if (withAgent) {
      cmd.add("-javaagent:" + agent.toAbsolutePath());
    }
    cmd.addAll(List.of("-cp", classPath(workload), Workloads.class.getName(), workload,
        String.valueOf(workload.equals("http-keepalive") ? Math.max(warmupMs, HTTP_WARMUP_MS) : warmupMs),
        String.valueOf(measuredMs)));
    cmd.addAll(Arrays.asList(extra));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    Map<String, String> result = null;
    String resultLine = null;
    StringBuilder out = new StringBuilder();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
      for (String line; (line = r.readLine()) != null; ) {
        out.append(line).append('\n');
        if (line.startsWith("RESULT ")) {
          resultLine = line;
          result = new HashMap<>();
          for (String kv : line.substring(7).split(" ")) {
            int eq = kv.indexOf('=');
            result.put(kv.substring(0, eq), kv.substring(eq + 1));
          }
        }
      }
    }
    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0 || result == null) {
      p.destroyForcibly();
      throw new IllegalStateException(workload + " failed:\n" + out);
    }
    if (runs != null) {
      List<String> fields =
          new ArrayList<>(List.of(java.toString(), workload, withAgent ? "agent" : "none"));
      fields.addAll(Arrays.asList(extra));
      fields.add(resultLine);
      Files.writeString(runs, String.join(" ", fields) + "\n",
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    return result;
  }

  private static String classPath(String workload) throws IOException {
    String own = System.getProperty("java.class.path");
    if (!workload.startsWith("netty-io_uring")) {
      return own;
    }
    // Netty 4.2's jars ahead of the benchmark's jar, whose manifest adds Netty 4.1's after it: every
    // Netty class resolves to 4.2.
    Path dir = Path.of(own.split(File.pathSeparator)[0]).toAbsolutePath().getParent()
        .resolve(NETTY_42_DIR);
    if (!Files.isDirectory(dir)) {
      throw new IOException("no Netty 4.2 jars at " + dir + ": build the benchmark with `mvn package`");
    }
    StringBuilder cp = new StringBuilder();
    try (java.util.stream.Stream<Path> jars = Files.list(dir)) {
      jars.sorted().forEach(j -> cp.append(j).append(File.pathSeparator));
    }
    return cp.append(own).toString();
  }

  private String version() throws IOException, InterruptedException {
    Process p = new ProcessBuilder(java.toString(), "-version").redirectErrorStream(true).start();
    String first = new BufferedReader(new InputStreamReader(p.getInputStream())).readLine();
    p.waitFor();
    return first;
  }

  private static double median(List<Map<String, String>> runs, String key) {
    return Workloads.median(runs.stream().mapToDouble(m -> Double.parseDouble(m.get(key))).toArray());
  }

  /** Half the range of the no-agent runs, relative to their median: the noise floor. */
  private static double spreadPercent(List<Map<String, String>> runs, String key) {
    double[] v = runs.stream().mapToDouble(m -> Double.parseDouble(m.get(key))).sorted().toArray();
    return 100 * (v[v.length - 1] - v[0]) / 2 / median(runs, key);
  }

  private static String bytes(double b) {
    return Double.isNaN(b) ? "n/a" : String.format(Locale.ROOT, "%.0fB", b);
  }
}
