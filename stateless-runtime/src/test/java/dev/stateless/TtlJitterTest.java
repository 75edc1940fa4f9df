package dev.stateless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * TTL jitter: every TTL a write sets is cut by a random part of at most the given fraction, never
 * lengthened. In-process with a manual clock, remaining TTLs are exact; {@link TtlJitterIT} checks
 * them on Redis.
 */
class TtlJitterTest {
  private static final int KEYS = 200;

  /** Remaining TTLs in ms of keys written with the component's @Ttl("10s") and with SetOptions. */
  static List<Long> ttls(StatelessCache.Builder builder) {
    List<Long> ttls = new ArrayList<>();
    try (StatelessCache cache = builder.manifest(TestManifest.class).build()) {
      SyncCache c = cache.sync();
      for (int i = 0; i < KEYS; i++) {
        c.set("ttl:" + i, "v"); // @Ttl("10s")
        c.set("plain:" + i, "v", SetOptions.ttl(Duration.ofSeconds(10)));
      }
      for (int i = 0; i < KEYS; i++) {
        ttls.add(c.ttlMillis("ttl:" + i));
        ttls.add(c.ttlMillis("plain:" + i));
      }
    }
    return ttls;
  }

  @Test
  void ttlJitter_spreadsTtlsWithinTheFraction_neverBeyondTheDeclaredTtl() {
    List<Long> ttls = ttls(StatelessCache.builder().clock(new ManualClock()).ttlJitter(0.2));
    assertThat(ttls).allSatisfy(t -> assertThat(t).isBetween(8_000L, 10_000L));
    assertThat(new TreeSet<>(ttls).size()).isGreaterThan(KEYS / 2);
  }

  @Test
  void withoutTtlJitter_ttlsAreExactlyTheDeclaredOne() {
    List<Long> ttls = ttls(StatelessCache.builder().clock(new ManualClock()));
    assertThat(ttls).hasSize(2 * KEYS).containsOnly(10_000L);
  }

  @Test
  void ttlJitter_keepsKeysWithoutTtlWithoutTtl() {
    try (StatelessCache cache =
        StatelessCache.builder().manifest(TestManifest.class).ttlJitter(0.5).build()) {
      cache.sync().set("plain:1", "v");
      assertThat(cache.sync().ttlMillis("plain:1")).isEqualTo(-1L);
    }
  }

  @Test
  void ttlJitter_rejectsFractionsOutsideTheRange() {
    StatelessCache.Builder b = StatelessCache.builder();
    for (double bad : new double[] {-0.1, 1.0, 1.5, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThatThrownBy(() -> b.ttlJitter(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("ttlJitter")
          .hasMessageContaining(String.valueOf(bad));
    }
    assertThat(b.ttlJitter(0)).isSameAs(b);
    assertThat(b.ttlJitter(0.999)).isSameAs(b);
  }
}
