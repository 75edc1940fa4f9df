package dev.stateless;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.testing.StoreContext;
import dev.stateless.testing.StoreKind;
import dev.stateless.testing.StoreMatrix;
import java.util.ArrayList;
import java.util.List;

/** TTL jitter on Redis, and on streamed values over each store kind; see {@link TtlJitterTest}. */
class TtlJitterIT {
  @StoreMatrix(StoreKind.REDIS)
  void ttlJitter_reachesRedis(StoreContext store) {
    List<Long> ttls = TtlJitterTest.ttls(store.builder().ttlJitter(0.2));
    // Redis counts down as the test runs, so only the bounds the jitter sets are exact enough:
    // nothing above 10 s, and among 400 draws from [8 s, 10 s] some below 9.5 s.
    assertThat(ttls).allSatisfy(t -> assertThat(t).isBetween(1L, 10_000L));
    assertThat(ttls.stream().mapToLong(Long::longValue).min().orElseThrow()).isLessThan(9_500L);
  }

  /** setStream's TTL (@Ttl("30s") of StreamingManifest's clips) is jittered like set's. */
  @StoreMatrix
  void ttlJitter_shortensStreamedValuesTtls_inProcessAndOnRedis(StoreContext store) {
    StatelessCache.Builder b = store.builder();
    if (store.kind() == StoreKind.IN_PROCESS) {
      b.clock(new ManualClock());
    }
    List<Long> ttls = new ArrayList<>();
    try (StatelessCache cache = b.manifest(StreamingManifest.class).ttlJitter(0.5).build()) {
      SyncCache c = cache.sync();
      for (int i = 0; i < 50; i++) {
        c.setStream("clip:" + i, new java.io.ByteArrayInputStream(new byte[10]));
        ttls.add(c.ttlMillis("clip:" + i));
      }
    }
    assertThat(ttls).allSatisfy(t -> assertThat(t).isBetween(1L, 30_000L));
    // 50 draws from [15 s, 30 s]: some below 27 s (Redis counts down a little meanwhile).
    assertThat(ttls.stream().mapToLong(Long::longValue).min().orElseThrow()).isLessThan(27_000L);
  }
}
