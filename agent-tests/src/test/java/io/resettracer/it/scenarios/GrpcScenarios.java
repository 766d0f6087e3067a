package io.resettracer.it.scenarios;

import static io.resettracer.it.scenarios.Scenarios.LOOPBACK;
import static io.resettracer.it.scenarios.Scenarios.fact;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real gRPC-java client over {@code grpc-netty-shaded}, the Netty that gRPC relocates to
 * {@code io.grpc.netty.shaded.io.netty}, against a real gRPC server in a JVM of its own
 * ({@link GrpcServerMain}) that is killed with SIGKILL while the client's calls are in flight.
 *
 * <p>A killed process's sockets are closed by its kernel: with a FIN where everything sent to it
 * had been read, with an RST where some was still unread. So the server first stops reading (its
 * event loop is held in a handler) and the client's next call lands in the server's receive queue,
 * as when a server hangs and is then killed by its supervisor or the OOM killer; then the kill.
 *
 * <p>No generated code: methods are described with a byte-array marshaller.
 */
final class GrpcScenarios {

  static final String SERVICE = "resettracer.Test";
  static final MethodDescriptor<byte[], byte[]> ECHO = method("Echo");
  /** Never answered: the server's event loop stays in it until the process dies. */
  static final MethodDescriptor<byte[], byte[]> HOLD = method("Hold");

  private GrpcScenarios() {}

  static MethodDescriptor<byte[], byte[]> method(String name) {
    MethodDescriptor.Marshaller<byte[]> bytes =
        new MethodDescriptor.Marshaller<>() {
          @Override
          public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
          }

          @Override
          public byte[] parse(InputStream stream) {
            try {
              return stream.readAllBytes();
            } catch (IOException e) {
              throw new IllegalStateException(e);
            }
          }
        };
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(bytes)
        .setResponseMarshaller(bytes)
        .build();
  }

  @SuppressWarnings("deprecation") // the shaded 4.1 event loop groups gRPC itself still uses
  static void run(boolean epoll) throws Exception {
    if (epoll && !Epoll.isAvailable()) {
      System.out.println("SKIP gRPC's shaded epoll transport is unavailable: "
          + Epoll.unavailabilityCause());
      return;
    }
    Process server = startServer();
    io.grpc.netty.shaded.io.netty.channel.EventLoopGroup group =
        epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
    ManagedChannel channel = null;
    try {
      BlockingQueue<String> serverSays = lines(server);
      String portLine = await(serverSays, "PORT ");
      int port = Integer.parseInt(portLine.substring(5).trim());
      channel =
          NettyChannelBuilder.forAddress(new InetSocketAddress(LOOPBACK, port))
              .usePlaintext()
              .eventLoopGroup(group)
              .channelType(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
              .build();
      fact("serverPort", port);

      byte[] reply = call(channel, ECHO, new byte[100]).get(20, TimeUnit.SECONDS);
      if (reply.length != 100) {
        throw new IllegalStateException("echo returned " + reply.length + " bytes");
      }
      CompletableFuture<byte[]> held = call(channel, HOLD, new byte[10]);
      await(serverSays, "HOLDING");
      CompletableFuture<byte[]> queued = call(channel, ECHO, new byte[1000]);
      awaitUnread(port);
      server.destroyForcibly(); // SIGKILL
      if (!server.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the server outlived SIGKILL");
      }
      fact("serverKilled", true);
      outcome(held);
      outcome(queued);
    } finally {
      server.destroyForcibly();
      if (channel != null) {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  /** One unary call through gRPC's own {@link ClientCall} API, as generated stubs make it. */
  static CompletableFuture<byte[]> call(
      ManagedChannel channel, MethodDescriptor<byte[], byte[]> method, byte[] request) {
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    ClientCall<byte[], byte[]> call = channel.newCall(method, CallOptions.DEFAULT);
    call.start(
        new ClientCall.Listener<>() {
          private byte[] response;

          @Override
          public void onMessage(byte[] message) {
            response = message;
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            if (status.isOk()) {
              result.complete(response);
            } else {
              result.completeExceptionally(status.asRuntimeException(trailers));
            }
          }
        },
        new Metadata());
    call.request(1);
    call.sendMessage(request);
    call.halfClose();
    return result;
  }

  /**
   * What the application saw: gRPC's status and the transport's cause. gRPC builds the exception
   * on its own threads, so its frames are left out; the text is the same with the agent or not.
   */
  private static void outcome(CompletableFuture<byte[]> call) throws Exception {
    try {
      call.get(20, TimeUnit.SECONDS);
      System.out.println("APP-OK");
    } catch (java.util.concurrent.ExecutionException e) {
      Status s = Status.fromThrowable(e.getCause());
      Throwable cause = s.getCause();
      System.out.println("APP-EXCEPTION io.grpc.StatusRuntimeException: " + s.getCode() + " "
          + s.getDescription() + " | cause "
          + (cause == null ? "null" : cause.getClass().getName() + ": " + cause.getMessage())
          + " | at ");
    }
  }

  private static Process startServer() throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return new ProcessBuilder(java.toString(), "-Xshare:auto", "-cp",
        System.getProperty("java.class.path"), GrpcServerMain.class.getName())
        .redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .start();
  }

  /** The server's output, line by line, for readiness lines with a deadline. */
  private static BlockingQueue<String> lines(Process p) {
    BlockingQueue<String> q = new LinkedBlockingQueue<>();
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          q.add(line);
        }
      } catch (IOException e) {
        // the server is gone
      }
    }, "grpc-server-output");
    t.setDaemon(true);
    t.start();
    return q;
  }

  private static String await(BlockingQueue<String> q, String prefix) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    StringBuilder seen = new StringBuilder();
    while (System.nanoTime() < deadline) {
      String line = q.poll(100, TimeUnit.MILLISECONDS);
      if (line != null) {
        if (line.startsWith(prefix)) {
          return line;
        }
        seen.append(line).append('\n');
      }
    }
    throw new IllegalStateException("the gRPC server never said " + prefix + ":\n" + seen);
  }

  /**
   * Waits until the server's end of the connection holds unread bytes (its receive queue in
   * {@code /proc/net/tcp}, or {@code tcp6}: Netty's native sockets are IPv6 ones that also carry
   * IPv4), so that the kill resets the connection rather than closing it.
   */
  private static void awaitUnread(int serverPort) throws Exception {
    String local = String.format(Locale.ROOT, ":%04X", serverPort);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      List<String> lines = new java.util.ArrayList<>(Files.readAllLines(Path.of("/proc/net/tcp")));
      Path tcp6 = Path.of("/proc/net/tcp6");
      if (Files.exists(tcp6)) {
        lines.addAll(Files.readAllLines(tcp6));
      }
      for (String line : lines) {
        List<String> f = List.of(line.trim().split("\\s+"));
        // sl local_address rem_address st tx_queue:rx_queue ...; 01 is ESTABLISHED
        if (f.size() > 4 && f.get(1).endsWith(local) && f.get(3).equals("01")) {
          long rx = Long.parseLong(f.get(4).substring(f.get(4).indexOf(':') + 1), 16);
          if (rx > 0) {
            fact("serverUnread", rx);
            return;
          }
        }
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException("the held server never had unread bytes on port " + serverPort);
  }
}
