package io.resettracer.classify;

import java.util.ArrayList;
import java.util.List;

/**
 * Known default idle limits of the hops a connection crosses (the project's reference catalogue),
 * so that an idle time clustering at one of them can name the likely hop.
 */
public final class TimeoutCatalog {

  /** What kind of hop holds the limit: it decides which cause a match supports. */
  public enum Hop {
    /** A load balancer, NAT or firewall that forgets idle flows: an idle timeout. */
    MIDDLEBOX,
    /** A server that closes idle keep-alive connections: a keep-alive mismatch. */
    SERVER
  }

  /** One known limit. */
  public record Entry(String name, long seconds, Hop hop) {}

  static final List<Entry> ENTRIES =
      List.of(
          new Entry("AWS NAT Gateway / NLB / Network Firewall", 350, Hop.MIDDLEBOX),
          new Entry("Azure Load Balancer / NAT Gateway", 240, Hop.MIDDLEBOX),
          new Entry("AWS ALB / Classic ELB", 60, Hop.MIDDLEBOX),
          new Entry("GCP load balancer / VPC firewall tracking", 600, Hop.MIDDLEBOX),
          new Entry("GCP external load balancer (client side)", 610, Hop.MIDDLEBOX),
          new Entry("GCP Cloud NAT", 1200, Hop.MIDDLEBOX),
          new Entry("Envoy / Istio / ECS Service Connect (TCP)", 3600, Hop.MIDDLEBOX),
          new Entry("OCI load balancer (backend)", 300, Hop.MIDDLEBOX),
          new Entry("Apache httpd / Node.js / uvicorn keep-alive", 5, Hop.SERVER),
          new Entry("gunicorn keep-alive", 2, Hop.SERVER),
          new Entry("Tomcat keep-alive (shipped server.xml)", 20, Hop.SERVER),
          new Entry("Jetty idle timeout", 30, Hop.SERVER),
          new Entry("nginx keepalive_timeout", 75, Hop.SERVER),
          new Entry("OCI load balancer (client keep-alive)", 65, Hop.SERVER),
          new Entry("Heroku router keep-alive", 90, Hop.SERVER),
          new Entry("IIS connection timeout", 120, Hop.SERVER));

  private TimeoutCatalog() {}

  /**
   * The entries whose limit lies at or just below {@code idleNanos}: a reset after an idle of
   * 351 s fits a 350 s limit, one after 340 s does not. {@code tolerancePerMille} is how far above
   * the limit the idle may be.
   */
  public static List<Entry> matching(long idleNanos, long tolerancePerMille) {
    List<Entry> out = new ArrayList<>();
    for (Entry e : ENTRIES) {
      long limit = e.seconds * 1_000_000_000L;
      if (idleNanos >= limit && idleNanos <= limit + limit * tolerancePerMille / 1000) {
        out.add(e);
      }
    }
    return out;
  }
}
