package io.resettracer.samples;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * PEER_CRASH: the server process dies (SIGKILL, as the OOM killer or a failed deploy does) while
 * four of the client's requests are outstanding, written but not yet read by the busy server. Its
 * kernel resets every connection with unread data, so the four reads fail with "Connection reset"
 * within a moment of each other. The client reconnects and is refused until the server is back on
 * the same port, then works again.
 *
 * <p>{@code PeerCrashSample server <port> [busy]} runs the server.
 */
public final class PeerCrashSample {

  static final int CONNECTIONS = 4;
  /** How long the requests wait, unread, before the server dies. */
  static final long OUTSTANDING_MS = 800;
  /** How long the server stays down before it is restarted. */
  static final long DOWN_MS = 1_200;
  static final long RECONNECT_EVERY_MS = 250;

  private PeerCrashSample() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("server")) {
      runServer(Integer.parseInt(args[1]), args.length > 2 && args[2].equals("busy"));
      return;
    }
    Report.expect("PEER_CRASH");
    InetAddress loopback = InetAddress.getLoopbackAddress();
    int port = Peer.freePort(loopback);
    Peer server = Peer.start("server", PeerCrashSample.class, "server", String.valueOf(port),
        "busy");
    Report.say("the server, %s, answers one request per connection, then is busy", server);
    List<Socket> connections = new ArrayList<>();
    List<Thread> waiting = new ArrayList<>();
    try {
      for (int i = 1; i <= CONNECTIONS; i++) {
        Socket s = Peer.connect(loopback, port);
        connections.add(s);
        String who = "conn " + i;
        Report.ok(who, "new connection from port " + s.getLocalPort() + ", "
            + LineProtocol.exchange(s, "hello " + i));
        Thread t = Peer.daemon(who, () -> awaitReply(s, who));
        waiting.add(t);
        t.start();
      }
      Thread.sleep(OUTSTANDING_MS);
      Report.say("%d requests outstanding; the server process is killed (SIGKILL)", CONNECTIONS);
      server.kill();
      for (Thread t : waiting) {
        t.join(5_000);
      }
      Socket[] back = new Socket[1];
      Thread reconnecting = Peer.daemon("reconnect", () -> back[0] = reconnect(loopback, port));
      reconnecting.start();
      Thread.sleep(DOWN_MS);
      server = Peer.start("server", PeerCrashSample.class, "server", String.valueOf(port));
      Report.say("the server is back: %s", server);
      reconnecting.join(10_000);
      if (back[0] != null) {
        connections.add(back[0]);
        Report.ok("afterwards", LineProtocol.keepBusy(List.of(back[0]),
            LineProtocol.AFTER_BURST_MS) + " more requests on the new connection");
      }
    } finally {
      server.close();
      for (Socket s : connections) {
        s.close();
      }
    }
  }

  /** Sends a request the busy server will never read, and waits for its reply. */
  private static void awaitReply(Socket s, String who) {
    IoProgress progress = new IoProgress();
    try {
      Report.ok(who, "reply " + LineProtocol.exchange(s, "work on this", progress));
    } catch (IOException e) {
      Report.failed(who, progress.operation, e);
    }
  }

  /** Reconnects until the server is back; returns the connection that worked, or null. */
  private static Socket reconnect(InetAddress address, int port) {
    for (int attempt = 1; attempt <= 40; attempt++) {
      try {
        Socket s = Peer.connect(address, port);
        Report.ok("reconnect " + attempt, LineProtocol.exchange(s, "hello again"));
        return s;
      } catch (ConnectException e) {
        Report.failed("reconnect " + attempt, "connect", e);
      } catch (IOException e) {
        Report.failed("reconnect " + attempt, "exchange", e);
      }
      try {
        Thread.sleep(RECONNECT_EVERY_MS);
      } catch (InterruptedException e) {
        return null;
      }
    }
    return null;
  }

  /** A busy server answers once per connection; once restarted, it answers everything. */
  private static void runServer(int port, boolean busy) throws Exception {
    ServerSocket listener = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
    AcceptLoop.start("server", listener,
        busy ? PeerCrashSample::answerOnceThenBusy : LineProtocol::echo);
    Peer.announce(port);
    Thread.currentThread().join();
  }

  private static void answerOnceThenBusy(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    String line = LineProtocol.readLine(in);
    if (line != null) {
      LineProtocol.writeLine(s, "ok " + line);
    }
    try {
      // Busy elsewhere: the next request stays unread in the socket until the process dies.
      Thread.sleep(Long.MAX_VALUE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
