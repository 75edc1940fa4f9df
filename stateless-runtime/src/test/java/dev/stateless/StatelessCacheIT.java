package dev.stateless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Strategy;
import dev.stateless.core.Component;
import dev.stateless.core.Manifest;
import dev.stateless.core.StatelessException;
import dev.stateless.internal.Entry;
import dev.stateless.internal.redis.RedisKeys;
import dev.stateless.testing.Await;
import dev.stateless.testing.RedisClusterExtension;
import dev.stateless.testing.RedisServerExtension;
import dev.stateless.testing.StoreContext;
import dev.stateless.testing.StoreKind;
import dev.stateless.testing.StoreMatrix;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/** Every operation and strategy, over the in-process server layer and a real redis-server. */
class StatelessCacheIT {
  private StatelessCache cache(StoreContext store) {
    return cache(store, b -> b.manifest(TestManifest.class));
  }

  private StatelessCache cache(StoreContext store, Consumer<StatelessCache.Builder> config) {
    return store.build(config);
  }

  @StoreMatrix
  void set_thenGet_returnsAnEqualValue_forEveryStandardType(StoreContext store) {
    SyncCache c = cache(store).sync();
    Object[] values = {
      "Ada",
      new byte[] {1, 2, 3},
      42L,
      7,
      (short) 3,
      (byte) 1,
      2.5d,
      1.5f,
      new BigInteger("123456789012345678901234567890"),
      new BigDecimal("1.10"),
      true,
      "ünïcødé ✓"
    };
    for (int i = 0; i < values.length; i++) {
      c.set("user:" + i, values[i]);
      // users is untyped: in process it keeps what was written; read from Redis it is what
      // Redis holds (text or bytes), which get(key, type) reads as the type.
      assertThat(c.get("user:" + i, values[i].getClass())).as("value %s", i).isEqualTo(values[i]);
      if (store.kind() == StoreKind.IN_PROCESS) {
        assertThat(c.get("user:" + i)).as("value %s", i).isEqualTo(values[i]);
      }
    }
    assertThat(c.get("user:absent")).isNull();
  }

  @StoreMatrix
  void del_removesTheKey_andReportsWhetherItExisted(StoreContext store) {
    SyncCache c = cache(store).sync();
    c.set("plain:1", "x");
    assertThat(c.del("plain:1")).isTrue();
    assertThat(c.get("plain:1")).isNull();
    assertThat(c.del("plain:1")).isFalse();
    assertThat(c.exists("plain:1")).isFalse();
  }

  @StoreMatrix
  void set_withConditions_behavesLikeNxAndXx(StoreContext store) {
    SyncCache c = cache(store).sync();
    assertThat(c.set("plain:c", "a", SetOptions.none().ifPresent())).isFalse();
    assertThat(c.get("plain:c")).isNull();
    assertThat(c.set("plain:c", "a", SetOptions.none().ifAbsent())).isTrue();
    assertThat(c.set("plain:c", "b", SetOptions.none().ifAbsent())).isFalse();
    assertThat(c.get("plain:c")).isEqualTo("a");
    assertThat(c.set("plain:c", "b", SetOptions.none().ifPresent())).isTrue();
    assertThat(c.get("plain:c")).isEqualTo("b");
  }

  @StoreMatrix
  void ttl_fromOptionsAndFromTheComponent_isApplied(StoreContext store) {
    SyncCache c = cache(store).sync();
    c.set("plain:t", "x", SetOptions.ttl(Duration.ofSeconds(30)));
    assertThat(c.ttlMillis("plain:t")).isBetween(1L, 30_000L);
    c.set("ttl:1", "x");
    assertThat(c.ttlMillis("ttl:1")).isBetween(1L, 10_000L);
    c.set("plain:forever", "x");
    assertThat(c.ttlMillis("plain:forever")).isEqualTo(-1L);
    assertThat(c.ttlMillis("plain:absent")).isEqualTo(-2L);
    assertThat(c.expire("plain:forever", Duration.ofSeconds(5))).isTrue();
    assertThat(c.ttlMillis("plain:forever")).isBetween(1L, 5_000L);
    assertThat(c.expire("plain:absent", Duration.ofSeconds(5))).isFalse();
  }

  @StoreMatrix(StoreKind.IN_PROCESS)
  void inProcessTtl_expiresByTheInjectedClock(StoreContext store) {
    ManualClock clock = new ManualClock();
    SyncCache c = cache(store, b -> b.manifest(TestManifest.class).clock(clock)).sync();
    c.set("ttl:1", "x");
    c.set("plain:1", "y", SetOptions.ttl(Duration.ofSeconds(2)));
    clock.advance(Duration.ofSeconds(3));
    assertThat(c.get("plain:1")).isNull();
    assertThat(c.get("ttl:1")).isEqualTo("x");
    clock.advance(Duration.ofSeconds(8));
    assertThat(c.get("ttl:1")).isNull();
  }

  @StoreMatrix
  void increment_countsAtomically_andRefusesNonIntegers(StoreContext store) {
    SyncCache c = cache(store).sync();
    assertThat(c.increment("plain:n", 1)).isEqualTo(1);
    assertThat(c.increment("plain:n", 41)).isEqualTo(42);
    assertThat(c.get("plain:n", Long.class)).isEqualTo(42L);
    c.set("plain:s", "10");
    assertThat(c.increment("plain:s", 5)).isEqualTo(15);
    assertThat(c.get("plain:s")).isEqualTo("15");
    c.set("plain:word", "ten");
    assertThatThrownBy(() -> c.increment("plain:word", 1))
        .isInstanceOf(InvalidStateException.class)
        .satisfies(e -> assertThat(((StatelessException) e).code()).isEqualTo("SL105"));
  }

  @StoreMatrix
  void writes_goToTheOwnersLayer(StoreContext store) {
    StatelessCache c = cache(store);
    SyncCache s = c.sync();
    s.set("local:1", "client data");
    s.set("product:1", "edge data");
    s.set("plain:1", "server data");
    assertThat(s.layer(CacheLayer.CLIENT).get("local:1")).isEqualTo("client data");
    assertThat(s.layer(CacheLayer.SERVER).get("local:1")).isNull();
    assertThat(s.layer(CacheLayer.EDGE).get("product:1")).isEqualTo("edge data");
    assertThat(s.layer(CacheLayer.CLIENT).get("product:1")).isNull();
    assertThat(s.layer(CacheLayer.SERVER).get("plain:1")).isEqualTo("server data");
    assertThat(s.layer(CacheLayer.CLIENT).get("plain:1")).isNull();
    if (store.kind() == StoreKind.REDIS) {
      assertThat(store.redis().command("EXISTS", "plain:1")).isEqualTo("1");
      assertThat(store.redis().command("EXISTS", "local:1")).isEqualTo("0");
      assertThat(c.policy().entryCount(CacheLayer.SERVER)).isEqualTo(-1);
    } else if (store.kind() == StoreKind.REDIS_CLUSTER) {
      RedisClusterExtension cluster = store.cluster();
      assertThat(cluster.command(cluster.masterOf("plain:1"), "EXISTS", "plain:1")).isEqualTo("1");
      assertThat(cluster.command(cluster.masterOf("local:1"), "EXISTS", "local:1")).isEqualTo("0");
      assertThat(c.policy().entryCount(CacheLayer.SERVER)).isEqualTo(-1);
    } else {
      assertThat(c.policy().entryCount(CacheLayer.SERVER)).isEqualTo(1);
    }
    assertThat(c.policy().entryCount(CacheLayer.CLIENT)).isEqualTo(1);
    assertThat(c.policy().entryCount(CacheLayer.EDGE)).isEqualTo(1);
    s.del("local:1");
    assertThat(c.policy().entryCount(CacheLayer.CLIENT)).isZero();
  }

  @StoreMatrix
  void read_backfillsNearerLayers_onlyWhereTheManifestAllows(StoreContext store) {
    SyncCache s = cache(store).sync();
    s.set("user:1", "backfilled");
    s.set("plain:1", "not backfilled");
    assertThat(s.get("user:1")).isEqualTo("backfilled");
    assertThat(s.get("plain:1")).isEqualTo("not backfilled");
    assertThat(s.layer(CacheLayer.CLIENT).get("user:1")).isEqualTo("backfilled");
    assertThat(s.layer(CacheLayer.EDGE).get("user:1")).isEqualTo("backfilled");
    assertThat(s.layer(CacheLayer.CLIENT).get("plain:1")).isNull();
    assertThat(s.layer(CacheLayer.EDGE).get("plain:1")).isNull();
  }

  @StoreMatrix
  void ownerWrite_dropsCopies_soTheNextReadSeesTheNewValue(StoreContext store) {
    SyncCache s = cache(store).sync();
    s.set("user:1", "v1");
    assertThat(s.get("user:1")).isEqualTo("v1");
    assertThat(s.layer(CacheLayer.CLIENT).get("user:1")).isEqualTo("v1");
    s.set("user:1", "v2");
    assertThat(s.layer(CacheLayer.CLIENT).get("user:1")).isNull();
    assertThat(s.get("user:1")).isEqualTo("v2");
  }

  @StoreMatrix
  void ownerWrite_invalidatesDeclaredDependents(StoreContext store) {
    SyncCache s = cache(store).sync();
    s.set("profile:1", "p1");
    s.set("profile:2:avatar", "p2");
    s.set("plain:1", "kept");
    s.set("user:1", "changed");
    assertThat(s.get("profile:1")).isNull();
    assertThat(s.get("profile:2:avatar")).isNull();
    assertThat(s.get("plain:1")).isEqualTo("kept");
    assertThat(s.get("user:1")).isEqualTo("changed");
  }

  @StoreMatrix
  void invalidatePattern_dropsExactlyTheMatchingKeys_globCharactersAreData(StoreContext store) {
    SyncCache s = cache(store).sync();
    s.set("plain:123:a", 1);
    s.set("plain:123:b:c", 2);
    s.set("plain:1234:a", 3);
    s.set("plain:*:a", 4);
    s.set("plain:[1]:a", 5);
    assertThat(s.invalidatePattern("plain:123:*")).isEqualTo(2);
    assertThat(s.get("plain:123:a")).isNull();
    assertThat(s.get("plain:123:b:c")).isNull();
    assertThat(s.get("plain:1234:a", Integer.class)).isEqualTo(3);
    assertThat(s.invalidatePattern("plain:\\*:*")).isEqualTo(1);
    assertThat(s.get("plain:*:a")).isNull();
    assertThat(s.get("plain:[1]:a", Integer.class)).isEqualTo(5);
    assertThat(s.invalidatePattern("plain:{id}:a")).isEqualTo(2);
    assertThat(s.get("plain:1234:a")).isNull();
    assertThat(s.get("plain:[1]:a")).isNull();
    if (store.kind() == StoreKind.REDIS) {
      assertThat(store.redis().command("INFO", "commandstats")).doesNotContain("cmdstat_keys");
    }
  }

  @StoreMatrix(StoreKind.REDIS)
  void invalidatePattern_onRedis_walksOnlyTheOwnersKeysUnderThePrefix_neverScan(
      StoreContext store) {
    RedisServerExtension redis = store.redis();
    SyncCache s = cache(store).sync();
    for (int i = 0; i < 300; i++) {
      s.set("profile:" + i, i);
      s.set("plain:other:" + i, i);
    }
    s.set("plain:123:a", "x", SetOptions.ttl(Duration.ofMinutes(5)));
    s.set("plain:123:b", "y");
    redis.command("CONFIG", "RESETSTAT");
    assertThat(s.invalidatePattern("plain:123:*")).isEqualTo(2);
    String stats = redis.command("INFO", "commandstats");
    assertThat(stats).doesNotContain("cmdstat_scan").doesNotContain("cmdstat_keys");
    assertThat(redis.command("ZCARD", RedisKeys.index(RedisKeys.STANDALONE, "plain")))
        .isEqualTo("300");
    assertThat(redis.command("DBSIZE")).isNotNull();
    assertThat(s.get("plain:other:7", Integer.class)).isEqualTo(7);
    assertThat(s.get("profile:7", Integer.class)).isEqualTo(7);
  }

  @StoreMatrix(StoreKind.REDIS)
  void expiredKeys_leaveTheOwnersIndex(StoreContext store) {
    RedisServerExtension redis = store.redis();
    SyncCache s = cache(store).sync();
    for (int i = 0; i < 20; i++) {
      s.set("plain:short:" + i, i, SetOptions.ttl(Duration.ofMillis(1)));
    }
    s.set("plain:long", "stays", SetOptions.ttl(Duration.ofMinutes(5)));
    awaitRedisClockPast(redis, redisMillis(redis) + 2); // Redis's clock passes the 1 ms TTLs
    for (int i = 0; i < 40; i++) {
      s.set("plain:kept:" + i, i); // every 16th event of the owner sweeps up to 32 overdue keys
    }
    awaitRedisClockPast(redis, redisMillis(redis) + 5);
    for (int i = 0; i < 16; i++) {
      s.set("plain:kept:" + i, i); // one more sweep for keys rescored at the millisecond boundary
    }
    assertThat(redis.command("ZCARD", RedisKeys.index(RedisKeys.STANDALONE, "plain")))
        .isEqualTo("41");
    assertThat(redis.command("ZCARD", RedisKeys.expiries(RedisKeys.STANDALONE, "plain")))
        .isEqualTo("1");
    assertThat(s.invalidatePattern("plain:*")).isEqualTo(41);
    assertThat(redis.command("ZCARD", RedisKeys.index(RedisKeys.STANDALONE, "plain")))
        .isEqualTo("0");
  }

  /** Redis's clock ({@code TIME}) in milliseconds: what its expiries and the index sweep use. */
  private static long redisMillis(RedisServerExtension redis) {
    String[] time = redis.command("TIME").split("\n");
    return Long.parseLong(time[0]) * 1000 + Long.parseLong(time[1]) / 1000;
  }

  /** Waits until Redis's clock reads later than {@code millis}. */
  private static void awaitRedisClockPast(RedisServerExtension redis, long millis) {
    Await.until(
        "Redis's clock past " + millis, Duration.ofSeconds(10), () -> redisMillis(redis) > millis);
  }

  @StoreMatrix
  void invalidatePattern_alsoDropsCopies(StoreContext store) {
    SyncCache s = cache(store).sync();
    s.set("user:9:posts", "p");
    assertThat(s.get("user:9:posts")).isEqualTo("p");
    assertThat(s.layer(CacheLayer.CLIENT).get("user:9:posts")).isEqualTo("p");
    s.invalidatePattern("user:9:*");
    assertThat(s.layer(CacheLayer.CLIENT).get("user:9:posts")).isNull();
    assertThat(s.get("user:9:posts")).isNull();
  }

  @StoreMatrix
  void clientFirst_writesTheClientLayerAndTheOwner(StoreContext store) {
    SyncCache s = cache(store).sync();
    s.set("hot:1", "h");
    assertThat(s.layer(CacheLayer.CLIENT).get("hot:1")).isEqualTo("h");
    s.flush(); // a Redis owner gets CLIENT_FIRST writes from the offline queue
    assertThat(s.layer(CacheLayer.SERVER).get("hot:1")).isEqualTo("h");
    s.setWithStrategy("plain:1", "p", Strategy.CLIENT_FIRST);
    assertThat(s.layer(CacheLayer.CLIENT).get("plain:1")).isEqualTo("p");
    s.flush();
    assertThat(s.layer(CacheLayer.SERVER).get("plain:1")).isEqualTo("p");
  }

  @StoreMatrix
  void edgeOptimized_leavesACopyAtTheEdge(StoreContext store) {
    SyncCache s = cache(store).sync();
    s.setWithStrategy("plain:featured", "f", Strategy.EDGE_OPTIMIZED);
    assertThat(s.layer(CacheLayer.EDGE).get("plain:featured")).isEqualTo("f");
    assertThat(s.layer(CacheLayer.SERVER).get("plain:featured")).isEqualTo("f");
    assertThat(s.get("plain:featured")).isEqualTo("f");
    s.set("plain:featured", "g");
    assertThat(s.layer(CacheLayer.EDGE).get("plain:featured")).isNull();
    assertThat(s.get("plain:featured")).isEqualTo("g");
  }

  @StoreMatrix
  void globalConsistent_neverLeavesOrServesCopies(StoreContext store) {
    SyncCache s = cache(store).sync();
    s.set("rt:1", "fresh");
    for (int i = 0; i < 3; i++) {
      assertThat(s.get("rt:1")).isEqualTo("fresh");
    }
    assertThat(s.layer(CacheLayer.CLIENT).get("rt:1")).isNull();
    assertThat(s.layer(CacheLayer.EDGE).get("rt:1")).isNull();
  }

  @StoreMatrix
  void setWithStrategy_clashingWithTheCallersStrategy_isSL008(StoreContext store) {
    SyncCache s = cache(store).sync().withStrategy(Strategy.GLOBAL_CONSISTENT);
    assertThatThrownBy(() -> s.setWithStrategy("plain:1", "x", Strategy.CLIENT_FIRST))
        .isInstanceOf(StatelessException.class)
        .satisfies(e -> assertThat(((StatelessException) e).code()).isEqualTo("SL008"));
    assertThat(s.get("plain:1")).isNull();
  }

  @StoreMatrix
  void customStrategy_placesCopies_andAddsInvalidations_withAFallback(StoreContext store) {
    CacheStrategy custom =
        new CacheStrategy() {
          @Override
          public CacheLayer determineLocation(String key) {
            return key.startsWith("plain:hot:") ? CacheLayer.CLIENT : null;
          }

          @Override
          public List<String> handleInvalidation(String pattern) {
            return pattern.startsWith("plain:hot:") ? List.of("profile:*") : List.of();
          }
        }.orElse(CacheStrategy.of(Strategy.EDGE_OPTIMIZED));
    SyncCache s = cache(store, b -> b.manifest(TestManifest.class).strategy(custom)).sync();
    s.set("profile:1", "dependent");
    s.set("plain:hot:1", "h");
    assertThat(s.get("profile:1")).isNull();
    assertThat(s.get("plain:hot:1")).isEqualTo("h");
    assertThat(s.layer(CacheLayer.CLIENT).get("plain:hot:1")).isEqualTo("h");
    s.set("plain:cold:1", "c");
    assertThat(s.get("plain:cold:1")).isEqualTo("c");
    assertThat(s.layer(CacheLayer.EDGE).get("plain:cold:1")).isEqualTo("c");
    assertThat(s.layer(CacheLayer.CLIENT).get("plain:cold:1")).isNull();
  }

  @StoreMatrix
  void componentView_writingBorrowedData_isSL002_andReadsAreAllowed(StoreContext store) {
    SyncCache s = cache(store).sync();
    s.set("user:1", "owner wrote");
    SyncCache analytics = s.component("analytics");
    assertThat(analytics.get("user:1")).isEqualTo("owner wrote");
    assertThatThrownBy(() -> analytics.set("user:1", "x"))
        .isInstanceOf(StatelessException.class)
        .hasMessageContaining("error[SL002]")
        .hasMessageContaining("help:")
        .satisfies(e -> assertThat(((StatelessException) e).code()).isEqualTo("SL002"));
    assertThatThrownBy(() -> analytics.del("user:1"))
        .satisfies(e -> assertThat(((StatelessException) e).code()).isEqualTo("SL002"));
    assertThat(s.get("user:1")).isEqualTo("owner wrote");
    assertThat(s.component("users").set("user:1", "owner again")).isTrue();
    assertThatThrownBy(() -> s.component("users").set("plain:1", "x"))
        .satisfies(e -> assertThat(((StatelessException) e).code()).isEqualTo("SL003"));
  }

  @StoreMatrix
  void asyncApi_failsTheFuture_insteadOfThrowing(StoreContext store) {
    StatelessCache c = cache(store);
    var future = c.component("analytics").set("user:1", "x");
    assertThat(future).isCompletedExceptionally();
    assertThatThrownBy(future::join).hasCauseInstanceOf(StatelessException.class);
  }

  @StoreMatrix
  void unownedKey_isSL003_inStrictMode_andAllowedForRedisCompatible(StoreContext store) {
    SyncCache s = cache(store).sync();
    assertThatThrownBy(() -> s.set("nobody:1", "x"))
        .satisfies(e -> assertThat(((StatelessException) e).code()).isEqualTo("SL003"));
    SyncCache compatible = s.withStrategy(Strategy.REDIS_COMPATIBLE);
    assertThat(compatible.set("nobody:1", "x")).isTrue();
    assertThat(compatible.get("nobody:1")).isEqualTo("x");
    assertThatThrownBy(() -> compatible.component("analytics").set("user:1", "x"))
        .satisfies(e -> assertThat(((StatelessException) e).code()).isEqualTo("SL002"));
  }

  @StoreMatrix
  void noManifest_behavesLikePlainRedis(StoreContext store) {
    SyncCache s = cache(store, b -> {}).sync();
    s.set("anything:1", "x");
    assertThat(s.get("anything:1")).isEqualTo("x");
    assertThat(s.scan("anything:*")).containsExactly("anything:1");
  }

  @StoreMatrix
  void layerView_writingAnotherOwnersLayer_isSL004(StoreContext store) {
    SyncCache s = cache(store).sync();
    assertThatThrownBy(() -> s.layer(CacheLayer.SERVER).set("local:1", "x"))
        .satisfies(e -> assertThat(((StatelessException) e).code()).isEqualTo("SL004"));
    assertThatThrownBy(() -> s.layer(CacheLayer.CLIENT).set("product:all", "catalog"))
        .satisfies(e -> assertThat(((StatelessException) e).code()).isEqualTo("SL004"));
    assertThat(s.layer(CacheLayer.EDGE).set("product:all", "catalog")).isTrue();
    assertThat(s.component("analytics").get("product:all")).isEqualTo("catalog");
  }

  @StoreMatrix
  void layerViewWrites_ofUnownedKeys_leaveFartherLayers_andTheNearestAnswers(StoreContext store) {
    SyncCache s = cache(store, b -> {}).sync();
    s.layer(CacheLayer.SERVER).set("k", "server value");
    s.layer(CacheLayer.CLIENT).set("k", "client value");
    assertThat(s.layer(CacheLayer.SERVER).get("k")).isEqualTo("server value");
    assertThat(s.get("k")).isEqualTo("client value");
    s.set("k", "routed");
    assertThat(s.layer(CacheLayer.CLIENT).get("k")).isNull();
    assertThat(s.get("k")).isEqualTo("routed");
  }

  @StoreMatrix
  void layerView_ofALayerTheManifestLacks_isSL007(StoreContext store) {
    Manifest m =
        Manifest.builder("EdgeAndServer")
            .layers(CacheLayer.EDGE, CacheLayer.SERVER)
            .component(Component.builder("users").owns("user:*").build())
            .build();
    StatelessCache c = cache(store, b -> b.manifest(m));
    assertThatThrownBy(() -> c.layer(CacheLayer.CLIENT))
        .satisfies(e -> assertThat(((StatelessException) e).code()).isEqualTo("SL007"));
    c.sync().set("user:1", "x");
    assertThat(c.sync().get("user:1")).isEqualTo("x");
  }

  @org.junit.jupiter.api.Test
  void build_listsEveryManifestAndLayerProblemInOneException() {
    Manifest broken =
        Manifest.builder("Broken")
            .layers(CacheLayer.EDGE, CacheLayer.SERVER)
            .component(Component.builder("users").owns("user:*").build())
            .component(Component.builder("profiles").owns("user:profile").build())
            .component(
                Component.builder("offline")
                    .owns("offline:*")
                    .strategy(Strategy.CLIENT_FIRST)
                    .build())
            .build();
    assertThatThrownBy(
            () -> StatelessCache.builder().manifest(broken).client(Stores.inProcess()).build())
        .isInstanceOf(StatelessException.class)
        .satisfies(
            e ->
                assertThat(((StatelessException) e).diagnostics())
                    .extracting(dev.stateless.core.Diagnostic::code)
                    .contains("SL001", "SL007"))
        .hasMessageContaining("user:profile")
        .hasMessageContaining("CLIENT");
    assertThatThrownBy(
            () ->
                StatelessCache.builder()
                    .manifest(
                        Manifest.builder("NoClient")
                            .layers(CacheLayer.SERVER)
                            .component(Component.builder("users").owns("user:*").build())
                            .build())
                    .strategy(Strategy.CLIENT_FIRST)
                    .build())
        .satisfies(e -> assertThat(((StatelessException) e).code()).isEqualTo("SL007"));
    assertThatThrownBy(() -> StatelessCache.builder().manifest(String.class).build())
        .satisfies(e -> assertThat(((StatelessException) e).code()).isEqualTo("SL013"));
  }

  @StoreMatrix
  void streamingKey_plainGetAndSet_isSL009(StoreContext store) {
    SyncCache s = cache(store).sync();
    assertThatThrownBy(() -> s.get("video:1"))
        .satisfies(e -> assertThat(((StatelessException) e).code()).isEqualTo("SL009"));
    assertThatThrownBy(() -> s.set("video:1", new byte[10]))
        .satisfies(e -> assertThat(((StatelessException) e).code()).isEqualTo("SL009"));
  }

  @StoreMatrix
  void badInput_getsCodedErrors(StoreContext store) {
    SyncCache s = cache(store).sync();
    assertThatThrownBy(() -> s.set("", "x"))
        .satisfies(e -> assertThat(((StatelessException) e).code()).isEqualTo("SL012"))
        .hasMessageContaining("help:");
    assertThatThrownBy(() -> s.invalidatePattern("user:*:posts"))
        .satisfies(e -> assertThat(((StatelessException) e).code()).isEqualTo("SL012"));
    assertThatThrownBy(() -> s.component("nobody"))
        .satisfies(e -> assertThat(((StatelessException) e).code()).isEqualTo("SL013"))
        .hasMessageContaining("nobody");
    assertThatThrownBy(() -> s.set("product:big", new byte[2048]))
        .isInstanceOf(CapacityException.class)
        .satisfies(e -> assertThat(((StatelessException) e).code()).isEqualTo("SL102"))
        .hasMessageContaining("products");
    assertThat(s.get("product:big")).isNull();
    assertThatThrownBy(() -> s.set("plain:obj", new Object()))
        .isInstanceOf(InvalidStateException.class)
        .satisfies(e -> assertThat(((StatelessException) e).code()).isEqualTo("SL105"));
  }

  @StoreMatrix
  void maxSize_boundsTheComponentsInProcessBytes(StoreContext store) {
    StatelessCache c = cache(store);
    for (int i = 0; i < 50; i++) {
      c.sync().set("product:" + i, new byte[100]);
    }
    long bytes = 0;
    int present = 0;
    for (int i = 0; i < 50; i++) {
      if (c.sync().layer(CacheLayer.EDGE).get("product:" + i) != null) {
        present++;
        bytes += Entry.weigh("product:" + i, 101);
      }
    }
    assertThat(bytes).isLessThanOrEqualTo(1024);
    assertThat(present).isBetween(1, 49);
  }

  @StoreMatrix
  void closedCache_refusesCalls_withSL105(StoreContext store) {
    StatelessCache c = cache(store);
    c.close();
    assertThatThrownBy(() -> c.sync().set("plain:1", "x"))
        .satisfies(e -> assertThat(((StatelessException) e).code()).isEqualTo("SL105"));
  }

  @StoreMatrix
  void metrics_countHitsAndMissesPerLayer(StoreContext store) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SyncCache s = cache(store, b -> b.manifest(TestManifest.class).meterRegistry(registry)).sync();
    s.set("local:1", "x");
    s.get("local:1");
    s.get("local:2");
    assertThat(counter(registry, "client", "hit")).isEqualTo(1);
    assertThat(counter(registry, "client", "miss")).isEqualTo(1);
    s.set("user:1", "u");
    s.get("user:1");
    s.get("user:1");
    assertThat(counter(registry, "server", "hit")).isEqualTo(1);
    assertThat(counter(registry, "client", "hit")).isEqualTo(2);
  }

  private static double counter(SimpleMeterRegistry r, String layer, String result) {
    return r.get("cache.gets").tag("layer", layer).tag("result", result).functionCounters().stream()
        .mapToDouble(FunctionCounter::count)
        .sum();
  }

  @StoreMatrix
  void scan_listsKeysMatchingARedisGlob(StoreContext store) {
    SyncCache s = cache(store).sync();
    s.set("plain:a1", 1);
    s.set("plain:a2", 2);
    s.set("plain:b1", 3);
    s.set("local:a1", 4);
    assertThat(s.scan("plain:a*")).containsExactly("plain:a1", "plain:a2");
    assertThat(s.scan("*a1")).containsExactly("local:a1", "plain:a1");
  }
}
