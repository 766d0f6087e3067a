package io.resettracer.classify;

import io.resettracer.model.Role;
import io.resettracer.model.Stage;

/**
 * A TLS handshake reset right after the ClientHello, on connection after connection to one peer
 * while none gets through: something in the path (a proxy or firewall filtering by server name, a
 * TLS-inspecting device) or the server itself refuses what the ClientHello offers (the SNI, the
 * protocol versions) with an RST instead of an alert. A device by policy, not a peer at capacity: a
 * full server refuses some handshakes and takes others.
 */
final class TlsRefusalRule implements Rule {

  @Override
  public Candidate judge(ResetEvidence e) {
    if (e.stage != Stage.TLS_HANDSHAKE || e.facts.role() != Role.CLIENT || !e.brandNew()) {
      return null;
    }
    double score = 0.45;
    StringBuilder why = new StringBuilder(
        "the TLS handshake was reset after the ClientHello, before any reply: something read what"
            + " the client offered (server name, protocol versions) and answered with an RST");
    if (e.everyConnectionCutAtStart()) {
      int cut = e.cutAtStartToPeer();
      score += Math.min(0.35, 0.15 * (cut - 1));
      why.append("; every one of the ").append(cut).append(" connections to ")
          .append(e.facts.peer()).append(" was cut at its start, none got through: a refusal, not"
              + " load");
    } else if (e.history.longestSurvivedIdleNanos() >= 0) {
      score -= 0.2;
      why.append("; but other connections to ").append(e.facts.peer())
          .append(" worked: a refusal by policy would cut them all");
    }
    if (e.hostsInBurst() >= e.t.deviceHosts) {
      score += 0.1;
      why.append("; ").append(e.hostsInBurst()).append(" hosts reset at once");
    }
    score -= e.lossPenalty(why);
    String rec = "find what refuses this client's TLS handshake to " + e.facts.peer()
        + ": compare the server name (SNI) and TLS versions the client offers with what the server"
        + " and any proxy or firewall in the path accept (openssl s_client -connect "
        + e.facts.peer() + " -servername <name>, with -tls1_2 and -tls1_3), check an SNI"
        + " allow-list or a TLS-inspecting device, and that the port speaks TLS at all";
    return Candidate.of(Verdict.NETWORK_DEVICE, score, why.toString(), rec);
  }
}
