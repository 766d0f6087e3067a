package io.resettracer.it.corpus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private network made for one corpus run and torn down after it: three network namespaces,
 * client — router — servers, joined by veth pairs. The client namespace holds the JVM under test
 * (10.N.1.2); the router forwards between it and the servers' namespace and is where middleboxes
 * live (iptables, conntrack); the servers' namespace holds several addresses (10.N.2.10, .11, ...),
 * the hosts the servers listen on. Every address exists only inside these namespaces, so no packet
 * of the corpus ever leaves them.
 */
final class Lab implements AutoCloseable {

  static final String CLIENT_ADDRESS_SUFFIX = ".1.2";

  final String client;
  final String router;
  final String servers;
  final Path dir;
  private final String net;
  private final int hostCount;
  private final List<Process> processes = new ArrayList<>();

  /**
   * Builds the network: {@code index} (1..250) keeps concurrent labs' names apart, {@code hosts}
   * is how many server addresses to give the servers' namespace.
   */
  Lab(int index, int hosts) throws IOException, InterruptedException {
    String id = "rtc" + ProcessHandle.current().pid() % 100000 + "x" + index;
    this.client = id + "c";
    this.router = id + "r";
    this.servers = id + "s";
    this.net = "10." + (100 + index % 150);
    this.hostCount = hosts;
    this.dir = Files.createTempDirectory("corpus-" + id + "-");
    // Servers drop their privileges to users that must read their files.
    dir.toFile().setReadable(true, false);
    dir.toFile().setExecutable(true, false);
    try {
      for (String ns : List.of(client, router, servers)) {
        run("ip", "netns", "add", ns);
        in(ns, "ip", "link", "set", "lo", "up");
      }
      String vc = "rv" + index + "c" + ProcessHandle.current().pid() % 10000;
      String vs = "rv" + index + "s" + ProcessHandle.current().pid() % 10000;
      link(vc, client, "eth0", router, "eth1");
      link(vs, servers, "eth0", router, "eth2");
      in(client, "ip", "addr", "add", net + ".1.2/24", "dev", "eth0");
      in(router, "ip", "addr", "add", net + ".1.1/24", "dev", "eth1");
      in(router, "ip", "addr", "add", net + ".2.1/24", "dev", "eth2");
      for (int h = 0; h < hosts; h++) {
        in(servers, "ip", "addr", "add", host(h) + "/24", "dev", "eth0");
      }
      for (String[] end : new String[][] {{client, "eth0"}, {router, "eth1"}, {router, "eth2"},
          {servers, "eth0"}}) {
        in(end[0], "ip", "link", "set", end[1], "up");
      }
      in(client, "ip", "route", "add", "default", "via", net + ".1.1");
      in(servers, "ip", "route", "add", "default", "via", net + ".2.1");
      sysctl(router, "net.ipv4.ip_forward", "1");
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Server address {@code h} (0-based). */
  String host(int h) {
    if (h >= hostCount) {
      throw new IllegalArgumentException("lab has " + hostCount + " hosts, not " + (h + 1));
    }
    return net + ".2." + (10 + h);
  }

  /** The router's address on the client's side: where a load balancer or a NAT listens. */
  String routerClientSide() {
    return net + ".1.1";
  }

  String clientAddress() {
    return net + CLIENT_ADDRESS_SUFFIX;
  }

  String clientNet() {
    return net + ".1.0/24";
  }

  String serverNet() {
    return net + ".2.0/24";
  }

  private void link(String name, String nsA, String devA, String nsB, String devB)
      throws IOException, InterruptedException {
    run("ip", "link", "add", name + "a", "type", "veth", "peer", "name", name + "b");
    run("ip", "link", "set", name + "a", "netns", nsA, "name", devA);
    run("ip", "link", "set", name + "b", "netns", nsB, "name", devB);
  }

  void sysctl(String ns, String key, String value) throws IOException, InterruptedException {
    in(ns, "sysctl", "-q", "-w", key + "=" + value);
  }

  /** Runs a command inside namespace {@code ns}; throws with its output if it fails. */
  String in(String ns, String... command) throws IOException, InterruptedException {
    List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    all.addAll(List.of(command));
    return run(all.toArray(String[]::new));
  }

  static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + String.join(" ", command));
    }
    if (p.exitValue() != 0) {
      throw new IOException("failed (" + p.exitValue() + "): " + String.join(" ", command) + "\n"
          + out.trim());
    }
    return out;
  }

  /** Starts a long-running process inside {@code ns}; it is killed when the lab closes. */
  Process start(String ns, String logName, String... command) throws IOException {
    List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    all.addAll(List.of(command));
    Path log = dir.resolve(logName + ".log");
    // ip netns exec execs the command in its own place: the process is the server itself.
    Process p = new ProcessBuilder(all).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    synchronized (processes) {
      processes.add(p);
    }
    return p;
  }

  /** Waits until something listens on {@code address:port} in the servers' namespace. */
  void awaitListening(String ns, String address, int port, Process p)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    String want = address + ":" + port;
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IOException("server exited (" + p.exitValue() + ") before listening on " + want
            + ":\n" + logs());
      }
      String ss = in(ns, "ss", "-Hltn");
      if (ss.contains(want + " ") || ss.contains("0.0.0.0:" + port + " ")) {
        return;
      }
      Thread.sleep(50);
    }
    throw new IOException("nothing listens on " + want + " after 15 s:\n" + logs());
  }

  /** Every log the lab's processes wrote, for a failure message. */
  String logs() throws IOException {
    StringBuilder b = new StringBuilder();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
        List<String> lines = Files.readAllLines(p, StandardCharsets.ISO_8859_1);
        b.append("--- ").append(p.getFileName()).append('\n')
            .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())))
            .append('\n');
      }
    }
    return b.toString();
  }

  /** Sends {@code signal} (STOP, CONT, KILL) to a process this lab started and its children. */
  static void signal(Process p, String signal) throws IOException, InterruptedException {
    signal(List.of(p), signal);
  }

  /**
   * Sends {@code signal} to processes this lab started and their children in one command, so they
   * all get it within microseconds, as when a host's services die together.
   */
  static void signal(List<Process> ps, String signal) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
    // The children are listed before any signal, and the masters go first: a master that saw a
    // worker die would start another, which would outlive it.
    List<ProcessHandle> children = new ArrayList<>();
    for (Process p : ps) {
      children.addAll(p.descendants().toList());
      command.add(Long.toString(p.pid()));
    }
    children.forEach(d -> command.add(Long.toString(d.pid())));
    Process k = new ProcessBuilder(command).redirectErrorStream(true).start();
    k.getInputStream().readAllBytes();
    k.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    synchronized (processes) {
      for (Process p : processes) {
        // The master first (see signal), then the children it had.
        List<ProcessHandle> children = p.descendants().toList();
        p.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
      }
      for (Process p : processes) {
        try {
          p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    for (String ns : List.of(client, router, servers)) {
      try {
        run("ip", "netns", "del", ns); // takes its veth ends with it
      } catch (IOException | InterruptedException e) {
        // not created, or already gone
      }
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a temp folder left behind is harmless
    }
  }

  /** Why labs cannot be built here, or null when they can. */
  static String unavailable() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "needs root (network namespaces, iptables, servers on their own addresses)";
    }
    for (String tool : List.of("ip", "iptables", "conntrack", "ss", "nginx", "haproxy",
        "redis-server", "apache2")) {
      if (!onPath(tool)) {
        return tool + " is not installed (.ci/run installs it from Debian's packages)";
      }
    }
    String probe = "rtcprobe" + ProcessHandle.current().pid() % 100000;
    try {
      run("ip", "netns", "add", probe);
      try {
        run("ip", "netns", "exec", probe, "iptables", "-L", "FORWARD", "-n");
        run("ip", "netns", "exec", probe, "sysctl", "-q", "net.netfilter.nf_conntrack_tcp_loose");
      } finally {
        run("ip", "netns", "del", probe);
      }
    } catch (IOException | InterruptedException e) {
      return "network namespaces with iptables and conntrack are not usable here: " + e.getMessage();
    }
    return null;
  }

  static boolean onPath(String tool) {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin";
    for (String d : path.split(java.io.File.pathSeparator)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }
}
