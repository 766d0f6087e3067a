package io.resettracer.samples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Just enough HTTP/1.1 for the samples that need a web server's habits (keep-alive, a body limit):
 * a request line, headers, a Content-Length body; no chunking, no pipelining. Read straight from
 * the socket, a byte at a time for the head, so that what the application saw is what the socket
 * did.
 */
final class MiniHttp {

  static final int CHUNK = 64 * 1024;

  private MiniHttp() {}

  /** A request's head, as the server read it. */
  record Request(String method, String path, long contentLength) {}

  /** A response, as the client read it. */
  record Response(int status, String reason, String body) {
    @Override
    public String toString() {
      return status + " " + reason + (body.isEmpty() ? "" : ", \"" + body + "\"");
    }
  }

  /** GET in one write, then the reply. */
  static Response get(Socket s, String path, IoProgress progress) throws IOException {
    progress.writing();
    byte[] head = head("GET", path, -1);
    s.getOutputStream().write(head);
    progress.wrote(head.length);
    return readResponse(s, progress);
  }

  /**
   * POST with the head in one write and the body after it in {@link #CHUNK}-sized writes, as
   * streaming clients send it; then the reply.
   */
  static Response post(Socket s, String path, long bodyLength, IoProgress progress)
      throws IOException {
    progress.writing();
    OutputStream out = s.getOutputStream();
    byte[] head = head("POST", path, bodyLength);
    out.write(head);
    progress.wrote(head.length);
    byte[] chunk = new byte[CHUNK];
    java.util.Arrays.fill(chunk, (byte) 'x');
    for (long left = bodyLength; left > 0; ) {
      int n = (int) Math.min(left, chunk.length);
      out.write(chunk, 0, n);
      progress.wrote(n);
      left -= n;
    }
    return readResponse(s, progress);
  }

  private static byte[] head(String method, String path, long contentLength) {
    return (method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n"
        + (contentLength >= 0 ? "Content-Length: " + contentLength + "\r\n" : "") + "\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static Response readResponse(Socket s, IoProgress progress) throws IOException {
    progress.reading();
    InputStream in = s.getInputStream();
    String status = line(in);
    if (status == null) {
      throw new LineProtocol.ClosedByPeerException();
    }
    long length = 0;
    for (String h; (h = line(in)) != null && !h.isEmpty(); ) {
      length = contentLength(h, length);
    }
    byte[] body = in.readNBytes((int) length);
    progress.replied();
    String[] parts = status.split(" ", 3);
    return new Response(Integer.parseInt(parts[1]), parts.length > 2 ? parts[2] : "",
        new String(body, StandardCharsets.UTF_8));
  }

  /** Server side: the next request's head, or null if the client closed the connection first. */
  static Request readRequest(InputStream in) throws IOException {
    String requestLine = line(in);
    if (requestLine == null) {
      return null;
    }
    long length = 0;
    for (String h; (h = line(in)) != null && !h.isEmpty(); ) {
      length = contentLength(h, length);
    }
    String[] parts = requestLine.split(" ");
    return new Request(parts[0], parts.length > 1 ? parts[1] : "/", length);
  }

  static void respond(Socket s, int status, String reason, String body, String... headers)
      throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder("HTTP/1.1 " + status + " " + reason + "\r\n");
    for (String h : headers) {
      head.append(h).append("\r\n");
    }
    head.append("Content-Length: ").append(b.length).append("\r\n\r\n");
    OutputStream out = s.getOutputStream();
    out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
    out.write(b);
    out.flush();
  }

  private static long contentLength(String header, long current) {
    int colon = header.indexOf(':');
    if (colon > 0
        && header.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
      return Long.parseLong(header.substring(colon + 1).trim());
    }
    return current;
  }

  /** One CRLF-terminated line, or null at end of stream before any byte of it. */
  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b; (b = in.read()) != '\n'; ) {
      if (b < 0) {
        if (line.size() == 0) {
          return null;
        }
        throw new LineProtocol.ClosedByPeerException();
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.US_ASCII);
  }
}
