package io.resettracer.emit;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Percentage;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;
import jdk.jfr.Timestamp;

/**
 * Resets that came together, judged as one: committed once the burst has been quiet for a settle
 * window, with what only became known after the resets (connects refused, the peer back).
 */
@Name(ResetIncidentEvent.NAME)
@Label("Reset Incident")
@Category({"reset-tracer"})
@Description(
    "Several connection resets in one burst, judged together once the burst settled. Each reset "
        + "also has its own Connection Reset event with the same Incident Id; the incident's verdict "
        + "can differ, because it also sees what came later (connects refused, the peer back, how "
        + "many hosts were hit).")
// Periodic only so that JFR calls the agent when a chunk ends: see JfrOutput.register.
@Period("endChunk")
@StackTrace(false)
public final class ResetIncidentEvent extends jdk.jfr.Event {

  public static final String NAME = "resettracer.ResetIncident";

  @Label("Incident Id")
  @Description("The burst's id, which each of its Connection Reset events carries too")
  long incidentId;

  @Label("Verdict")
  @Description("The likely common cause of the burst: IDLE_TIMEOUT, PEER_CRASH, RESOURCE_EXHAUSTION, "
      + "NETWORK_DEVICE, LARGE_PAYLOAD, KEEPALIVE_MISMATCH, NETWORK_INSTABILITY, CONNECTION_LIFETIME, "
      + "REQUEST_LIMIT or UNKNOWN")
  String verdict;

  @Label("Confidence")
  @Description("How likely the verdict is right, 0 to 100 %")
  @Percentage
  float confidence;

  @Label("Resets")
  @Description("Connection Reset events in the burst")
  int resets;

  @Label("Peers")
  @Description("Distinct peers (address and port) whose connections were reset")
  int peers;

  @Label("Hosts")
  @Description("Distinct peer addresses whose connections were reset")
  int hosts;

  @Label("Peer List")
  @Description("The peers, most affected first (×n: resets of that peer), bounded")
  String peerList;

  @Label("First Reset")
  @Description("When the first reset of the burst happened")
  @Timestamp(Timestamp.MILLISECONDS_SINCE_EPOCH)
  long firstReset;

  @Label("Span")
  @Description("Time from the first reset of the burst to the last")
  @Timespan(Timespan.NANOSECONDS)
  long span;

  @Label("Verdicts Per Reset")
  @Description("How the burst's resets were judged, with counts")
  String memberVerdicts;

  @Label("Evidence")
  @Description("Why the burst got its verdict, with the numbers")
  String evidence;

  @Label("Recommendation")
  @Description("What to change or look at")
  String recommendation;
}
