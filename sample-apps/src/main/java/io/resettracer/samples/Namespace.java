package io.resettracer.samples;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The private network namespace a sample runs in ({@code unshare -n}) when it needs to change the
 * network itself: sysctls and iptables rules there touch nothing outside, and vanish with the
 * process.
 */
final class Namespace {

  private Namespace() {}

  /** Why this process cannot change its network, or null: it is root in a namespace of its own. */
  static String whyNotPrivate(String... commands) {
    String self = netNamespace("self");
    // PID 1's namespace is the host's; where it cannot be read, the parent's stands in for it
    // (unshare -n execs the command, so the parent is whoever ran unshare).
    String outside = netNamespace("1");
    if (outside == null) {
      outside = ProcessHandle.current().parent()
          .map(p -> netNamespace(String.valueOf(p.pid()))).orElse(null);
    }
    if (self == null || outside == null) {
      return "cannot read the network namespaces in /proc; run as root under unshare -n";
    }
    if (self.equals(outside)) {
      return "not in a private network namespace (run it as: unshare -n java ...)";
    }
    if (!isRoot()) {
      return "not root in the network namespace";
    }
    for (String c : commands) {
      if (!onPath(c)) {
        return c + " is not installed";
      }
    }
    return null;
  }

  private static String netNamespace(String pid) {
    try {
      return Files.readSymbolicLink(Path.of("/proc", pid, "ns/net")).toString();
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }

  /** Runs a command to completion; its output is shown only if it fails. */
  static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " failed: " + out.trim());
    }
  }

  /** Sets a per-namespace sysctl such as {@code net/ipv4/tcp_retries2}. */
  static void sysctl(String key, String value) throws IOException {
    Files.writeString(Path.of("/proc/sys", key), value);
  }

  /** A counter of this namespace's TCP stack from {@code /proc/net/snmp}, e.g. RetransSegs. */
  static long tcpCounter(String name) throws IOException {
    List<String> lines = Files.readAllLines(Path.of("/proc/net/snmp"));
    for (int i = 0; i + 1 < lines.size(); i++) {
      if (lines.get(i).startsWith("Tcp:") && lines.get(i + 1).startsWith("Tcp:")) {
        List<String> names = List.of(lines.get(i).split("\\s+"));
        String[] values = lines.get(i + 1).split("\\s+");
        int at = names.indexOf(name);
        if (at > 0) {
          return Long.parseLong(values[at]);
        }
      }
    }
    throw new IOException("no Tcp " + name + " in /proc/net/snmp");
  }

  private static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[2].equals("0"); // effective uid
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  private static boolean onPath(String command) {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin";
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }
}
