package io.resettracer.samples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The samples' tiny protocol: a request is one line, the reply is one line. Lines are read a byte
 * at a time, straight from the socket, so that no read ever runs ahead of the exchange it serves.
 */
final class LineProtocol {

  static final long STEADY_EVERY_MS = 250;
  /**
   * How long an application goes on after a burst of resets: longer than the agent waits for a
   * burst to go quiet before it judges it as a whole, so the recording holds that judgement too.
   */
  static final long AFTER_BURST_MS = 3_000;

  private LineProtocol() {}

  /** Writes {@code request} as one line and reads the one-line reply. */
  static String exchange(Socket s, String request, IoProgress progress) throws IOException {
    progress.writing();
    writeLine(s, request);
    progress.wrote(request.length() + 1);
    progress.reading();
    String reply = readLine(s.getInputStream());
    if (reply == null) {
      throw new ClosedByPeerException();
    }
    progress.replied();
    return reply;
  }

  static String exchange(Socket s, String request) throws IOException {
    return exchange(s, request, new IoProgress());
  }

  /**
   * Steady traffic on {@code sockets}, one exchange each every {@link #STEADY_EVERY_MS}, for
   * {@code millis}; returns the exchanges made.
   */
  static int keepBusy(List<Socket> sockets, long millis) throws IOException, InterruptedException {
    int n = 0;
    for (long end = System.nanoTime() + millis * 1_000_000L; System.nanoTime() < end; ) {
      for (Socket s : sockets) {
        exchange(s, "steady " + ++n);
      }
      Thread.sleep(STEADY_EVERY_MS);
    }
    return n;
  }

  static void writeLine(Socket s, String line) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** One line without its terminator, or null at end of stream before any byte of it. */
  static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b; (b = in.read()) != '\n'; ) {
      if (b < 0) {
        if (line.size() == 0) {
          return null;
        }
        throw new ClosedByPeerException();
      }
      line.write(b);
    }
    return line.toString(StandardCharsets.UTF_8);
  }

  /** Answers every line with "ok &lt;line&gt;" until the client closes. */
  static void echo(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    for (String line; (line = readLine(in)) != null; ) {
      writeLine(s, "ok " + line);
    }
    s.close();
  }

  /** A read returned end of stream where a reply was due: the peer had closed the connection. */
  static final class ClosedByPeerException extends IOException {
    private static final long serialVersionUID = 1L;

    ClosedByPeerException() {
      super("the peer closed the connection: the read returned end of stream (-1), no reply");
    }
  }
}
