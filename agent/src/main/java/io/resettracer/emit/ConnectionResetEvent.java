package io.resettracer.emit;

import io.resettracer.model.Operation;
import io.resettracer.model.Role;
import io.resettracer.model.Transport;
import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Percentage;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;
import jdk.jfr.Timestamp;

/**
 * One per connection: its first reset-family failure at the socket layer. Committed on the agent's
 * thread once the burst around the reset is known (about a second later), so that the first reset
 * of a burst is judged as well as its incident; the failing thread and its stack travel as fields.
 * Later failures of the same connection (the JDK's latched "Connection reset" on every read,
 * "Broken pipe" on writes) are echoes and add no event.
 */
@Name(ConnectionResetEvent.NAME)
@Label("Connection Reset")
@Category({"reset-tracer"})
@Description(
    "A TCP connection was aborted under this JVM (reset, broken pipe, retransmission timeout, "
        + "premature end of stream), with how old and how idle it was, what it had carried, and the "
        + "likely cause. One event per connection, recorded about a second after the failure, once "
        + "the resets around it are known: Failed At is when the call failed, Failing Thread and "
        + "Stack say where.")
// Periodic only so that JFR calls the agent when a chunk ends: see JfrOutput.register.
@Period("endChunk")
@StackTrace(false)
public final class ConnectionResetEvent extends jdk.jfr.Event {

  public static final String NAME = "resettracer.ConnectionReset";

  @Label("Failed At")
  @Description("When the application's call failed (the event itself is recorded once judged)")
  @Timestamp(Timestamp.MILLISECONDS_SINCE_EPOCH)
  long failedAt;

  @Label("Judged After")
  @Description("Time from the failure to this event: the wait for the burst around it")
  @Timespan(Timespan.NANOSECONDS)
  long judgedAfter;

  // A name and an id rather than a thread field: JFR can only resolve a thread that is still alive
  // when the event is committed, and the failing thread may have ended by then.
  @Label("Failing Thread")
  @Description("The name of the application thread whose call failed")
  String failingThread;

  @Label("Failing Thread Id")
  @Description("The Java id of the application thread whose call failed")
  long failingThreadId;

  @Label("Stack")
  @Description("The failing call's stack, the first frame outside the JDK on top; the JDK frames of "
      + "the socket path beneath it are summed up on the last line")
  String stack;

  @Label("Incident Id")
  @Description("The burst this reset belongs to: the Reset Incident event with the same id judges "
      + "the burst as a whole when it had two or more resets")
  long incidentId;

  @Label("Remote Address")
  @Description("The peer's IP address; never a resolved host name")
  String remoteAddress;

  @Label("Remote Port")
  @Description("The peer's TCP port")
  int remotePort;

  @Label("Local Address")
  @Description("This side's IP address")
  String localAddress;

  @Label("Local Port")
  @Description("This side's TCP port")
  int localPort;

  @Label("Role")
  @Description("client if this JVM connected, server if it accepted, unknown if first seen mid-life")
  String role;

  @Label("Transport")
  @Description("The socket path: socket (java.net.Socket), nio (java.nio SocketChannel), async "
      + "(AsynchronousSocketChannel), netty-epoll, netty-io_uring, netty-kqueue (Netty's native "
      + "transports, relocated copies such as gRPC's included)")
  String transport;

  @Label("Operation")
  @Description("The call that failed: read, write or connect")
  String operation;

  @Label("Failure")
  @Description("reset (an RST arrived), broken-pipe (a write after the peer's close or reset), "
      + "timed-out (retransmissions gave up), unreachable (no route), or premature-eof (end of "
      + "stream right after a request on a reused connection)")
  String failure;

  @Label("Stage")
  @Description("Where in the connection's life it failed: connect, tls-handshake, request (writing "
      + "it; a server: reading it), response (waiting for or reading the reply to a request written "
      + "whole; a server: writing it), idle (nothing outstanding, between exchanges)")
  String stage;

  @Label("Request Delivered")
  @Description("Whether the peer can have received the whole request: none (nothing outstanding, or "
      + "the connect or handshake failed), partial (cut while being written), complete (written whole:"
      + " the peer may have processed it, so retry only idempotent requests), unknown (a server's or "
      + "a first-seen connection)")
  String requestDelivered;

  @Label("Exception Class")
  @Description("The class of the exception the application received")
  String exceptionClass;

  @Label("Exception Message")
  @Description("The message of the exception the application received")
  String exceptionMessage;

  @Label("Connection Age")
  @Description("Time since connect or accept. If Age Known is false the connection predates the "
      + "agent and this is the time since it was first seen: the true age is at least this")
  @Timespan(Timespan.NANOSECONDS)
  long connectionAge;

  @Label("Age Known")
  @Description("False when the connection was opened before the agent saw it")
  boolean ageKnown;

  @Label("Idle Time")
  @Description("How long the connection sat unused before the exchange that failed began (for a "
      + "read with no request outstanding: since the last byte moved)")
  @Timespan(Timespan.NANOSECONDS)
  long idleTime;

  @Label("Bytes Read")
  @Description("Bytes read on this connection before the failure")
  @DataAmount(DataAmount.BYTES)
  long bytesRead;

  @Label("Bytes Written")
  @Description("Bytes written on this connection before the failure")
  @DataAmount(DataAmount.BYTES)
  long bytesWritten;

  @Label("Written Since Read")
  @Description("Bytes written since the last successful read: the request in flight when it failed")
  @DataAmount(DataAmount.BYTES)
  long writtenSinceRead;

  @Label("Exchanges")
  @Description("Completed request/response exchanges (a write followed by a read) before the failure")
  long exchanges;

  @Label("Verdict")
  @Description("The likely cause: IDLE_TIMEOUT, PEER_CRASH, RESOURCE_EXHAUSTION, NETWORK_DEVICE, "
      + "LARGE_PAYLOAD, KEEPALIVE_MISMATCH, NETWORK_INSTABILITY, CONNECTION_LIFETIME, REQUEST_LIMIT "
      + "or UNKNOWN, as judged when the reset "
      + "was judged with the resets around it")
  String verdict;

  @Label("Confidence")
  @Description("How likely the verdict is right, 0 to 100 %")
  @Percentage
  float confidence;

  @Label("Evidence")
  @Description("The facts that decided the verdict, with their numbers and thresholds")
  String evidence;

  @Label("Recommendation")
  @Description("What to change, with the measured numbers")
  String recommendation;

  @Label("Dropped Before")
  @Description("Reset events dropped by the rate limit since the previous event was recorded")
  long droppedBefore;

  @Label("Trace Id")
  @Description("The OpenTelemetry trace active on the failing thread (with OpenTelemetry export on),"
      + " or empty")
  String traceId;

  @Label("Span Id")
  @Description("The OpenTelemetry span active on the failing thread, or empty")
  String spanId;
}
