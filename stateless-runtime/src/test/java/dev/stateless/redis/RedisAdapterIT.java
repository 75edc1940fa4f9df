package dev.stateless.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stateless.StatelessCache;
import dev.stateless.annotation.Borrows;
import dev.stateless.annotation.CacheManifest;
import dev.stateless.annotation.Owns;
import dev.stateless.annotation.Strategy;
import dev.stateless.core.StatelessException;
import dev.stateless.testing.StoreContext;
import dev.stateless.testing.StoreKind;
import dev.stateless.testing.StoreMatrix;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The seeds' progressive-enhancement path: Redis calls first, then a manifest with rules. */
class RedisAdapterIT {
  @CacheManifest
  static final class Shop {
    @Owns("user:*")
    Object users;

    @Borrows("user:*")
    Object analytics;
  }

  private static StatelessCache cache(StoreContext store, Class<?> manifest) {
    return store.build(
        b -> {
          if (manifest != null) {
            b.manifest(manifest);
          }
        });
  }

  private static <T> T await(CompletableFuture<T> f) {
    return f.join();
  }

  @StoreMatrix
  void commands_behaveAsInRedis_withNoManifest(StoreContext store) {
    RedisAdapter r = new RedisAdapter(cache(store, null)).withStrategy(Strategy.REDIS_COMPATIBLE);
    assertThat(await(r.set("key", "value"))).isEqualTo("OK");
    assertThat(await(r.get("key"))).isEqualTo("value");
    assertThat(await(r.set("key", "other", "NX"))).isNull();
    assertThat(await(r.set("missing", "x", "XX"))).isNull();
    assertThat(await(r.set("key", "third", "xx", "EX", "100"))).isEqualTo("OK");
    assertThat(await(r.ttl("key"))).isBetween(1L, 100L);
    assertThat(await(r.pttl("key"))).isBetween(1L, 100_000L);
    assertThat(await(r.ttl("missing"))).isEqualTo(-2L);
    assertThat(await(r.set("p", "v", "PX", "5000"))).isEqualTo("OK");
    assertThat(await(r.pttl("p"))).isBetween(1L, 5000L);
    assertThat(await(r.set("forever", 1L))).isEqualTo("OK");
    assertThat(await(r.ttl("forever"))).isEqualTo(-1L);
    assertThat(await(r.expire("forever", 50))).isTrue();
    assertThat(await(r.ttl("forever"))).isBetween(1L, 50L);
    assertThat(await(r.exists("key", "missing", "forever"))).isEqualTo(2L);
    assertThat(await(r.mset(orderedMap("a", "1", "b", 2L)))).isEqualTo("OK");
    // REDIS_COMPATIBLE code sees values as Redis holds them: text, wherever they are.
    assertThat(await(r.mget("a", "b", "nope"))).containsExactly("1", "2", null);
    assertThat(await(r.incr("counter"))).isEqualTo(1L);
    assertThat(await(r.incrby("counter", 9))).isEqualTo(10L);
    assertThat(await(r.decr("counter"))).isEqualTo(9L);
    assertThat(await(r.incr("a"))).isEqualTo(2L);
    assertThat(await(r.get("a"))).isEqualTo("2");
    assertThat(await(r.del("a", "b", "nope"))).isEqualTo(2L);
    assertThat(await(r.keys("*"))).containsExactly("counter", "forever", "key", "p");
    assertThat(await(r.scan("k*"))).containsExactly("key");
  }

  @StoreMatrix(StoreKind.REDIS)
  void onRedis_stringsAreReadableWithRedisCli(StoreContext store) {
    RedisAdapter r = new RedisAdapter(cache(store, null));
    await(r.set("greeting", "hello"));
    assertThat(store.redis().command("GET", "greeting")).isEqualTo("hello");
  }

  @StoreMatrix
  void withAManifest_ownershipErrorsAreCoded(StoreContext store) {
    StatelessCache cache = cache(store, Shop.class);
    RedisAdapter strict = new RedisAdapter(cache);
    assertThatThrownBy(() -> await(strict.set("session:1", "x")))
        .hasCauseInstanceOf(StatelessException.class)
        .satisfies(e -> assertThat(((StatelessException) e.getCause()).code()).isEqualTo("SL003"));
    RedisAdapter migrating = new RedisAdapter(cache);
    migrating.withStrategy(Strategy.REDIS_COMPATIBLE); // the seed's statement form
    assertThat(await(migrating.set("session:1", "x"))).isEqualTo("OK");
    RedisAdapter analytics = new RedisAdapter(cache.component("analytics"));
    await(strict.set("user:1", "ada"));
    assertThat(await(analytics.get("user:1"))).isEqualTo("ada");
    assertThatThrownBy(() -> await(analytics.set("user:1", "x")))
        .satisfies(e -> assertThat(((StatelessException) e.getCause()).code()).isEqualTo("SL002"));
    assertThatThrownBy(() -> await(analytics.mset(orderedMap("user:2", "a", "user:3", "b"))))
        .satisfies(e -> assertThat(((StatelessException) e.getCause()).code()).isEqualTo("SL002"));
    assertThat(await(strict.exists("user:2", "user:3"))).isZero();
    assertThatThrownBy(() -> await(analytics.incr("user:counter")))
        .satisfies(e -> assertThat(((StatelessException) e.getCause()).code()).isEqualTo("SL002"));
  }

  @StoreMatrix(StoreKind.IN_PROCESS)
  void malformedSetOptions_areSL012(StoreContext store) {
    RedisAdapter r = new RedisAdapter(cache(store, null));
    for (String[] bad :
        new String[][] {
          {"EX"}, {"EX", "ten"}, {"EX", "0"}, {"NX", "XX"}, {"KEEP"}, {"EX", "1", "PX", "1"}
        }) {
      assertThatThrownBy(() -> await(r.set("k", "v", bad)))
          .as(String.join(" ", bad))
          .satisfies(
              e -> assertThat(((StatelessException) e.getCause()).code()).isEqualTo("SL012"));
    }
  }

  private static Map<String, Object> orderedMap(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @StoreMatrix
  void hashes_behaveAsInRedis(StoreContext store) {
    RedisAdapter r = new RedisAdapter(cache(store, null));
    assertThat(await(r.hget("h", "a"))).isNull();
    assertThat(await(r.hgetall("h"))).isEmpty();
    assertThat(await(r.hset("h", "a", "1"))).isEqualTo(1L);
    assertThat(await(r.hset("h", "a", "2"))).isEqualTo(0L);
    Map<String, String> more = new LinkedHashMap<>();
    more.put("b", "x");
    more.put("a", "3");
    assertThat(await(r.hset("h", more))).isEqualTo(1L);
    assertThat(await(r.hget("h", "a"))).isEqualTo("3");
    assertThat(await(r.hgetall("h"))).containsExactly(Map.entry("a", "3"), Map.entry("b", "x"));
    assertThat(await(r.hdel("h", "a", "nope"))).isEqualTo(1L);
    assertThat(await(r.hdel("h", "nope"))).isEqualTo(0L);
    assertThat(await(r.hdel("h", "b"))).isEqualTo(1L);
    assertThat(await(r.hdel("h", "b"))).isEqualTo(0L);
    assertThat(await(r.exists("h"))).as("the last field gone deletes the key").isEqualTo(0L);
    await(r.set("s", "text"));
    assertThatThrownBy(() -> await(r.hset("s", "f", "v")))
        .hasRootCauseInstanceOf(StatelessException.class)
        .hasMessageContaining("SL105")
        .hasMessageContaining("not a hash");
    assertThat(await(r.get("s"))).isEqualTo("text");
  }

  @StoreMatrix(StoreKind.REDIS)
  void hset_fromTwoNodesAndEightThreads_losesNoField(StoreContext store) throws Exception {
    List<RedisAdapter> nodes =
        List.of(new RedisAdapter(cache(store, null)), new RedisAdapter(cache(store, null)));
    List<CompletableFuture<Long>> writes = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      RedisAdapter node = nodes.get(t % 2);
      for (int f = 0; f < 50; f++) {
        writes.add(node.hset("shared", "t" + t + ":f" + f, Integer.toString(f)));
      }
    }
    CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0])).join();
    assertThat(await(nodes.get(0).hgetall("shared"))).hasSize(400);
    assertThat(writes.stream().mapToLong(CompletableFuture::join).sum()).isEqualTo(400L);
  }

  @StoreMatrix(StoreKind.REDIS)
  void hashes_respectTheManifest(StoreContext store) {
    RedisAdapter analytics = new RedisAdapter(cache(store, Shop.class).component("analytics"));
    assertThatThrownBy(() -> await(analytics.hset("user:1", "name", "Ada")))
        .hasMessageContaining("SL011");
  }

  @StoreMatrix(StoreKind.REDIS)
  void mset_isAtomic_andRefusesKeysInTwoStores(StoreContext store) {
    StatelessCache c = store.build(b -> b.manifest(Mixed.class));
    RedisAdapter r = new RedisAdapter(c);
    assertThat(await(r.mset(Map.of("user:1", "a", "user:2", "b")))).isEqualTo("OK");
    assertThat(await(r.mget("user:1", "user:2"))).containsExactly("a", "b");
    Map<String, Object> mixed = new LinkedHashMap<>();
    mixed.put("user:3", "server");
    mixed.put("pref:3", "client");
    assertThatThrownBy(() -> await(r.mset(mixed))).hasMessageContaining("SL105");
    assertThat(await(r.exists("user:3", "pref:3"))).isEqualTo(0L);
  }

  @CacheManifest
  static final class Mixed {
    @Owns("user:*")
    Object users;

    @dev.stateless.annotation.Layer(dev.stateless.annotation.CacheLayer.CLIENT)
    @Owns("pref:*")
    Object prefs;
  }
}
