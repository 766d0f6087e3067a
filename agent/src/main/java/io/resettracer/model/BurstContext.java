package io.resettracer.model;

/**
 * The burst a reset belongs to, as far as it is known when the reset is judged: how many resets,
 * across how many hosts and how many ports of this reset's host, and what happened to connects to
 * this reset's host after the burst began. Plain numbers, fed by whoever groups resets into bursts;
 * {@link #UNKNOWN} when nothing is known, and the rules then judge from the reset's own history.
 *
 * @param resets resets in the burst, this one included; 0 when the burst is unknown
 * @param hosts distinct remote addresses reset in the burst
 * @param portsOfHost distinct ports of this reset's remote address reset in the burst
 * @param refusedAfter connects to this reset's remote address (any port) refused after the burst's
 *     first reset
 * @param connectedAfter connects to this reset's remote address (any port) that succeeded after the
 *     burst's first reset
 * @param settled true once the burst has been quiet for the settle time: the picture is final
 */
public record BurstContext(
    int resets, int hosts, int portsOfHost, int refusedAfter, int connectedAfter,
    boolean settled) {

  public static final BurstContext UNKNOWN = new BurstContext(0, 0, 0, 0, 0, false);

  /** Whether anything is known of the burst. */
  public boolean known() {
    return resets > 0;
  }
}
