package io.resettracer.jmc;

import io.resettracer.jmc.ResetAnalysis.Group;

/**
 * Per verdict, what the resets under it mean and what to change, in the recording's own numbers:
 * the idle times that were reset, the bytes in flight, the peers and hosts, how close together.
 * The agent's own recommendation is added after this by the caller: it knows limits it
 * learnt and a catalogue of known timeouts that the recording alone does not show.
 */
final class Causes {

  private Causes() {}

  static String whatHappened(Group g) {
    String peers = g.peerNames();
    return switch (g.verdict) {
      case "IDLE_TIMEOUT" -> "connections to " + peers + " were reset on their first use after "
          + idle(g) + " idle: a hop on the path (load balancer, NAT, firewall or the server) "
          + "drops connections idle longer than about " + shortestIdle(g) + ".";
      case "KEEPALIVE_MISMATCH" -> "the server " + peers + " had already closed reused "
          + "connections at its keep-alive timeout: requests after " + idle(g) + " idle met "
          + g.failureShapes() + ".";
      case "PEER_CRASH" -> Text.plural(g.count(), "connection", "connections") + " to " + peers
          + " were cut within " + Text.duration(g.spanNanos())
          + (inFlight(g).isEmpty() ? "" : ", requests in flight (" + inFlight(g) + ")")
          + ": the peer process died or restarted.";
      case "RESOURCE_EXHAUSTION" -> "new connections to " + peers + " (at most "
          + Text.duration(g.ageMax) + " old, " + g.nothingRead + " of " + g.count()
          + " with nothing read) were reset on their first exchange: the peer accepted them and "
          + "dropped them, out of accept backlog, connections or file descriptors.";
      case "NETWORK_DEVICE" -> Text.plural(g.count(), "connection", "connections") + " to "
          + Text.plural(g.hosts.size(), "host", "hosts") + " (" + peers + ") were reset within "
          + Text.duration(g.spanNanos()) + ": one device on the path (firewall, NAT, load "
          + "balancer) cut its flows at once.";
      case "LARGE_PAYLOAD" -> "uploads to " + peers + " were cut"
          + (inFlight(g).isEmpty() ? "" : " after " + inFlight(g))
          + ": the peer, or a proxy before it, refuses requests that large.";
      case "NETWORK_INSTABILITY" -> Text.plural(g.count(), "connection", "connections") + " to "
          + Text.plural(g.hosts.size(), "host", "hosts") + " (" + peers + ") failed with "
          + g.failureShapes() + " after the kernel's retransmissions: the path loses packets.";
      case "CONNECTION_LIFETIME" -> "connections to " + peers + " were ended at one age ("
          + age(g) + " old when next used, after " + idle(g) + " idle): the peer or a hop "
          + "closes connections older than its limit, and the pool reused them; they met "
          + g.failureShapes() + ".";
      case "REQUEST_LIMIT" -> "connections to " + peers + " were ended after one number of "
          + "requests (" + age(g) + " old when next used): the peer closes a connection after "
          + "its last allowed reply, and the pool's next request met " + g.failureShapes() + ".";
      case ResetAnalysis.UNKNOWN -> Text.plural(g.count(), "reset", "resets") + " of " + peers
          + " (" + g.failureShapes() + ") the agent could not attribute to one cause.";
      default -> Text.plural(g.count(), "reset", "resets") + " of " + peers + " ("
          + g.failureShapes() + "), a verdict this rule has no text for.";
    };
  }

  static String fix(Group g) {
    String peers = g.peerList();
    return switch (g.verdict) {
      case "IDLE_TIMEOUT" -> "keep connections to " + peers + " idle for less than "
          + shortestIdle(g) + ", the shortest idle that was reset: a lower pool max idle, or "
          + "TCP keep-alive below it; or raise the hop's idle timeout above the longest pause.";
      case "KEEPALIVE_MISMATCH" -> "retire pooled connections to " + peers + " before "
          + shortestIdle(g) + " of idle, below the server's keep-alive timeout, or raise that "
          + "timeout above the pool's max idle, or validate idle connections before reuse.";
      case "PEER_CRASH" -> "find why " + peers + " went away (its logs, OOM kills, restarts and "
          + "deploys around the resets); drain connections on shutdown; retry idempotent "
          + "requests with back-off.";
      case "RESOURCE_EXHAUSTION" -> "raise the limits at " + peers + " (listen backlog, "
          + "connection limit, open files) or cap this JVM's concurrent connections to it; "
          + "retry with back-off.";
      case "NETWORK_DEVICE" -> "check the firewall, NAT or load balancer between this host and "
          + g.hostList() + " at the time of the resets: its state table, session limits and "
          + "logs.";
      case "LARGE_PAYLOAD" -> "keep requests to " + peers + " below "
          + (g.hasInFlight() ? Text.bytes(g.inFlightMin) : "the size that was cut")
          + " or raise the peer's body limit above the real size; send Expect: 100-continue, "
          + "or split uploads.";
      case "NETWORK_INSTABILITY" -> "trace the path to " + peers + " (packet loss, MTU) with "
          + "the network team; meanwhile set read timeouts and retry with back-off.";
      case "CONNECTION_LIFETIME" -> "retire pooled connections to " + peers + " younger than "
          + "the peer's limit (a max connection lifetime below " + youngest(g) + "), or raise "
          + "the limit (nginx keepalive_time, a proxy's max connection duration).";
      case "REQUEST_LIMIT" -> "retire pooled connections to " + peers + " before the peer's "
          + "request limit (the agent's recommendation names the count), or raise it (nginx "
          + "keepalive_requests, Apache MaxKeepAliveRequests); a client that honours "
          + "Connection: close never reuses such a connection.";
      case ResetAnalysis.UNKNOWN -> "open these resets in the Event Browser (reset-tracer) for "
          + "their evidence and stacks; a longer recording lets the agent learn each peer's "
          + "limits.";
      default -> "see the events' evidence and recommendation.";
    };
  }

  private static String idle(Group g) {
    return g.hasIdle() ? Text.durationRange(g.idleMin, g.idleMax) : "an unknown time";
  }

  private static String age(Group g) {
    return g.ageMax >= 0 ? Text.durationRange(g.ageMin, g.ageMax) : "of an unknown age";
  }

  private static String youngest(Group g) {
    return g.ageMax >= 0 ? Text.duration(g.ageMin) : "the ages in the events";
  }

  private static String shortestIdle(Group g) {
    return g.hasIdle() ? Text.duration(g.idleMin) : "the idle times in the events";
  }

  /** "3.7–3.8 MiB written since the last read", or "" when nothing was in flight. */
  private static String inFlight(Group g) {
    if (!g.hasInFlight() || g.inFlightMax == 0) {
      return "";
    }
    return Text.bytesRange(g.inFlightMin, g.inFlightMax) + " written since the last read";
  }
}
