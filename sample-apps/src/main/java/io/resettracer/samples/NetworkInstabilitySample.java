package io.resettracer.samples;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * NETWORK_INSTABILITY: real packet loss between the client and two hosts. The sample runs in a
 * network namespace of its own ({@code unshare -n}), where it may change the network: it brings up
 * loopback, lowers {@code tcp_retries2} so that a dead path is given up in seconds rather than
 * fifteen minutes, and drops packets to the servers' port with iptables, first 30 % of them at
 * random (requests slow down, the kernel retransmits), then all of them: every connection's
 * blocked read ends in "Connection timed out". Nothing needs undoing: the namespace, its rules and
 * its sysctls die with the process.
 *
 * <p>Outside such a namespace, or without root or iptables, it prints {@code SKIP <reason>}.
 * {@code NetworkInstabilitySample server} runs the servers.
 */
public final class NetworkInstabilitySample {

  static final String[] HOSTS = {"127.0.0.2", "127.0.0.3"};
  static final int CONNECTIONS_PER_HOST = 2;
  /** Three retransmissions, not fifteen: a dead path is given up after seconds, not 15 minutes. */
  static final String TCP_RETRIES2 = "3";
  static final String LOSS = "0.3";
  static final long LOSSY_MS = 3_000;
  static final long REQUEST_EVERY_MS = 100;

  private NetworkInstabilitySample() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("server")) {
      runServers();
      return;
    }
    String notHere = Namespace.whyNotPrivate("ip", "iptables");
    if (notHere != null) {
      Report.skip(notHere);
      return;
    }
    Report.expect("NETWORK_INSTABILITY");
    Namespace.run("ip", "link", "set", "lo", "up");
    Namespace.sysctl("net/ipv4/tcp_retries2", TCP_RETRIES2);
    Report.say("in a private network namespace: loopback up, tcp_retries2=%s", TCP_RETRIES2);
    try (Peer servers = Peer.start("servers", NetworkInstabilitySample.class, "server")) {
      String port = String.valueOf(servers.port());
      Report.say("the servers, %s, listen on %s", servers, String.join(", ", HOSTS));
      List<Socket> sockets = new ArrayList<>();
      List<Thread> clients = new ArrayList<>();
      long[] lossyUntil = {0};
      for (String host : HOSTS) {
        for (int i = 1; i <= CONNECTIONS_PER_HOST; i++) {
          Socket s = Peer.connect(InetAddress.getByName(host), servers.port());
          s.setSoTimeout(30_000); // longer than the kernel takes to give up on the path
          Report.ok(host + " conn " + i, LineProtocol.exchange(s, "hello"));
          sockets.add(s);
          clients.add(Peer.daemon(host + " conn " + i,
              () -> busy(s, Thread.currentThread().getName())));
        }
      }
      long retransBefore = Namespace.tcpCounter("RetransSegs");
      Namespace.run("iptables", "-A", "INPUT", "-p", "tcp", "--dport", port,
          "-m", "statistic", "--mode", "random", "--probability", LOSS, "-j", "DROP");
      Report.say("the path starts losing %s of the packets to port %s", LOSS, port);
      for (Thread t : clients) {
        t.start();
      }
      Thread.sleep(LOSSY_MS);
      Report.say("retransmitted segments so far: %d",
          Namespace.tcpCounter("RetransSegs") - retransBefore);
      Namespace.run("iptables", "-I", "INPUT", "1", "-p", "tcp", "--dport", port, "-j", "DROP");
      Report.say("the path now loses every packet to port %s", port);
      for (Thread t : clients) {
        t.join(20_000);
      }
      Report.say("retransmitted segments in all: %d of %d sent",
          Namespace.tcpCounter("RetransSegs") - retransBefore, Namespace.tcpCounter("OutSegs"));
      for (Socket s : sockets) {
        s.close();
      }
    }
  }

  /** Requests every {@link #REQUEST_EVERY_MS} until one fails; reports the slowest reply. */
  private static void busy(Socket s, String who) {
    long slowest = 0;
    for (int n = 1; n < 10_000; n++) {
      IoProgress progress = new IoProgress();
      long start = System.nanoTime();
      try {
        LineProtocol.exchange(s, "request " + n, progress);
        slowest = Math.max(slowest, Report.millisSince(start));
        Thread.sleep(REQUEST_EVERY_MS);
      } catch (IOException e) {
        Report.failed(String.format(java.util.Locale.ROOT,
            "%s (after %d ok, slowest reply %d ms; blocked %d ms)", who, n - 1, slowest,
            Report.millisSince(start)), progress.operation, e);
        return;
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static void runServers() throws Exception {
    int port = 0;
    for (String host : HOSTS) {
      ServerSocket listener = new ServerSocket(port, 50, InetAddress.getByName(host));
      port = listener.getLocalPort();
      AcceptLoop.start("server " + host, listener, LineProtocol::echo);
    }
    Peer.announce(port);
    Thread.currentThread().join();
  }
}
