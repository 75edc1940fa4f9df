package dev.stateless;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.annotation.CacheManifest;
import dev.stateless.annotation.MaxSize;
import dev.stateless.annotation.Owns;
import dev.stateless.annotation.Ttl;
import dev.stateless.core.Manifest;
import dev.stateless.testing.StoreContext;
import dev.stateless.testing.StoreKind;
import dev.stateless.testing.StoreMatrix;

/**
 * {@link Manifest#withOverride}: a cache built on an overridden manifest applies the overridden
 * {@code @Ttl} and {@code @MaxSize} exactly as if they were annotated.
 */
class ManifestOverrideIT {

  @CacheManifest
  static final class Sessions {
    @Owns("session:*")
    @Ttl("10m")
    @MaxSize("1MB")
    Object sessions;

    @Owns("cart:*")
    Object carts;
  }

  private static final long TEN_MINUTES_MS = 600_000;

  @StoreMatrix({StoreKind.IN_PROCESS, StoreKind.REDIS})
  void overriddenTtl_isTheTtlOfWrites(StoreContext store) {
    Manifest m =
        Manifest.from(Sessions.class)
            .withOverride("sessions", "30s", null)
            .withOverride("carts", "1h", null);
    SyncCache cache = store.build(b -> b.manifest(m)).sync();

    cache.set("session:1", "s");
    cache.set("cart:1", "c");

    assertThat(cache.ttlMillis("session:1")).isBetween(1L, 30_000L);
    assertThat(cache.ttlMillis("cart:1")).isBetween(30_001L, 3_600_000L);
    if (store.kind() == StoreKind.REDIS) {
      assertThat(Long.parseLong(store.redis().command("PTTL", "session:1"))).isBetween(1L, 30_000L);
      assertThat(Long.parseLong(store.redis().command("PTTL", "cart:1")))
          .isBetween(30_001L, 3_600_000L);
    }
  }

  @StoreMatrix({StoreKind.IN_PROCESS, StoreKind.REDIS})
  void withoutOverride_theAnnotatedTtlApplies(StoreContext store) {
    SyncCache cache = store.build(b -> b.manifest(Sessions.class)).sync();
    cache.set("session:1", "s");
    assertThat(cache.ttlMillis("session:1")).isBetween(30_001L, TEN_MINUTES_MS);
    assertThat(cache.ttlMillis("cart:1")).isEqualTo(-2L);
    cache.set("cart:1", "c");
    assertThat(cache.ttlMillis("cart:1")).isEqualTo(-1L);
  }

  @StoreMatrix({StoreKind.IN_PROCESS, StoreKind.REDIS})
  void overriddenMaxSize_refusesLargerValuesWithSL102(StoreContext store) {
    Manifest m = Manifest.from(Sessions.class).withOverride("sessions", null, "1KB");
    SyncCache cache = store.build(b -> b.manifest(m)).sync();

    assertThat(cache.set("session:small", "x".repeat(512))).isTrue();
    Throwable refused = catchFailure(() -> cache.set("session:big", "x".repeat(4096)));
    assertThat(refused).isInstanceOf(CapacityException.class);
    assertThat(Failures.code(refused)).isEqualTo("SL102");
    assertThat(refused.getMessage()).contains("sessions");
    assertThat(cache.get("session:big")).isNull();
    // the annotated 1MB would have taken it
    SyncCache annotated = store.build(b -> b.manifest(Sessions.class)).sync();
    assertThat(annotated.set("session:big", "x".repeat(4096))).isTrue();
    if (store.kind() == StoreKind.REDIS) {
      assertThat(Long.parseLong(store.redis().command("PTTL", "session:big")))
          .isBetween(1L, TEN_MINUTES_MS); // the annotated TTL kept: only the size was overridden
    }
  }

  private static Throwable catchFailure(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      return e;
    }
    throw new AssertionError("expected the call to fail");
  }
}
