package io.resettracer.report;

import java.util.Map;

/** How each verdict looks in a report: its colour and what it means in a few words. */
final class Verdicts {

  /**
   * The Okabe–Ito palette, told apart with the common colour-vision deficiencies; its yellow is
   * darkened to stay readable on white, and its reddish purple for a second cause of that hue.
   */
  private static final Map<String, String> COLOURS = Map.of(
      "IDLE_TIMEOUT", "#E69F00",
      "KEEPALIVE_MISMATCH", "#A07A00",
      "PEER_CRASH", "#D55E00",
      "RESOURCE_EXHAUSTION", "#CC79A7",
      "NETWORK_DEVICE", "#0072B2",
      "LARGE_PAYLOAD", "#56B4E9",
      "NETWORK_INSTABILITY", "#009E73",
      "CONNECTION_LIFETIME", "#000000",
      "REQUEST_LIMIT", "#8F4F7B",
      "UNKNOWN", "#8C8C8C");

  private static final Map<String, String> MEANINGS = Map.of(
      "IDLE_TIMEOUT", "a load balancer, NAT or firewall forgot a connection left idle",
      "KEEPALIVE_MISMATCH", "the server closed a kept-alive connection the pool reused",
      "PEER_CRASH", "the peer's process died or restarted",
      "RESOURCE_EXHAUSTION", "the peer ran out of connections, memory or file descriptors",
      "NETWORK_DEVICE", "a device in the path cut connections to several hosts at once",
      "LARGE_PAYLOAD", "the peer refused a request or response too large for it",
      "NETWORK_INSTABILITY", "packets were lost until retransmissions gave up",
      "CONNECTION_LIFETIME", "the peer or a hop ended connections at a fixed age the pool reused",
      "REQUEST_LIMIT", "the peer ended connections after a fixed number of requests",
      "UNKNOWN", "the evidence fits no cause well enough");

  private Verdicts() {}

  static String colour(String verdict) {
    return COLOURS.getOrDefault(verdict, "#5F5F5F");
  }

  static String meaning(String verdict) {
    return MEANINGS.getOrDefault(verdict, "");
  }
}
