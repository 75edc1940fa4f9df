package dev.stateless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stateless.annotation.Backfill;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.CacheManifest;
import dev.stateless.annotation.Owns;
import dev.stateless.annotation.ValueType;
import dev.stateless.core.StatelessException;
import dev.stateless.testing.Await;
import dev.stateless.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fills that race invalidations, concurrent misses, and a Redis that is down: the cases behind the
 * stale-forever and stampede bugs of other caches.
 */
class FillRaceIT {
  @RegisterExtension static final RedisServerExtension redis = new RedisServerExtension();

  private final List<StatelessCache> open = new ArrayList<>();

  @BeforeEach
  void clean() {
    redis.flushAll();
  }

  @AfterEach
  void closeAll() {
    open.forEach(StatelessCache::close);
  }

  /** A name: a value that goes through the codec (strings never do). */
  record Name(String v) {}

  /** Keys whose values are {@link Name}s, so the codec decodes them. */
  @CacheManifest
  static final class GatedManifest {
    @Owns("user:*")
    @Backfill
    @ValueType(Name.class)
    Object users;

    @Owns("plain:*")
    @ValueType(Name.class)
    Object plain;
  }

  /** A codec whose decoding of one marked value waits until the test lets it go. */
  static final class GatedCodec implements ValueCodec {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger decodes = new AtomicInteger();
    volatile String gated;

    @Override
    public byte[] encode(Object value) {
      return ValueCodec.json().encode(value);
    }

    @Override
    public Object decode(byte[] bytes, java.lang.reflect.Type type) {
      Object v = ValueCodec.json().decode(bytes, type);
      decodes.incrementAndGet();
      if (v.equals(new Name(gated))) {
        entered.countDown();
        try {
          assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return v;
    }
  }

  private StatelessCache node(ValueCodec codec, SimpleMeterRegistry registry) {
    return node(TestManifest.class, codec, registry);
  }

  private StatelessCache node(Class<?> manifest, ValueCodec codec, SimpleMeterRegistry registry) {
    StatelessCache.Builder b =
        StatelessCache.builder().manifest(manifest).server(Stores.redis(redis.uri())).codec(codec);
    if (registry != null) {
      b.meterRegistry(registry);
    }
    StatelessCache c = b.build();
    open.add(c);
    return c;
  }

  @Test
  void fillRacingAnInvalidation_neverInstallsTheOlderValue() throws Exception {
    GatedCodec codec = new GatedCodec();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    StatelessCache cache = node(GatedManifest.class, codec, registry);
    cache.sync().set("user:1", new Name("old"));
    codec.gated = "old";
    // The read loads "old" from Redis and stops before installing its client copy...
    CompletableFuture<Object> read =
        CompletableFuture.supplyAsync(() -> cache.sync().get("user:1"));
    assertThat(codec.entered.await(10, TimeUnit.SECONDS)).isTrue();
    // ...while the owner writes "new" and drops the copies.
    cache.sync().set("user:1", new Name("new"));
    codec.release.countDown();
    assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(new Name("old")); // began before
    assertThat(cache.sync().layer(CacheLayer.CLIENT).get("user:1")).isNull();
    assertThat(cache.sync().get("user:1")).isEqualTo(new Name("new"));
    assertThat(cache.sync().layer(CacheLayer.CLIENT).get("user:1")).isEqualTo(new Name("new"));
    assertThat(registry.get("stateless.fill.races.avoided").functionCounter().count())
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void concurrentMisses_makeOneLoad() throws Exception {
    GatedCodec codec = new GatedCodec();
    StatelessCache cache = node(GatedManifest.class, codec, null);
    cache.sync().set("plain:1", new Name("shared"));
    codec.gated = "shared";
    String before = redis.command("INFO", "commandstats");
    List<CompletableFuture<Object>> reads = new ArrayList<>();
    reads.add(CompletableFuture.supplyAsync(() -> cache.sync().get("plain:1")));
    assertThat(codec.entered.await(10, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 20; i++) {
      reads.add(cache.get("plain:1"));
    }
    codec.release.countDown();
    for (CompletableFuture<Object> r : reads) {
      assertThat(r.get(10, TimeUnit.SECONDS)).isEqualTo(new Name("shared"));
    }
    assertThat(gets(redis.command("INFO", "commandstats")) - gets(before)).isEqualTo(1);
    assertThat(codec.decodes.get()).isEqualTo(1);
  }

  private static long gets(String commandstats) {
    for (String line : commandstats.split("\n")) {
      if (line.startsWith("cmdstat_get:")) {
        String calls = line.substring(line.indexOf("calls=") + 6);
        return Long.parseLong(calls.substring(0, calls.indexOf(',')));
      }
    }
    return 0;
  }

  @Test
  void manyNodesAndThreads_agreeWithRedis_onceWritesStop() throws Exception {
    long seed = Long.getLong("stateless.seed", System.nanoTime());
    Random random = new Random(seed);
    List<SyncCache> nodes =
        List.of(
            node(ValueCodec.json(), null).sync(),
            node(ValueCodec.json(), null).sync(),
            node(ValueCodec.json(), null).sync());
    int keys = 8;
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int t = 0; t < 6; t++) {
      SyncCache node = nodes.get(t % nodes.size());
      long threadSeed = random.nextLong();
      Thread thread =
          new Thread(
              () -> {
                Random r = new Random(threadSeed);
                try {
                  for (int i = 0; i < 400; i++) {
                    String key = "user:" + r.nextInt(keys);
                    if (r.nextInt(3) == 0) {
                      node.set(key, "v" + r.nextInt(1000));
                    } else {
                      node.get(key);
                    }
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              });
      threads.add(thread);
      thread.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(failures).as("seed %s", seed).isEmpty();
    for (int k = 0; k < keys; k++) {
      String key = "user:" + k;
      String truth = redis.command("GET", key);
      Object expected = truth;
      for (SyncCache node : nodes) {
        // The last invalidation events may still be on their way.
        Object seen =
            Await.value(
                () -> node.get(key),
                v -> java.util.Objects.equals(v, expected),
                java.time.Duration.ofSeconds(10));
        assertThat(seen).as("%s on a node, seed %s", key, seed).isEqualTo(expected);
      }
    }
  }

  @Test
  void clientFirstWrite_refusedByTheOwner_staysQueuedAndIsAppliedOnceAccepted() {
    // CLIENT_FIRST writes of Redis-owned keys go through the offline queue: a refusal (OOM) is
    // retried, never dropped, and the node serves its own write meanwhile.
    StatelessCache cache = node(ValueCodec.json(), null);
    SyncCache s = cache.sync();
    s.set("hot:1", "v1");
    s.flush();
    redis.command("CONFIG", "SET", "maxmemory", "1");
    try {
      assertThat(s.set("hot:1", "v2")).isTrue();
      assertThat(s.get("hot:1")).isEqualTo("v2");
      assertThat(redis.command("GET", "hot:1")).isEqualTo("v1");
    } finally {
      redis.command("CONFIG", "SET", "maxmemory", "0");
    }
    s.flush();
    assertThat(redis.command("GET", "hot:1")).isEqualTo("v2");
    assertThat(s.get("hot:1")).isEqualTo("v2");
  }

  @Test
  void redisDownAtBuild_isACodedNetworkError() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String uri = "redis://127.0.0.1:" + port + "?timeout=1s";
    assertThatThrownBy(() -> StatelessCache.builder().server(Stores.redis(uri)).build())
        .isInstanceOf(CacheNetworkException.class)
        .satisfies(e -> assertThat(((StatelessException) e).code()).isEqualTo("SL100"))
        .hasMessageContaining("127.0.0.1:" + port)
        .hasMessageContaining("help:");
  }

  @Test
  void malformedRedisUri_isRefused() {
    assertThatThrownBy(() -> Stores.redis("http://nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http://nope");
  }
}
