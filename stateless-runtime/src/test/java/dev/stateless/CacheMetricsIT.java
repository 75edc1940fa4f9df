package dev.stateless;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Strategy;
import dev.stateless.core.Component;
import dev.stateless.core.Manifest;
import dev.stateless.testing.Await;
import dev.stateless.testing.RedisServerExtension;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Micrometer meters of a cache on a real redis-server: Micrometer's cache meters per component
 * and layer, the layer latency and invalidation lag timers, and the health snapshot ({@link
 * StatelessCache#status()}) across a Redis stop and start.
 */
class CacheMetricsIT {
  @RegisterExtension static final RedisServerExtension redis = new RedisServerExtension();

  private static final Duration EVENTUALLY = Duration.ofSeconds(15);

  /** Users live in Redis and are copied into the client and edge layers when read. */
  private static final Manifest MANIFEST =
      Manifest.builder("Shop")
          .component(Component.builder("users").owns("user:*").backfill(true).build())
          .component(
              Component.builder("sessions").owns("session:*").layer(CacheLayer.CLIENT).build())
          .component(
              Component.builder("recent")
                  .owns("recent:*")
                  .layer(CacheLayer.CLIENT)
                  .maxSize("2KB")
                  .build())
          .component(
              Component.builder("likes").owns("like:*").strategy(Strategy.CLIENT_FIRST).build())
          .build();

  private final List<StatelessCache> open = new ArrayList<>();

  @BeforeEach
  void clean() {
    redis.flushAll();
  }

  @AfterEach
  void closeAll() {
    open.forEach(StatelessCache::close);
  }

  private StatelessCache node(SimpleMeterRegistry registry) {
    StatelessCache.Builder b =
        StatelessCache.builder()
            .manifest(MANIFEST)
            .server(Stores.redis(redis.uri() + "?timeout=1s"));
    if (registry != null) {
      b.meterRegistry(registry);
    }
    StatelessCache c = b.build();
    open.add(c);
    return c;
  }

  private static double gets(SimpleMeterRegistry r, String cache, String layer, String result) {
    return r.get("cache.gets")
        .tag("name", "Shop")
        .tag("cache", cache)
        .tag("layer", layer)
        .tag("result", result)
        .functionCounter()
        .count();
  }

  private static double count(SimpleMeterRegistry r, String meter, String cache, String layer) {
    return r.get(meter)
        .tag("name", "Shop")
        .tag("cache", cache)
        .tag("layer", layer)
        .functionCounter()
        .count();
  }

  private static double size(SimpleMeterRegistry r, String cache, String layer) {
    return r.get("cache.size").tag("cache", cache).tag("layer", layer).gauge().value();
  }

  private static Timer latency(SimpleMeterRegistry r, String layer, String operation) {
    return r.get("stateless.layer.latency")
        .tag("name", "Shop")
        .tag("layer", layer)
        .tag("operation", operation)
        .timer();
  }

  @Test
  void gets_andPuts_areCountedPerComponentAndLayer() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SyncCache cache = node(registry).sync();

    cache.set("user:1", "ada");
    assertThat(cache.get("user:1")).isEqualTo("ada"); // client and edge miss, server hit
    assertThat(cache.get("user:1")).isEqualTo("ada"); // the client's copy
    assertThat(cache.get("user:2")).isNull(); // a miss in every layer
    cache.set("session:1", "s");
    assertThat(cache.get("session:1")).isEqualTo("s");
    assertThat(cache.get("session:2")).isNull();
    assertThat(cache.get("other:1")).isNull(); // nobody owns it: it lives on SERVER

    assertThat(gets(registry, "users", "client", "hit")).isEqualTo(1);
    assertThat(gets(registry, "users", "client", "miss")).isEqualTo(2);
    assertThat(gets(registry, "users", "edge", "hit")).isZero();
    assertThat(gets(registry, "users", "edge", "miss")).isEqualTo(2);
    assertThat(gets(registry, "users", "server", "hit")).isEqualTo(1);
    assertThat(gets(registry, "users", "server", "miss")).isEqualTo(1);
    assertThat(gets(registry, "sessions", "client", "hit")).isEqualTo(1);
    assertThat(gets(registry, "sessions", "client", "miss")).isEqualTo(1);
    assertThat(gets(registry, "sessions", "server", "hit")).isZero();
    assertThat(gets(registry, "none", "server", "miss")).isEqualTo(1);

    // The owner's write on SERVER, and the copies the first read left in CLIENT and EDGE.
    assertThat(count(registry, "cache.puts", "users", "server")).isEqualTo(1);
    assertThat(count(registry, "cache.puts", "users", "client")).isEqualTo(1);
    assertThat(count(registry, "cache.puts", "users", "edge")).isEqualTo(1);
    assertThat(count(registry, "cache.puts", "sessions", "client")).isEqualTo(1);
    assertThat(count(registry, "cache.puts", "sessions", "server")).isZero();

    assertThat(size(registry, "users", "client")).isEqualTo(1);
    assertThat(size(registry, "users", "edge")).isEqualTo(1);
    assertThat(size(registry, "sessions", "client")).isEqualTo(1);
    assertThat(size(registry, "sessions", "edge")).isZero();
    assertThat(registry.find("cache.size").tag("layer", "server").meters())
        .as("no size gauge for a remote layer")
        .isEmpty();

    // Each call to a store is timed: Redis's reads and write, the in-process layers' reads.
    assertThat(latency(registry, "server", "set").count()).isEqualTo(1);
    assertThat(latency(registry, "server", "get").count()).isEqualTo(3); // user:1, user:2, other:1
    assertThat(latency(registry, "client", "get").count()).isGreaterThanOrEqualTo(5);
    assertThat(latency(registry, "client", "set").count()).isGreaterThanOrEqualTo(2);
    assertThat(latency(registry, "server", "get").totalTime(TimeUnit.NANOSECONDS)).isPositive();
  }

  @Test
  void aLayersLatencyTimers_deniedByAFilter_areNotRecorded_andTheOtherMetersStay() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    registry
        .config()
        .meterFilter(
            MeterFilter.deny(
                id ->
                    id.getName().equals("stateless.layer.latency")
                        && "client".equals(id.getTag("layer"))));
    SyncCache cache = node(registry).sync();
    cache.set("session:1", "s");
    assertThat(cache.get("session:1")).isEqualTo("s");
    cache.set("user:1", "ada");
    assertThat(cache.get("user:1")).isEqualTo("ada");

    assertThat(registry.find("stateless.layer.latency").tag("layer", "client").timers()).isEmpty();
    assertThat(latency(registry, "server", "get").count()).isEqualTo(1);
    assertThat(latency(registry, "edge", "set").count()).isEqualTo(1); // the copy of user:1
    assertThat(gets(registry, "sessions", "client", "hit")).isEqualTo(1);
    assertThat(count(registry, "cache.puts", "users", "client")).isEqualTo(1);
  }

  @Test
  void everyMeterName_hasOneSetOfTagKeys_andTheManifestName() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SyncCache cache = node(registry).sync();
    cache.set("user:1", "ada");
    cache.get("user:1");
    java.util.Map<String, Set<String>> keysByName = new java.util.HashMap<>();
    for (Meter m : registry.getMeters()) {
      Set<String> keys = new HashSet<>();
      m.getId().getTags().forEach(t -> keys.add(t.getKey()));
      assertThat(keys).as(m.getId().toString()).contains("name");
      Set<String> before = keysByName.putIfAbsent(m.getId().getName(), keys);
      if (before != null) {
        assertThat(keys).as(m.getId().getName()).isEqualTo(before);
      }
    }
    assertThat(keysByName)
        .containsKeys(
            "cache.gets",
            "cache.puts",
            "cache.evictions",
            "cache.size",
            "stateless.layer.latency",
            "stateless.invalidation.lag",
            "stateless.invalidations",
            "stateless.fill.races.avoided",
            "stateless.offline.conflicts",
            "stateless.offline.pending")
        .doesNotContainKey("stateless.cache.gets");
    assertThat(keysByName.get("cache.gets"))
        .containsExactlyInAnyOrder("name", "cache", "layer", "result");
  }

  @Test
  void aMaxSizeComponent_countsItsEvictions_andItsSize() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SyncCache cache = node(registry).sync();
    int written = 100;
    for (int i = 0; i < written; i++) {
      cache.set("recent:" + i, "x".repeat(100)); // about 150 bytes each, against 2KB
    }
    assertThat(count(registry, "cache.puts", "recent", "client")).isEqualTo(written);
    // Every entry written is either still held or was evicted for size.
    Await.until(
        "evictions + size == puts",
        EVENTUALLY,
        () ->
            count(registry, "cache.evictions", "recent", "client")
                    + size(registry, "recent", "client")
                == written);
    assertThat(count(registry, "cache.evictions", "recent", "client")).isGreaterThan(80);
    assertThat(size(registry, "recent", "client")).isPositive().isLessThan(20);
    assertThat(count(registry, "cache.evictions", "sessions", "client")).isZero();
  }

  @Test
  void anotherNodesWrite_recordsTheInvalidationLag() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SyncCache a = node(registry).sync();
    SyncCache b = node(null).sync();
    Timer lag =
        registry
            .get("stateless.invalidation.lag")
            .tag("name", "Shop")
            .tag("layer", "server")
            .timer();
    assertThat(lag.count()).isZero();
    b.set("user:1", "v1");
    // B's first write is an event for A too (A holds no copy yet: nothing to drop, still applied).
    Await.until("the lag of B's first write recorded on A", EVENTUALLY, () -> lag.count() == 1);
    assertThat(a.get("user:1")).isEqualTo("v1"); // a copy in A's client layer

    b.set("user:1", "v2");

    Await.until("the lag of B's second write recorded on A", EVENTUALLY, () -> lag.count() == 2);
    assertThat(lag.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(0);
    assertThat(lag.max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(0);
    assertThat(a.get("user:1")).isEqualTo("v2"); // the copy was dropped before the lag was taken
    assertThat(
            registry
                .get("stateless.invalidations")
                .tag("name", "Shop")
                .tag("event", "received")
                .functionCounter()
                .count())
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void status_followsRedisDownAndBackUp() {
    StatelessCache cache = node(null);
    CacheStatus up = cache.status();
    assertThat(up.healthy()).isTrue();
    assertThat(up.pendingWrites()).isZero();
    assertThat(up.layers())
        .extracting(CacheStatus.LayerStatus::layer)
        .containsExactly(CacheLayer.CLIENT, CacheLayer.EDGE, CacheLayer.SERVER);
    CacheStatus.LayerStatus client = up.layers().get(0);
    assertThat(client.store()).isEqualTo("in-process");
    assertThat(client.remote()).isFalse();
    assertThat(client.reachable()).isTrue();
    assertThat(client.invalidationsLive()).isTrue();
    CacheStatus.LayerStatus server = up.layers().get(2);
    assertThat(server.remote()).isTrue();
    assertThat(server.store()).startsWith("redis://").contains(String.valueOf(redis.port()));
    assertThat(server.reachable()).isTrue();
    assertThat(server.invalidationsLive()).isTrue();

    redis.stop();
    try {
      CacheStatus down =
          Await.value(
              cache::status, s -> !s.healthy() && !s.layers().get(2).reachable(), EVENTUALLY);
      assertThat(down.healthy()).as("healthy while Redis is stopped").isFalse();
      assertThat(down.layers().get(2).reachable()).isFalse();
      assertThat(down.layers().get(2).invalidationsLive()).isFalse();
      assertThat(down.layers().get(0).reachable()).isTrue();
      // A CLIENT_FIRST write waits in the queue while Redis is away.
      cache.sync().set("like:1", "yes");
      assertThat(cache.status().pendingWrites()).isEqualTo(1);
    } finally {
      redis.start();
    }

    CacheStatus back = Await.value(cache::status, CacheStatus::healthy, EVENTUALLY);
    assertThat(back.healthy()).as("healthy once Redis is back").isTrue();
    assertThat(back.layers().get(2).reachable()).isTrue();
    CacheStatus drained = Await.value(cache::status, s -> s.pendingWrites() == 0, EVENTUALLY);
    assertThat(drained.pendingWrites()).isZero();
    assertThat(redis.command("GET", "like:1")).isEqualTo("yes");
  }
}
