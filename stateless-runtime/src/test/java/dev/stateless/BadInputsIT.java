package dev.stateless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Strategy;
import dev.stateless.core.StatelessException;
import dev.stateless.internal.redis.RedisStore;
import dev.stateless.redis.RedisAdapter;
import dev.stateless.testing.ChildJvm;
import dev.stateless.testing.StoreContext;
import dev.stateless.testing.StoreKind;
import dev.stateless.testing.StoreMatrix;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, the inputs a fault-injection run found: every bad input gets a clear answer at the API
 * boundary (a code, a message naming the input, a help line; or, for a null, a {@link
 * NullPointerException} naming the argument), and nothing is written. Over every store kind.
 */
class BadInputsIT {
  /** The key a lone surrogate became in Redis, overwritten in the issue. */
  private static final String OTHER = "user:?";

  /** Keys that are not well-formed UTF-16, and how messages print them. */
  private static final Map<String, String> BAD_KEYS =
      Map.of(
          "user:\ud800", "user:\\uD800", // a high surrogate alone
          "user:\udc00", "user:\\uDC00", // a low one alone
          "user:\udc00\ud800", "user:\\uDC00\\uD800", // a pair the wrong way round
          "user:\ud83d\ude00\ud83d", "user:\ud83d\ude00\\uD83D"); // a pair, then half of one

  private static StatelessCache cache(StoreContext store) {
    return store.build(b -> b.manifest(TestManifest.class));
  }

  /**
   * The coded failure of a call that throws it or returns a future that fails with it; asserts its
   * type, code and help line.
   */
  private static <E extends StatelessException> E coded(
      String what, ThrowingCallable call, Class<E> type, String code) {
    Throwable t = catchThrowable(call);
    if (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    assertThat(t).as(what).isInstanceOf(type);
    E e = type.cast(t);
    assertThat(e.code()).as(what).isEqualTo(code);
    assertThat(e.getMessage())
        .as(what)
        .startsWith("error[" + code + "]: ")
        .contains("\n  = help: ");
    assertThat(e.help()).as(what).isNotBlank();
    return e;
  }

  // ---- defect 3: text with no exact UTF-8 encoding ----

  /** Every entry point that takes a key, given {@code key}. */
  private static Map<String, ThrowingCallable> keyCalls(StatelessCache cache, String key) {
    SyncCache c = cache.sync();
    RedisAdapter redis = new RedisAdapter(cache);
    String video = key.replace("user:", "video:"); // a @Streaming owner's key
    String hot = key.replace("user:", "hot:"); // a CLIENT_FIRST owner's key
    Map<String, ThrowingCallable> calls = new LinkedHashMap<>();
    calls.put("get", () -> c.get(key));
    calls.put("get(key, type)", () -> c.get(key, String.class));
    calls.put("async get", () -> cache.get(key).join());
    calls.put("exists", () -> c.exists(key));
    calls.put("set", () -> c.set(key, "mine"));
    calls.put("set(ttl)", () -> c.set(key, "mine", SetOptions.ttl(Duration.ofMinutes(1))));
    calls.put("set(ifAbsent)", () -> c.set(key, "mine", SetOptions.none().ifAbsent()));
    calls.put("async set", () -> cache.set(key, "mine").join());
    calls.put("set CLIENT_FIRST", () -> c.set(hot, "mine"));
    calls.put("setWithStrategy", () -> c.setWithStrategy(key, "mine", Strategy.EDGE_OPTIMIZED));
    calls.put("del", () -> c.del(key));
    calls.put("del CLIENT_FIRST", () -> c.del(hot));
    calls.put("expire", () -> c.expire(key, Duration.ofMinutes(1)));
    calls.put("ttlMillis", () -> c.ttlMillis(key));
    calls.put("increment", () -> c.increment(key, 1));
    calls.put("atomicUpdate", () -> c.atomicUpdate(key, v -> "mine"));
    calls.put("atomicBatch set", () -> c.atomicBatch(tx -> tx.set(key, "mine")));
    calls.put("atomicBatch del", () -> c.atomicBatch(tx -> tx.del(key)));
    calls.put("setStream", () -> c.setStream(video, new ByteArrayInputStream(new byte[3])));
    calls.put("stream", () -> c.stream(video));
    calls.put("layer(SERVER).get", () -> c.layer(CacheLayer.SERVER).get(key));
    calls.put("layer(SERVER).set", () -> c.layer(CacheLayer.SERVER).set(key, "mine"));
    calls.put("component(users).set", () -> c.component("users").set(key, "mine"));
    calls.put(
        "requestScope().setScoped",
        () -> {
          try (RequestScope scope = cache.requestScope()) {
            scope.setScoped(key, "mine").join();
          }
        });
    calls.put(
        "session().set",
        () -> {
          try (StatelessCache session = cache.session()) {
            session.set(key, "mine").withCleanup(() -> {}).join();
          }
        });
    calls.put("RedisAdapter.get", () -> redis.get(key).join());
    calls.put("RedisAdapter.set", () -> redis.set(key, "mine").join());
    calls.put("RedisAdapter.set(EX)", () -> redis.set(key, "mine", "EX", "60").join());
    calls.put("RedisAdapter.mget", () -> redis.mget("user:1", key).join());
    calls.put("RedisAdapter.mset", () -> redis.mset(mapOf("user:1", "x", key, "mine")).join());
    calls.put("RedisAdapter.del", () -> redis.del(key).join());
    calls.put("RedisAdapter.del of two", () -> redis.del(OTHER, key).join()); // deletes none
    calls.put("RedisAdapter.exists", () -> redis.exists(key).join());
    calls.put("RedisAdapter.hset", () -> redis.hset(key, "f", "v").join());
    calls.put("RedisAdapter.hget", () -> redis.hget(key, "f").join());
    calls.put("RedisAdapter.hgetall", () -> redis.hgetall(key).join());
    calls.put("RedisAdapter.hdel", () -> redis.hdel(key, "f").join());
    calls.put("RedisAdapter.incr", () -> redis.incr(key).join());
    calls.put("RedisAdapter.decrby", () -> redis.decrby(key, 2).join());
    calls.put("RedisAdapter.expire", () -> redis.expire(key, 60).join());
    calls.put("RedisAdapter.pexpire", () -> redis.pexpire(key, 60_000).join());
    calls.put("RedisAdapter.ttl", () -> redis.ttl(key).join());
    calls.put("RedisAdapter.pttl", () -> redis.pttl(key).join());
    return calls;
  }

  private static Map<String, Object> mapOf(String k1, Object v1, String k2, Object v2) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }

  @StoreMatrix
  void keyWithAnUnpairedSurrogate_isRefusedWithSL012_byEveryEntryPoint_andOverwritesNothing(
      StoreContext store) {
    StatelessCache cache = cache(store);
    SyncCache c = cache.sync();
    c.set(OTHER, "other");
    for (Map.Entry<String, String> bad : BAD_KEYS.entrySet()) {
      for (Map.Entry<String, ThrowingCallable> call : keyCalls(cache, bad.getKey()).entrySet()) {
        String what = call.getKey() + " of " + bad.getValue();
        StatelessException e = coded(what, call.getValue(), StatelessException.class, "SL012");
        assertThat(e.getMessage())
            .as(what)
            .containsPattern("malformed key \"(user|hot|video):")
            .contains(bad.getValue().substring(5) + "\": unpaired surrogate \\u")
            .contains("which has no UTF-8 encoding");
        assertThat(e.getMessage().lines().findFirst().orElseThrow()).as(what).doesNotContain("?");
        assertThat(e.help()).as(what).contains("whole code points");
      }
    }
    assertThat(c.get(OTHER)).isEqualTo("other");
    assertThat(c.get("user:1")).isNull(); // the batch of mset wrote nothing
    assertThat(c.pendingWrites()).isZero();
    assertThat(c.scan("*")).containsExactly(OTHER);
    if (store.kind() == StoreKind.REDIS) {
      assertThat(store.redis().command("GET", OTHER)).isEqualTo("other");
      assertThat(store.redis().command("KEYS", "user:*")).isEqualTo(OTHER);
      assertThat(store.redis().command("KEYS", "hot:*")).isEmpty();
    }
    // A whole pair is a key like any other, and not "user:?" either.
    c.set("user:\ud83d\ude00", "emoji");
    assertThat(c.get("user:\ud83d\ude00")).isEqualTo("emoji");
    assertThat(c.get(OTHER)).isEqualTo("other");
  }

  @StoreMatrix
  void patternOrGlobWithAnUnpairedSurrogate_isRefusedWithSL012_andDropsNothing(StoreContext store) {
    StatelessCache cache = cache(store);
    SyncCache c = cache.sync();
    RedisAdapter redis = new RedisAdapter(cache);
    c.set(OTHER, "other");
    StatelessException p =
        coded(
            "invalidatePattern",
            () -> c.invalidatePattern("user:\ud800:*"),
            StatelessException.class,
            "SL012");
    assertThat(p.getMessage())
        .contains(
            "malformed key pattern \"user:\\uD800:*\": unpaired surrogate \\uD800 at index 5");
    coded(
        "async invalidatePattern",
        () -> cache.invalidatePattern("user:\udc00").join(),
        StatelessException.class,
        "SL012");
    Map<String, ThrowingCallable> globs = new LinkedHashMap<>();
    globs.put("scan", () -> c.scan("user:\ud800"));
    globs.put("RedisAdapter.scan", () -> redis.scan("user:\ud800").join());
    globs.put("RedisAdapter.keys", () -> redis.keys("user:\ud800*").join());
    for (Map.Entry<String, ThrowingCallable> g : globs.entrySet()) {
      StatelessException e = coded(g.getKey(), g.getValue(), StatelessException.class, "SL012");
      assertThat(e.getMessage()).as(g.getKey()).contains("malformed glob \"user:\\uD800");
    }
    assertThat(c.get(OTHER)).isEqualTo("other");
  }

  @StoreMatrix
  void stringValueWithAnUnpairedSurrogate_isRefusedWithSL105_namingTheKey_andWritesNothing(
      StoreContext store) {
    StatelessCache cache = cache(store);
    SyncCache c = cache.sync();
    RedisAdapter redis = new RedisAdapter(cache);
    String bad = "bad\ud800";
    Map<String, ThrowingCallable> calls = new LinkedHashMap<>();
    calls.put("set", () -> c.set("user:1", bad));
    calls.put("async set", () -> cache.set("user:1", bad).join());
    calls.put("set in-process primary", () -> c.set("local:1", bad));
    calls.put("set CLIENT_FIRST", () -> c.set("hot:1", bad));
    calls.put("setWithStrategy", () -> c.setWithStrategy("user:1", bad, Strategy.EDGE_OPTIMIZED));
    calls.put(
        "atomicBatch",
        () ->
            c.atomicBatch(
                tx -> {
                  tx.set("user:2", "fine");
                  tx.set("user:1", bad);
                }));
    calls.put("atomicUpdate", () -> c.atomicUpdate("user:1", v -> bad));
    calls.put("atomicUpdate in-process", () -> c.atomicUpdate("local:1", v -> bad));
    calls.put(
        "requestScope().setScoped",
        () -> {
          try (RequestScope scope = cache.requestScope()) {
            scope.setScoped("user:1", bad).join();
          }
        });
    calls.put("RedisAdapter.set", () -> redis.set("user:1", bad).join());
    calls.put("RedisAdapter.mset", () -> redis.mset(mapOf("user:2", "fine", "user:1", bad)).join());
    calls.put("RedisAdapter.hset value", () -> redis.hset("user:1", "f", bad).join());
    calls.put("RedisAdapter.hset field", () -> redis.hset("user:1", bad, "v").join());
    for (Map.Entry<String, ThrowingCallable> call : calls.entrySet()) {
      InvalidStateException e =
          coded(call.getKey(), call.getValue(), InvalidStateException.class, "SL105");
      assertThat(e.getMessage())
          .as(call.getKey())
          .containsPattern("cannot store the value of \"(user|local|hot):1\" exactly")
          .contains("unpaired surrogate \\uD800 at index 3, which UTF-8 cannot hold")
          .contains("nothing was written");
      assertThat(e.help()).as(call.getKey()).contains("whole code points");
    }
    for (String key : List.of("user:1", "user:2", "local:1", "hot:1")) {
      assertThat(c.get(key)).as(key).isNull();
    }
    assertThat(c.pendingWrites()).isZero();
    if (store.kind() == StoreKind.REDIS) {
      assertThat(store.redis().command("EXISTS", "user:1", "user:2", "hot:1")).isEqualTo("0");
    }
    // Well-formed text, pairs included, round-trips exactly.
    String fine = "ok \ud83d\ude00 ünï";
    c.set("user:3", fine);
    assertThat(c.get("user:3")).isEqualTo(fine);
    assertThat(redis.hset("user:4", fine, fine).join()).isEqualTo(1L);
    assertThat(redis.hget("user:4", fine).join()).isEqualTo(fine);
  }

  // ---- defect 6: TTLs ----

  @StoreMatrix
  void ttlBeyondALongOfNanoseconds_neverExpires_insteadOfOverflowing(StoreContext store) {
    StatelessCache cache = cache(store);
    SyncCache c = cache.sync();
    long hundredYears = TimeUnit.DAYS.toMillis(365L * 100);
    for (Duration huge :
        List.of(
            Duration.ofSeconds(Long.MAX_VALUE),
            Duration.ofSeconds(Long.MAX_VALUE, 999_999_999),
            Duration.ofDays(365L * 300))) {
      assertThat(c.set("user:1", "x", SetOptions.ttl(huge))).isTrue();
      assertThat(c.set("hot:1", "x", SetOptions.ttl(huge))).isTrue(); // queued CLIENT_FIRST
      c.atomicBatch(tx -> tx.set("user:2", "y", SetOptions.ttl(huge)));
      for (String key : List.of("plain:1", "product:1", "local:1")) { // each kind of region
        c.set(key, "z");
        assertThat(c.expire(key, huge)).as(key).isTrue();
      }
      c.flush();
      for (String key : List.of("user:1", "hot:1", "user:2", "plain:1", "product:1", "local:1")) {
        assertThat(c.get(key)).as("%s after %s", key, huge).isNotNull();
        long left = c.ttlMillis(key); // no expiry in-process; ~292 years in Redis
        assertThat(left == -1 || left > hundredYears).as("%s: %s ms", key, left).isTrue();
      }
    }
    RedisAdapter redis = new RedisAdapter(cache);
    assertThat(redis.expire("user:1", Long.MAX_VALUE).join()).isTrue();
    assertThat(redis.pexpire("user:2", Long.MAX_VALUE).join()).isTrue();
    assertThat(redis.get("user:1").join()).isEqualTo("x");
    assertThat(redis.get("user:2").join()).isEqualTo("y");
  }

  @StoreMatrix
  void ttlOfZeroOrLess_isRefusedWithSL012_namingTheArgument_andChangesNothing(StoreContext store) {
    StatelessCache cache = cache(store);
    SyncCache c = cache.sync();
    c.set("user:1", "x");
    for (Duration d : List.of(Duration.ZERO, Duration.ofSeconds(-1), Duration.ofNanos(-1))) {
      List<Map.Entry<String, ThrowingCallable>> calls =
          List.of(
              Map.entry("ttl of SetOptions.ttl(ttl)", () -> SetOptions.ttl(d)),
              Map.entry(
                  "ttl of SetOptions.withTtl(ttl)", () -> SetOptions.none().ifAbsent().withTtl(d)),
              Map.entry("ttl of expire(\"user:1\", ttl)", () -> c.expire("user:1", d)),
              Map.entry("ttl of expire(\"user:1\", ttl)", () -> cache.expire("user:1", d).join()),
              Map.entry(
                  "ttl of StatelessCache.Builder.negativeCaching",
                  () -> StatelessCache.builder().negativeCaching(d)));
      for (Map.Entry<String, ThrowingCallable> call : calls) {
        StatelessException e =
            coded(call.getKey(), call.getValue(), StatelessException.class, "SL012");
        assertThat(e.getMessage())
            .contains(
                "malformed TTL " + d + " (" + call.getKey() + "): a time to live must be positive");
        assertThat(e.help()).contains("del(key)");
      }
    }
    assertThat(c.get("user:1")).isEqualTo("x");
    assertThat(c.ttlMillis("user:1")).isEqualTo(-1L);
  }

  @StoreMatrix
  void incrementPastALong_isRefusedWithSL105_andLeavesTheValue(StoreContext store) {
    StatelessCache cache = cache(store);
    SyncCache c = cache.sync();
    RedisAdapter redis = new RedisAdapter(cache);
    c.set("plain:n", Long.MAX_VALUE);
    c.set("plain:digits", "9999999999999999999"); // 19 digits, past a long
    Map<String, ThrowingCallable> calls = new LinkedHashMap<>();
    calls.put("increment", () -> c.increment("plain:n", 1));
    calls.put("RedisAdapter.incr", () -> redis.incr("plain:n").join());
    calls.put(
        "RedisAdapter.decrby(MIN_VALUE)", () -> redis.decrby("plain:n", Long.MIN_VALUE).join());
    calls.put("increment of a text past a long", () -> c.increment("plain:digits", 1));
    for (Map.Entry<String, ThrowingCallable> call : calls.entrySet()) {
      InvalidStateException e =
          coded(call.getKey(), call.getValue(), InvalidStateException.class, "SL105");
      assertThat(e.getMessage()).as(call.getKey()).containsPattern("overflow|not an integer");
    }
    assertThat(c.get("plain:n", Long.class)).isEqualTo(Long.MAX_VALUE);
    assertThat(c.get("plain:digits")).isEqualTo("9999999999999999999");
  }

  // ---- defect 6: null arguments ----

  /** A call with a null argument, and the argument its exception must name. */
  private record NullCall(String what, String argument, ThrowingCallable call) {}

  private static List<NullCall> nullCalls(StatelessCache cache) {
    SyncCache c = cache.sync();
    RedisAdapter redis = new RedisAdapter(cache);
    StatelessCache.Builder b = StatelessCache.builder();
    String k = "user:1";
    List<NullCall> calls = new ArrayList<>();
    calls.add(new NullCall("get", "key", () -> cache.get(null)));
    calls.add(new NullCall("get(key, type)", "key", () -> cache.get(null, String.class)));
    calls.add(new NullCall("get(key, null)", "type", () -> cache.get(k, (Class<?>) null)));
    calls.add(
        new NullCall(
            "get(key, loader) key", "key", () -> cache.get(null, (Function<String, ?>) x -> x)));
    calls.add(
        new NullCall(
            "get(key, null loader)", "loader", () -> cache.get(k, (Function<String, ?>) null)));
    calls.add(new NullCall("get(key, loader, null)", "maxWait", () -> cache.get(k, x -> x, null)));
    calls.add(
        new NullCall("computeIfAbsent(key, null)", "loader", () -> cache.computeIfAbsent(k, null)));
    calls.add(new NullCall("set key", "key", () -> cache.set(null, "v")));
    calls.add(new NullCall("set value", "value", () -> cache.set(k, null)));
    calls.add(new NullCall("set options", "options", () -> cache.set(k, "v", null)));
    calls.add(
        new NullCall("set(options) key", "key", () -> cache.set(null, "v", SetOptions.none())));
    calls.add(
        new NullCall(
            "setWithStrategy key",
            "key",
            () -> cache.setWithStrategy(null, "v", Strategy.DEFAULT)));
    calls.add(
        new NullCall(
            "setWithStrategy value",
            "value",
            () -> cache.setWithStrategy(k, null, Strategy.DEFAULT)));
    calls.add(
        new NullCall(
            "setWithStrategy strategy", "strategy", () -> cache.setWithStrategy(k, "v", null)));
    calls.add(
        new NullCall("withCleanup", "cleanup", () -> cache.set("user:2", "v").withCleanup(null)));
    calls.add(new NullCall("atomicUpdate key", "key", () -> cache.atomicUpdate(null, v -> v)));
    calls.add(new NullCall("atomicUpdate fn", "fn", () -> cache.atomicUpdate(k, null)));
    calls.add(new NullCall("atomicBatch", "body", () -> cache.atomicBatch(null)));
    calls.add(new NullCall("tx.set key", "key", () -> c.atomicBatch(tx -> tx.set(null, "v"))));
    calls.add(new NullCall("tx.set value", "value", () -> c.atomicBatch(tx -> tx.set(k, null))));
    calls.add(
        new NullCall("tx.set options", "options", () -> c.atomicBatch(tx -> tx.set(k, "v", null))));
    calls.add(new NullCall("tx.del", "key", () -> c.atomicBatch(tx -> tx.del(null))));
    calls.add(new NullCall("del", "key", () -> cache.del(null)));
    calls.add(
        new NullCall(
            "setStream key",
            "key",
            () -> cache.setStream(null, new ByteArrayInputStream(new byte[1]))));
    calls.add(new NullCall("setStream data", "data", () -> cache.setStream("video:1", null)));
    calls.add(new NullCall("stream", "key", () -> cache.stream(null)));
    calls.add(new NullCall("exists", "key", () -> cache.exists(null)));
    calls.add(new NullCall("invalidatePattern", "pattern", () -> cache.invalidatePattern(null)));
    calls.add(new NullCall("expire key", "key", () -> cache.expire(null, Duration.ofSeconds(1))));
    calls.add(new NullCall("expire ttl", "ttl", () -> cache.expire(k, null)));
    calls.add(new NullCall("ttlMillis", "key", () -> cache.ttlMillis(null)));
    calls.add(new NullCall("increment", "key", () -> cache.increment(null, 1)));
    calls.add(new NullCall("scan", "glob", () -> cache.scan(null)));
    calls.add(new NullCall("layer", "layer", () -> cache.layer(null)));
    calls.add(new NullCall("component", "name", () -> cache.component(null)));
    calls.add(new NullCall("withStrategy", "strategy", () -> cache.withStrategy(null)));
    calls.add(new NullCall("policy().entryCount", "layer", () -> cache.policy().entryCount(null)));
    calls.add(new NullCall("sync get", "key", () -> c.get(null)));
    calls.add(new NullCall("sync get(key, type)", "key", () -> c.get(null, String.class)));
    calls.add(new NullCall("sync get(key, null)", "type", () -> c.get(k, (Class<?>) null)));
    calls.add(
        new NullCall(
            "sync get(key, null loader)", "loader", () -> c.get(k, (Function<String, ?>) null)));
    calls.add(new NullCall("sync get(key, loader, null)", "maxWait", () -> c.get(k, x -> x, null)));
    calls.add(new NullCall("sync set key", "key", () -> c.set(null, "v")));
    calls.add(new NullCall("sync set value", "value", () -> c.set(k, null)));
    calls.add(new NullCall("sync set options", "options", () -> c.set(k, "v", null)));
    calls.add(
        new NullCall("sync setWithStrategy", "strategy", () -> c.setWithStrategy(k, "v", null)));
    calls.add(new NullCall("sync del", "key", () -> c.del(null)));
    calls.add(new NullCall("sync exists", "key", () -> c.exists(null)));
    calls.add(new NullCall("sync setStream", "data", () -> c.setStream("video:1", null)));
    calls.add(new NullCall("sync stream", "key", () -> c.stream(null)));
    calls.add(new NullCall("sync invalidatePattern", "pattern", () -> c.invalidatePattern(null)));
    calls.add(new NullCall("sync expire", "ttl", () -> c.expire(k, null)));
    calls.add(new NullCall("sync ttlMillis", "key", () -> c.ttlMillis(null)));
    calls.add(new NullCall("sync increment", "key", () -> c.increment(null, 1)));
    calls.add(new NullCall("sync scan", "glob", () -> c.scan(null)));
    calls.add(new NullCall("sync atomicUpdate", "fn", () -> c.atomicUpdate(k, null)));
    calls.add(new NullCall("sync atomicBatch", "body", () -> c.atomicBatch(null)));
    calls.add(new NullCall("sync layer", "layer", () -> c.layer(null)));
    calls.add(new NullCall("sync component", "name", () -> c.component(null)));
    calls.add(new NullCall("sync withStrategy", "strategy", () -> c.withStrategy(null)));
    calls.add(
        new NullCall("setScoped key", "key", () -> scoped(cache, null, "v", SetOptions.none())));
    calls.add(
        new NullCall("setScoped value", "value", () -> scoped(cache, k, null, SetOptions.none())));
    calls.add(new NullCall("setScoped options", "options", () -> scoped(cache, k, "v", null)));
    calls.add(new NullCall("SetOptions.ttl", "ttl", () -> SetOptions.ttl(null)));
    calls.add(new NullCall("SetOptions.withTtl", "ttl", () -> SetOptions.none().withTtl(null)));
    calls.add(new NullCall("Stores.redis", "uri", () -> Stores.redis(null)));
    calls.add(new NullCall("Stores.inProcess", "maxSize", () -> Stores.inProcess(null)));
    calls.add(new NullCall("CacheStrategy.of", "strategy", () -> CacheStrategy.of(null)));
    calls.add(
        new NullCall(
            "CacheStrategy.orElse",
            "fallback",
            () -> CacheStrategy.of(Strategy.DEFAULT).orElse(null)));
    calls.add(new NullCall("ValueCodec.encode", "value", () -> ValueCodec.json().encode(null)));
    calls.add(
        new NullCall(
            "ValueCodec.decode", "bytes", () -> ValueCodec.json().decode(null, String.class)));
    calls.add(
        new NullCall(
            "ValueCodec.decode", "type", () -> ValueCodec.json().decode(new byte[0], null)));
    calls.add(new NullCall("OfflineConflict", "key", () -> new OfflineConflict(null, "a", "b")));
    calls.add(
        new NullCall("CapacityException", "diagnostic", () -> new CapacityException(null, null)));
    calls.add(
        new NullCall(
            "Builder.manifest(Class)", "manifestClass", () -> b.manifest((Class<?>) null)));
    calls.add(
        new NullCall(
            "Builder.manifest(Manifest)",
            "manifest",
            () -> b.manifest((dev.stateless.core.Manifest) null)));
    calls.add(new NullCall("Builder.client", "store", () -> b.client(null)));
    calls.add(new NullCall("Builder.edge", "store", () -> b.edge(null)));
    calls.add(new NullCall("Builder.server", "store", () -> b.server(null)));
    calls.add(new NullCall("Builder.codec", "codec", () -> b.codec(null)));
    calls.add(
        new NullCall("Builder.strategy(Strategy)", "strategy", () -> b.strategy((Strategy) null)));
    calls.add(
        new NullCall(
            "Builder.strategy(CacheStrategy)", "strategy", () -> b.strategy((CacheStrategy) null)));
    calls.add(new NullCall("Builder.clock", "clock", () -> b.clock(null)));
    calls.add(new NullCall("Builder.meterRegistry", "registry", () -> b.meterRegistry(null)));
    calls.add(new NullCall("Builder.negativeCaching", "ttl", () -> b.negativeCaching(null)));
    calls.add(new NullCall("Builder.offlineQueue", "file", () -> b.offlineQueue(null)));
    calls.add(new NullCall("Builder.onConflict", "handler", () -> b.onConflict(null)));
    calls.add(new NullCall("new RedisAdapter", "cache", () -> new RedisAdapter(null)));
    calls.add(
        new NullCall(
            "RedisAdapter.withStrategy",
            "strategy",
            () -> new RedisAdapter(cache).withStrategy(null)));
    calls.add(new NullCall("RedisAdapter.get", "key", () -> redis.get(null)));
    calls.add(new NullCall("RedisAdapter.set key", "key", () -> redis.set(null, "v")));
    calls.add(new NullCall("RedisAdapter.set value", "value", () -> redis.set(k, null)));
    calls.add(
        new NullCall(
            "RedisAdapter.set(String...)", "options", () -> redis.set(k, "v", (String[]) null)));
    calls.add(
        new NullCall("RedisAdapter.set(String...) key", "key", () -> redis.set(null, "v", "NX")));
    calls.add(
        new NullCall(
            "RedisAdapter.set(String...) option", "option", () -> redis.set(k, "v", "NX", null)));
    calls.add(
        new NullCall(
            "RedisAdapter.set(SetOptions)", "options", () -> redis.set(k, "v", (SetOptions) null)));
    calls.add(new NullCall("RedisAdapter.del", "keys", () -> redis.del((String[]) null)));
    calls.add(new NullCall("RedisAdapter.del element", "keys[1]", () -> redis.del(k, null)));
    calls.add(new NullCall("RedisAdapter.exists", "keys[0]", () -> redis.exists((String) null)));
    calls.add(new NullCall("RedisAdapter.mget", "keys[1]", () -> redis.mget(k, null)));
    calls.add(new NullCall("RedisAdapter.mset", "entries", () -> redis.mset(null)));
    Map<String, Object> nullValue = new HashMap<>();
    nullValue.put(k, null);
    calls.add(
        new NullCall(
            "RedisAdapter.mset value",
            "entries holds a null value for \"user:1\"",
            () -> redis.mset(nullValue)));
    calls.add(new NullCall("RedisAdapter.hset key", "key", () -> redis.hset(null, "f", "v")));
    calls.add(new NullCall("RedisAdapter.hset field", "field", () -> redis.hset(k, null, "v")));
    calls.add(new NullCall("RedisAdapter.hset value", "value", () -> redis.hset(k, "f", null)));
    calls.add(
        new NullCall(
            "RedisAdapter.hset fields", "fields", () -> redis.hset(k, (Map<String, String>) null)));
    Map<String, String> nullField = new HashMap<>();
    nullField.put("f", null);
    calls.add(
        new NullCall(
            "RedisAdapter.hset fields value",
            "fields holds a null value for \"f\"",
            () -> redis.hset(k, nullField)));
    calls.add(new NullCall("RedisAdapter.hget field", "field", () -> redis.hget(k, null)));
    calls.add(new NullCall("RedisAdapter.hget key", "key", () -> redis.hget(null, "f")));
    calls.add(new NullCall("RedisAdapter.hgetall", "key", () -> redis.hgetall(null)));
    calls.add(new NullCall("RedisAdapter.hdel", "fields", () -> redis.hdel(k, (String[]) null)));
    calls.add(
        new NullCall("RedisAdapter.hdel element", "fields[1]", () -> redis.hdel(k, "f", null)));
    calls.add(new NullCall("RedisAdapter.expire", "key", () -> redis.expire(null, 1)));
    calls.add(new NullCall("RedisAdapter.expire(0)", "key", () -> redis.expire(null, 0)));
    calls.add(new NullCall("RedisAdapter.pexpire", "key", () -> redis.pexpire(null, 1)));
    calls.add(new NullCall("RedisAdapter.ttl", "key", () -> redis.ttl(null)));
    calls.add(new NullCall("RedisAdapter.pttl", "key", () -> redis.pttl(null)));
    calls.add(new NullCall("RedisAdapter.incr", "key", () -> redis.incr(null)));
    calls.add(new NullCall("RedisAdapter.incrby", "key", () -> redis.incrby(null, 2)));
    calls.add(new NullCall("RedisAdapter.decr", "key", () -> redis.decr(null)));
    calls.add(new NullCall("RedisAdapter.decrby", "key", () -> redis.decrby(null, 2)));
    calls.add(new NullCall("RedisAdapter.scan", "glob", () -> redis.scan(null)));
    calls.add(new NullCall("RedisAdapter.keys", "glob", () -> redis.keys(null)));
    return calls;
  }

  private static void scoped(StatelessCache cache, String key, Object value, SetOptions options) {
    try (RequestScope scope = cache.requestScope()) {
      scope.setScoped(key, value, options);
    }
  }

  /** The first frame of ours a throwable was thrown from: the method that refused the input. */
  private static String thrownBy(Throwable t) {
    for (StackTraceElement f : t.getStackTrace()) {
      if (!f.getClassName().startsWith("java.")) {
        return f.getClassName() + "." + f.getMethodName();
      }
    }
    return "?";
  }

  @StoreMatrix
  void nullArguments_throwNullPointerException_namingTheArgument_atTheApiBoundary(
      StoreContext store) {
    StatelessCache cache = cache(store);
    cache.sync().set("user:1", "kept");
    for (NullCall call : nullCalls(cache)) {
      Throwable t = catchThrowable(call.call());
      assertThat(t).as(call.what()).isInstanceOf(NullPointerException.class);
      assertThat(t.getMessage()).as(call.what()).isEqualTo(call.argument());
      String at = thrownBy(t);
      // thrown by the API class itself (or by ValueCodec.json(), the API's codec)
      assertThat(at)
          .as(call.what())
          .matches("dev\\.stateless\\.(redis\\.)?[A-Z][\\w$]*\\.[\\w$<>]+|.*JsonCodec\\.\\w+");
    }
    // A multi-key call with one null key sent nothing: the key before it is still there.
    assertThat(cache.sync().get("user:1")).isEqualTo("kept");
  }

  // ---- defect 6: a malformed Redis URI ----

  @Test
  void redisUriWithAPortOutOfRange_isRefused_namingTheArgumentAndTheRange() {
    Map<String, String> bad =
        Map.of(
            "redis://127.0.0.1:99999", "Port out of range: 99999",
            "redis://127.0.0.1:0", "\"127.0.0.1:0\" is no host[:port]",
            "redis://127.0.0.1:-1", "\"127.0.0.1:-1\" is no host[:port]",
            "redis://127.0.0.1:6379?timeout=abc", "timeout \"abc\" is no duration",
            "redis://127.0.0.1:6379?timeout=0s", "timeout 0s is not between 1 ms and 1 day",
            "redis://127.0.0.1:6379?timeout=99999999d", "timeout 99999999d is not between");
    for (Map.Entry<String, String> uri : bad.entrySet()) {
      Throwable t = catchThrowable(() -> Stores.redis(uri.getKey()));
      assertThat(t)
          .as(uri.getKey())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(
              "malformed Redis URI \"" + uri.getKey() + "\" (argument uri of Stores.redis): ")
          .hasMessageContaining(uri.getValue())
          .hasMessageContaining("the port between 1 and 65535");
    }
    assertThat(catchThrowable(() -> Stores.redis("redis://user:s3cret@127.0.0.1:99999")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("redis://***@127.0.0.1:99999")
        .hasMessageNotContaining("s3cret");
  }

  // ---- defect 5: values (and keys) larger than Redis takes ----

  /** 512 MB and one byte: stored as is, one byte more than Redis takes. Made once. */
  private static byte[] limitSized;

  private static synchronized byte[] limitSized() {
    if (limitSized == null) {
      limitSized = new byte[(int) RedisStore.MAX_BULK_BYTES + 1];
    }
    return limitSized;
  }

  @AfterAll
  static void freeTheLargeValue() {
    limitSized = null;
  }

  @StoreMatrix(StoreKind.REDIS)
  void valueOverRedisLimit_isRefusedWithSL102_beforeItIsSent_byEveryWritePath(StoreContext store) {
    byte[] big = limitSized();
    StatelessCache cache = cache(store);
    SyncCache c = cache.sync();
    RedisAdapter redis = new RedisAdapter(cache);
    c.set("user:kept", "kept");
    Map<String, ThrowingCallable> calls = new LinkedHashMap<>();
    calls.put("set", () -> c.set("plain:big", big));
    calls.put("set(ttl)", () -> c.set("plain:big", big, SetOptions.ttl(Duration.ofMinutes(1))));
    calls.put("async set", () -> cache.set("plain:big", big).join());
    calls.put(
        "setWithStrategy", () -> c.setWithStrategy("plain:big", big, Strategy.EDGE_OPTIMIZED));
    calls.put("set CLIENT_FIRST (queued)", () -> c.set("hot:big", big));
    calls.put(
        "setWithStrategy CLIENT_FIRST",
        () -> c.setWithStrategy("plain:big", big, Strategy.CLIENT_FIRST));
    calls.put(
        "atomicBatch",
        () ->
            c.atomicBatch(
                tx -> {
                  tx.set("plain:small", "x");
                  tx.set("plain:big", big);
                }));
    calls.put("atomicUpdate", () -> c.atomicUpdate("plain:big", v -> big));
    calls.put(
        "requestScope().setScoped",
        () -> {
          try (RequestScope scope = cache.requestScope()) {
            scope.setScoped("plain:big", big).join();
          }
        });
    calls.put(
        "session().set",
        () -> {
          try (StatelessCache session = cache.session()) {
            session.set("plain:big", big).withCleanup(() -> {}).join();
          }
        });
    calls.put("RedisAdapter.set", () -> redis.set("plain:big", big).join());
    calls.put(
        "RedisAdapter.mset", () -> redis.mset(mapOf("plain:small", "x", "plain:big", big)).join());
    // Calls in flight on the connection meanwhile are not affected (Redis would have dropped it).
    List<CompletableFuture<Boolean>> inFlight = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      inFlight.add(cache.set("plain:f" + i, "v" + i));
    }
    for (Map.Entry<String, ThrowingCallable> call : calls.entrySet()) {
      long t0 = System.nanoTime();
      CapacityException e = coded(call.getKey(), call.getValue(), CapacityException.class, "SL102");
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(millis).as(call.getKey()).isLessThan(2000); // not after the timeout, as before
      assertThat(e.getMessage())
          .as(call.getKey())
          .containsPattern("value of 536870913 bytes \\(encoded\\) for key \"(plain|hot):big\"")
          .contains("exceeds the 536870912 bytes Redis takes in one value (proto-max-bulk-len)")
          .contains(store.redis().uri().replace("redis://", ""))
          .contains("nothing was written");
      assertThat(e.help()).as(call.getKey()).contains("@Streaming").contains("setStream");
    }
    for (CompletableFuture<Boolean> f : inFlight) {
      assertThat(f.join()).isTrue();
    }
    assertThat(store.redis().command("EXISTS", "plain:big", "hot:big", "plain:small"))
        .isEqualTo("0");
    assertThat(c.pendingWrites()).isZero();
    assertThat(c.layer(CacheLayer.CLIENT).get("hot:big")).isNull();
    assertThat(c.get("user:kept")).isEqualTo("kept");
    assertThat(c.get("plain:f49")).isEqualTo("v49");
  }

  @StoreMatrix(StoreKind.REDIS)
  void hashOverRedisLimit_isRefusedWithSL102(StoreContext store) {
    StatelessCache cache = cache(store);
    RedisAdapter redis = new RedisAdapter(cache);
    // One JSON object, {"f":"..."}: 8 bytes and the value, one byte over.
    String value = "v".repeat((int) (RedisStore.MAX_BULK_BYTES - 7));
    CapacityException e =
        coded(
            "hset",
            () -> redis.hset("user:h", "f", value).join(),
            CapacityException.class,
            "SL102");
    assertThat(e.getMessage()).contains("value of 536870913 bytes (encoded) for key \"user:h\"");
    assertThat(store.redis().command("EXISTS", "user:h")).isEqualTo("0");
  }

  @StoreMatrix(StoreKind.REDIS)
  void keyOverRedisLimit_isRefusedWithSL102_byItsUtf8Size(StoreContext store) {
    StatelessCache cache = cache(store);
    SyncCache c = cache.sync();
    // 178,956,969 chars of three UTF-8 bytes each: 358 MB as a String, one byte over in UTF-8.
    String tail = "€".repeat(178_956_969);
    String key = "plain:" + tail;
    String queued = "hot:" + tail + "€€"; // 4 + 3 × 178,956,971: 536,870,917 bytes
    Map<String, ThrowingCallable> calls = new LinkedHashMap<>();
    calls.put("set", () -> c.set(key, "x"));
    calls.put("get", () -> c.get(key));
    calls.put("del", () -> c.del(key));
    calls.put("ttlMillis", () -> c.ttlMillis(key));
    calls.put("set CLIENT_FIRST (queued)", () -> c.set(queued, "x"));
    calls.put("del CLIENT_FIRST (queued)", () -> c.del(queued));
    for (Map.Entry<String, ThrowingCallable> call : calls.entrySet()) {
      CapacityException e = coded(call.getKey(), call.getValue(), CapacityException.class, "SL102");
      assertThat(e.getMessage())
          .as(call.getKey())
          .containsPattern("key \"(plain|hot):€+…\" of 5368709(13|17) bytes \\(UTF-8\\)")
          .contains("exceeds the 536870912 bytes Redis takes in one key");
      assertThat(e.getMessage().length()).as(call.getKey()).isLessThan(1000);
      assertThat(e.help()).contains("shorter key");
    }
    assertThat(c.pendingWrites()).isZero();
    assertThat(c.set("plain:short", "fine")).isTrue();
  }

  // ---- defect 7: a large byte[] is copied once ----

  /**
   * A {@code byte[]} of 40% of a 256 MB heap: {@code set} may copy it once (store-by-value), not
   * three times as it did (a clone, then the encoding, which prepends a tag to a new array).
   */
  @StoreMatrix
  void set_ofAByteArrayOf40PercentOfTheHeap_fitsInTheHeap(StoreContext store) throws Exception {
    String where = store.kind() == StoreKind.REDIS ? store.redis().uri() : "in-process";
    ChildJvm.Result child =
        ChildJvm.run(List.of("-Xmx256m"), BigValueSet.class, List.of(where, "0.4"), 2);
    assertThat(child.exitCode()).as(child.output()).isZero();
    Matcher bytes = Pattern.compile("(?m)^bytes=(\\d+)$").matcher(child.output());
    assertThat(bytes.find()).as(child.output()).isTrue();
    long n = Long.parseLong(bytes.group(1));
    assertThat(n).isGreaterThan(100_000_000L);
    if (store.kind() == StoreKind.REDIS) {
      assertThat(store.redis().command("STRLEN", "plain:big")).isEqualTo(Long.toString(n));
    }
  }
}
