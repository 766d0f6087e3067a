package io.resettracer.samples;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * NETWORK_DEVICE: a firewall between the client and four hosts (127.0.0.2 to .5, each with its own
 * backend) changes its policy and resets every flow it carries at once, with an RST and no FIN, as
 * a firewall reload or a full state table does. The client has two busy connections to each host;
 * the next request on each fails at about the same instant, whichever host it goes to, and new
 * connections right after work: the hosts were never down.
 *
 * <p>{@code NetworkDeviceSample firewall} runs the firewall and its backends; the sample tells it
 * when to change policy.
 */
public final class NetworkDeviceSample {

  static final String[] HOSTS = {"127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"};
  static final int CONNECTIONS_PER_HOST = 2;
  static final long REQUEST_EVERY_MS = 100;
  static final long BUSY_BEFORE_CHANGE_MS = 1_500;

  private NetworkDeviceSample() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("firewall")) {
      runFirewall();
      return;
    }
    Report.expect("NETWORK_DEVICE");
    try (Peer firewall = Peer.start("firewall", NetworkDeviceSample.class, "firewall")) {
      Report.say("the firewall, %s, forwards %s to their backends", firewall, String.join(", ",
          HOSTS));
      List<Thread> clients = new ArrayList<>();
      List<Socket> sockets = new ArrayList<>();
      for (String host : HOSTS) {
        for (int i = 1; i <= CONNECTIONS_PER_HOST; i++) {
          Socket s = Peer.connect(InetAddress.getByName(host), firewall.port());
          sockets.add(s);
          Thread t = Peer.daemon(host + " conn " + i, () -> busy(s, Thread.currentThread()
              .getName()));
          clients.add(t);
          t.start();
        }
      }
      Thread.sleep(BUSY_BEFORE_CHANGE_MS);
      Report.say("the firewall's policy changes");
      firewall.send("policy-change");
      for (Thread t : clients) {
        t.join(5_000);
      }
      List<Socket> fresh = new ArrayList<>();
      for (String host : HOSTS) {
        Socket s = Peer.connect(InetAddress.getByName(host), firewall.port());
        fresh.add(s);
        sockets.add(s);
        Report.ok(host + " new conn", LineProtocol.exchange(s, "hello again"));
      }
      Report.ok("afterwards", LineProtocol.keepBusy(fresh, LineProtocol.AFTER_BURST_MS)
          + " more requests on the new connections");
      for (Socket s : sockets) {
        s.close();
      }
    }
  }

  /** Requests every {@link #REQUEST_EVERY_MS} until one fails. */
  private static void busy(Socket s, String who) {
    for (int n = 1; n < 1_000; n++) {
      IoProgress progress = new IoProgress();
      try {
        LineProtocol.exchange(s, "request " + n, progress);
        Thread.sleep(REQUEST_EVERY_MS);
      } catch (IOException e) {
        Report.failed(who + " (after " + (n - 1) + " ok)", progress.operation, e);
        return;
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static void runFirewall() throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    List<Relay> relays = new ArrayList<>();
    int port = 0;
    for (String host : HOSTS) {
      ServerSocket backend = new ServerSocket(0, 50, loopback);
      AcceptLoop.start("backend " + host, backend, LineProtocol::echo);
      // One port on every address, as the hosts behind a firewall all serve the same service.
      ServerSocket front = new ServerSocket(port, 50, InetAddress.getByName(host));
      port = front.getLocalPort();
      Relay relay = new Relay(new InetSocketAddress(loopback, backend.getLocalPort()), 0);
      relay.serve(front);
      relays.add(relay);
    }
    Peer.announce(port, command -> {
      if (command.equals("policy-change")) {
        int flows = 0;
        for (Relay r : relays) {
          flows += r.resetAll();
        }
        System.out.println("policy changed: reset " + flows + " flows");
      }
    });
    Thread.currentThread().join();
  }
}
