package io.resettracer.it.scenarios;

import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;

/**
 * A JVM whose very first act is to open a connection, as a service that fills its pool at once.
 * By default the agent does not hold it up: the socket class loads unwoven and is instrumented when
 * the agent is ready. This child then waits for that (the agent registers its JFR event type once
 * the instrumentation is in place), lets the connection idle, has the peer reset it, and prints
 * the events, as {@link ScenarioMain} does.
 */
public final class EarlyConnectionMain {

  public static void main(String[] args) throws Exception {
    try (ServerSocket server = Scenarios.listen();
        Socket client = new Socket(Scenarios.LOOPBACK, server.getLocalPort());
        Socket peer = server.accept()) {
      Scenarios.exchange(client.getOutputStream(), client.getInputStream(), peer);
      // Checked after the connection opened: if the agent is not ready now, it was not then.
      Scenarios.fact("readyAfterOpen", agentReady());
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!agentReady() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      Scenarios.fact("readyLater", agentReady());
      Path jfr = Path.of(args[0]);
      try (Recording recording = new Recording()) {
        recording.enable(ScenarioMain.EVENT).withStackTrace();
        recording.start();
        Thread.sleep(Scenarios.IDLE_MS);
        client.getOutputStream().write(new byte[5]);
        Scenarios.readFully(peer.getInputStream(), 5);
        Scenarios.abort(peer);
        Scenarios.attempt(() -> client.getInputStream().read(new byte[10]));
        recording.stop();
        recording.dump(jfr);
      }
      ScenarioMain.printEventsAndEnd(jfr);
    }
  }

  private static boolean agentReady() {
    return FlightRecorder.getFlightRecorder().getEventTypes().stream()
        .anyMatch(t -> t.getName().equals(ScenarioMain.EVENT));
  }
}
