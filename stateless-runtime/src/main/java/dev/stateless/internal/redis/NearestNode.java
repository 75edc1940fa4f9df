package dev.stateless.internal.redis;

import java.util.List;

/**
 * Which edge node a {@link RegionalEdgeStore} talks to: the nearest live node of its own region, by
 * the PINGs' smoothed round trip; when none of them is live, the nearest live node of another
 * region (the last resort); when none at all is, the current one (its calls fail with SL100). A
 * live current node is left only for a node of its own region when it is foreign (failback), or for
 * a node of the same standing whose round trip is clearly shorter: at least {@value
 * #HYSTERESIS_PERCENT}% and {@value #MIN_GAIN_NANOS} ns, so that two nodes at about the same
 * distance do not make the store switch back and forth (each switch drops the client layer's
 * copies).
 */
final class NearestNode {
  /** How much nearer another node must be to be worth a switch, in percent of the current RTT. */
  static final int HYSTERESIS_PERCENT = 20;

  /** And by how much at least, in nanoseconds: below this, RTTs on one host are noise. */
  static final long MIN_GAIN_NANOS = 200_000;

  /**
   * One node as the chooser sees it.
   *
   * @param home whether the node is in the store's own region
   * @param live whether its connection answers (and its pushes are read) right now
   * @param rttNanos the smoothed round trip, 0 when never measured
   */
  record Candidate(boolean home, boolean live, long rttNanos) {}

  private NearestNode() {}

  /**
   * The index of the node to use, given the one in use ({@code -1}: none yet).
   *
   * @param current the node in use, or -1
   * @param nodes every node, in configuration order (ties go to the first)
   * @return the node to use: {@code current} when no node is better, or no node is live
   */
  static int choose(int current, List<Candidate> nodes) {
    int best = -1;
    for (int i = 0; i < nodes.size(); i++) {
      Candidate c = nodes.get(i);
      if (c.live() && (best < 0 || nearer(c, nodes.get(best)))) {
        best = i;
      }
    }
    if (best < 0 || best == current) {
      return current;
    }
    if (current < 0 || !nodes.get(current).live()) {
      return best;
    }
    Candidate now = nodes.get(current);
    Candidate other = nodes.get(best);
    if (other.home() != now.home()) {
      return other.home() ? best : current;
    }
    long a = rtt(now);
    long b = rtt(other);
    boolean clearlyNearer =
        a != Long.MAX_VALUE && b <= a - a / 100 * HYSTERESIS_PERCENT && a - b >= MIN_GAIN_NANOS;
    return clearlyNearer || (a == Long.MAX_VALUE && b != Long.MAX_VALUE) ? best : current;
  }

  /** Home before foreign, then the shorter round trip; unmeasured counts as farthest. */
  private static boolean nearer(Candidate a, Candidate b) {
    if (a.home() != b.home()) {
      return a.home();
    }
    return rtt(a) < rtt(b);
  }

  private static long rtt(Candidate c) {
    return c.rttNanos() > 0 ? c.rttNanos() : Long.MAX_VALUE;
  }
}
