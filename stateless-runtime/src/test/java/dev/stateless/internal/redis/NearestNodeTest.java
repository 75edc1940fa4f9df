package dev.stateless.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.internal.redis.NearestNode.Candidate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which node {@link NearestNode} picks: home first, nearest, failover, failback, no flapping. */
class NearestNodeTest {
  private static final long MS = 1_000_000;

  private static Candidate home(long rttMs) {
    return new Candidate(true, true, rttMs * MS);
  }

  private static Candidate foreign(long rttMs) {
    return new Candidate(false, true, rttMs * MS);
  }

  private static Candidate down(boolean home) {
    return new Candidate(home, false, 3 * MS);
  }

  @Test
  void choose_atStart_picksTheNearestLiveHomeNode_evenWhenAForeignOneIsNearer() {
    assertThat(NearestNode.choose(-1, List.of(home(5), home(3), foreign(1)))).isEqualTo(1);
  }

  @Test
  void choose_homeNodeFails_picksTheNextNearestHomeNode() {
    assertThat(NearestNode.choose(1, List.of(home(5), down(true), home(4), foreign(1))))
        .isEqualTo(2);
  }

  @Test
  void choose_everyHomeNodeDown_picksTheNearestLiveForeignNode() {
    assertThat(NearestNode.choose(0, List.of(down(true), foreign(40), foreign(30)))).isEqualTo(2);
  }

  @Test
  void choose_aHomeNodeIsBack_failsBackToIt_thoughTheForeignOneIsNearer() {
    assertThat(NearestNode.choose(2, List.of(home(9), down(true), foreign(1)))).isEqualTo(0);
  }

  @Test
  void choose_noNodeLive_keepsTheCurrentOne() {
    assertThat(NearestNode.choose(1, List.of(down(true), down(true), down(false)))).isEqualTo(1);
    assertThat(NearestNode.choose(-1, List.of(down(true), down(false)))).isEqualTo(-1);
  }

  @Test
  void choose_aSlightlyNearerNode_doesNotMakeItSwitch() {
    // 10% nearer: below the hysteresis
    assertThat(NearestNode.choose(0, List.of(home(10), home(9)))).isEqualTo(0);
    // 50% nearer but only 0.1 ms: noise on one host
    assertThat(
            NearestNode.choose(
                0, List.of(new Candidate(true, true, 200_000), new Candidate(true, true, 100_000))))
        .isEqualTo(0);
  }

  @Test
  void choose_aClearlyNearerNodeOfTheSameStanding_isSwitchedTo() {
    assertThat(NearestNode.choose(0, List.of(home(10), home(7)))).isEqualTo(1);
    assertThat(NearestNode.choose(0, List.of(foreign(40), foreign(20)))).isEqualTo(1);
  }

  @Test
  void choose_aForeignNodeIsNeverPreferredToALiveHomeNode() {
    assertThat(NearestNode.choose(0, List.of(home(50), foreign(1)))).isEqualTo(0);
  }

  @Test
  void choose_unmeasuredNodes_countAsFarthest() {
    Candidate unmeasured = new Candidate(true, true, 0);
    assertThat(NearestNode.choose(-1, List.of(unmeasured, home(8)))).isEqualTo(1);
    assertThat(NearestNode.choose(0, List.of(unmeasured, home(8)))).isEqualTo(1);
    assertThat(NearestNode.choose(-1, List.of(unmeasured, unmeasured))).isEqualTo(0);
  }
}
