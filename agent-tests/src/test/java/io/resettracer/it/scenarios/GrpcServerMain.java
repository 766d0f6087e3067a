package io.resettracer.it.scenarios;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;

/**
 * The gRPC server the {@link GrpcScenarios} client kills: {@code Echo} answers with the request,
 * {@code Hold} never answers and keeps the transport's event loop, which the server's handlers run
 * on ({@code directExecutor}), so that nothing more is read from the connection. Prints
 * {@code PORT n} when serving and {@code HOLDING} once held. Runs without the agent.
 */
public final class GrpcServerMain {

  private GrpcServerMain() {}

  public static void main(String[] args) throws Exception {
    ServerServiceDefinition service =
        ServerServiceDefinition.builder(GrpcScenarios.SERVICE)
            .addMethod(GrpcScenarios.ECHO, unary(false))
            .addMethod(GrpcScenarios.HOLD, unary(true))
            .build();
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress(Scenarios.LOOPBACK, 0))
            .directExecutor()
            .addService(service)
            .build()
            .start();
    System.out.println("PORT " + server.getPort());
    System.out.flush();
    // Bounded, should the client never kill it: its own child-JVM deadline ends it sooner.
    server.awaitTermination(120, java.util.concurrent.TimeUnit.SECONDS);
    server.shutdownNow();
  }

  private static ServerCallHandler<byte[], byte[]> unary(boolean hold) {
    return (call, headers) -> {
      call.request(1);
      return new ServerCall.Listener<>() {
        private byte[] request;

        @Override
        public void onMessage(byte[] message) {
          request = message;
        }

        @Override
        public void onHalfClose() {
          if (hold) {
            System.out.println("HOLDING");
            System.out.flush();
            try {
              Thread.sleep(120_000);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return;
          }
          call.sendHeaders(new Metadata());
          call.sendMessage(request);
          call.close(Status.OK, new Metadata());
        }
      };
    };
  }
}
