package dev.stateless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stateless.annotation.Backfill;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.CacheManifest;
import dev.stateless.annotation.Layer;
import dev.stateless.annotation.MaxSize;
import dev.stateless.annotation.Owns;
import dev.stateless.annotation.Prefetch;
import dev.stateless.annotation.Streaming;
import dev.stateless.internal.Entry;
import dev.stateless.internal.WarmUp;
import dev.stateless.testing.Await;
import dev.stateless.testing.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code @Prefetch} warm-up: a node that starts next to a filled Redis copies the prefetched keys
 * into its client layer before {@code build()} returns, so its first reads send no data command to
 * Redis.
 */
class WarmStartIT {
  @RegisterExtension static final RedisServerExtension redis = new RedisServerExtension();

  private static final Duration EVENTUALLY = Duration.ofSeconds(10);

  /** More keys than one warm-up page, so the warm-up takes several steps. */
  private static final int POPULAR = 1_234;

  @CacheManifest
  static final class WarmManifest {
    @Prefetch("popular:*")
    @Backfill
    @Owns("popular:*")
    Object dataCache;

    @Owns("other:*")
    Object others;

    @Prefetch("timed:*")
    @Backfill
    @Owns("timed:*")
    Object timed;

    @Prefetch("empty:*")
    @Backfill
    @Owns("empty:*")
    Object empty;

    @Prefetch("small:*")
    @Backfill
    @Owns("small:*")
    @MaxSize("1KB")
    Object small;

    private WarmManifest() {}
  }

  /** Edge data without @Backfill: borrowers read it from the edge, never from a client copy. */
  @CacheManifest(layers = {CacheLayer.CLIENT, CacheLayer.EDGE})
  static final class EdgeManifest {
    @Layer(CacheLayer.EDGE)
    @Prefetch("edgy:*")
    @Owns("edgy:*")
    Object edgeOnly;

    private EdgeManifest() {}
  }

  /** A prefetched @Streaming owner that allows copies. */
  @CacheManifest
  static final class CopyRulesManifest {
    @Streaming(chunkSize = "1KB")
    @Prefetch("reel:*")
    @Backfill
    @Owns("reel:*")
    Object reels;

    private CopyRulesManifest() {}
  }

  private final List<StatelessCache> open = new ArrayList<>();

  @BeforeEach
  void clean() {
    redis.flushAll();
  }

  @AfterEach
  void closeAll() {
    open.forEach(StatelessCache::close);
  }

  private SyncCache node(Consumer<StatelessCache.Builder> options) {
    StatelessCache.Builder b =
        StatelessCache.builder()
            .manifest(WarmManifest.class)
            .server(Stores.redis(redis.uri() + "?timeout=2s"));
    options.accept(b);
    StatelessCache c = b.build();
    open.add(c);
    return c.sync();
  }

  private SyncCache node() {
    return node(b -> {});
  }

  private static void writeAll(SyncCache node, String prefix, int from, int to) {
    List<CompletableFuture<Boolean>> writes = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      writes.add(node.async().set(prefix + i, "v" + i));
    }
    CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0])).join();
  }

  private static void eventually(String what, BooleanSupplier condition) {
    Await.until(what, EVENTUALLY, condition);
  }

  @Test
  void firstReadAfterWarmUp_isServedByTheClientLayer_withNoRedisDataCommand() {
    SyncCache a = node();
    writeAll(a, "popular:", 1, POPULAR);
    writeAll(a, "other:", 1, 20);
    redis.command("SET", "popular:raw", "written by another client"); // text: prefetched too
    redis.command("HSET", "popular:hash", "f", "v"); // no string: skipped

    SyncCache b = node();
    assertThat(b.async().policy().entryCount(CacheLayer.CLIENT)).isEqualTo(POPULAR + 1);

    Map<String, Long> before = CommandStats.dataCalls(redis);
    assertThat(b.get("popular:7")).isEqualTo("v7");
    assertThat(b.get("popular:" + POPULAR)).isEqualTo("v" + POPULAR);
    assertThat(b.get("popular:raw")).isEqualTo("written by another client");
    assertThat(CommandStats.dataCalls(redis)).isEqualTo(before);

    // The same check sees a read of a key that was not prefetched.
    assertThat(b.get("other:3")).isEqualTo("v3");
    assertThat(CommandStats.dataCalls(redis)).isNotEqualTo(before);
  }

  @Test
  void warmUp_readsInPages_ofBoundedSize() {
    SyncCache a = node();
    writeAll(a, "popular:", 1, POPULAR);
    long scansBefore = CommandStats.dataCalls(redis).getOrDefault("scan", 0L);
    node();
    long scans = CommandStats.dataCalls(redis).getOrDefault("scan", 0L) - scansBefore;
    // SCAN COUNT 500 over more than 1,234 keys needs at least three steps.
    assertThat(scans)
        .isGreaterThanOrEqualTo((POPULAR + WarmUp.PREFETCH_PAGE - 1) / WarmUp.PREFETCH_PAGE);
  }

  @Test
  void writeOnAnotherNodeAfterWarmUp_dropsThePrefetchedCopy() {
    SyncCache a = node();
    writeAll(a, "popular:", 1, 10);
    SyncCache b = node();
    assertThat(b.layer(CacheLayer.CLIENT).get("popular:7")).isEqualTo("v7");
    a.set("popular:7", "changed");
    eventually(
        "B's prefetched copy dropped", () -> b.layer(CacheLayer.CLIENT).get("popular:7") == null);
    assertThat(b.get("popular:7")).isEqualTo("changed");
    assertThat(b.layer(CacheLayer.CLIENT).get("popular:8")).isEqualTo("v8");
  }

  @Test
  void prefetchedCopy_neverOutlivesTheOwnersTtl() {
    SyncCache a = node();
    a.set("timed:1", "expires", SetOptions.ttl(Duration.ofSeconds(60)));
    a.set("timed:2", "stays");
    ManualClock clock = new ManualClock();
    SyncCache b = node(builder -> builder.clock(clock));
    assertThat(b.layer(CacheLayer.CLIENT).get("timed:1")).isEqualTo("expires");

    // Found in the client layer: prefetched there (its @Backfill allows copies).
    long before = CommandStats.total(redis);
    assertThat(b.get("timed:2")).isEqualTo("stays");
    assertThat(CommandStats.total(redis)).isEqualTo(before);

    clock.advance(Duration.ofSeconds(61)); // B's clock only: Redis still holds timed:1
    assertThat(b.layer(CacheLayer.CLIENT).get("timed:1")).isNull();
    assertThat(b.layer(CacheLayer.CLIENT).get("timed:2")).isEqualTo("stays");
    clock.advance(Duration.ofDays(1000));
    assertThat(b.layer(CacheLayer.CLIENT).get("timed:2")).isEqualTo("stays");
  }

  /**
   * {@code @Layer(EDGE)} data without {@code @Backfill} may not be copied into the client: the
   * warm-up leaves the client empty, and reads still work (from the edge).
   */
  @Test
  void edgeDataWithoutBackfill_isNotPrefetchedIntoTheClient() {
    StatelessCache a =
        StatelessCache.builder()
            .manifest(EdgeManifest.class)
            .edge(Stores.redis(redis.uri() + "?timeout=2s"))
            .build();
    open.add(a);
    writeAll(a.sync(), "edgy:", 1, 10);
    StatelessCache c =
        StatelessCache.builder()
            .manifest(EdgeManifest.class)
            .edge(Stores.redis(redis.uri() + "?timeout=2s"))
            .build();
    open.add(c);
    assertThat(c.sync().async().policy().entryCount(CacheLayer.CLIENT)).isZero();
    assertThat(c.sync().get("edgy:3")).isEqualTo("v3");
  }

  /**
   * A streamed value's pointer is never prefetched as a copy, though an untyped component reads any
   * bytes (as text or a byte[]) and its owner allows copies.
   */
  @Test
  void streamedValues_areNotPrefetched() throws Exception {
    StatelessCache a =
        StatelessCache.builder()
            .manifest(CopyRulesManifest.class)
            .server(Stores.redis(redis.uri() + "?timeout=2s"))
            .build();
    open.add(a);
    byte[] value = new byte[3000];
    new java.util.Random(1).nextBytes(value);
    a.sync().setStream("reel:1", new java.io.ByteArrayInputStream(value));
    StatelessCache c =
        StatelessCache.builder()
            .manifest(CopyRulesManifest.class)
            .server(Stores.redis(redis.uri() + "?timeout=2s"))
            .build();
    open.add(c);
    assertThat(c.sync().async().policy().entryCount(CacheLayer.CLIENT)).isZero();
    try (java.io.InputStream in = c.sync().stream("reel:1")) {
      assertThat(in.readAllBytes()).isEqualTo(value);
    }
  }

  @Test
  void patternMatchingNothing_buildsAndReadsAbsent() {
    SyncCache a = node();
    writeAll(a, "other:", 1, 5);
    SyncCache b = node();
    assertThat(b.async().policy().entryCount(CacheLayer.CLIENT)).isZero();
    assertThat(b.get("empty:1")).isNull();
  }

  @Test
  void boundedRegion_isFilledUpToItsMaxSize_andNoFurther() {
    SyncCache a = node();
    writeAll(a, "small:", 10, 99); // 90 keys of one weight, far more than 1KB
    SyncCache b = node();
    int weight =
        Entry.weigh("small:10", "v10".getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    assertThat(b.async().policy().entryCount(CacheLayer.CLIENT)).isEqualTo(1024 / weight);
  }

  @Test
  void redisRefusingTheWarmUp_failsBuildWithItsCode_andClosesTheStores() {
    SyncCache a = node();
    writeAll(a, "popular:", 1, 10);
    long clients = connectedClients();
    redis.command("ACL", "SETUSER", "default", "-scan"); // connecting works, the warm-up does not
    try {
      assertThatThrownBy(this::node)
          .isInstanceOf(InvalidStateException.class)
          .hasMessageContaining("SL105")
          .hasMessageContaining("NOPERM");
    } finally {
      redis.command("ACL", "SETUSER", "default", "+@all");
    }
    eventually("the failed node's connections closed", () -> connectedClients() == clients);
  }

  private static long connectedClients() {
    for (String line : redis.command("INFO", "clients").split("\r?\n")) {
      if (line.startsWith("connected_clients:")) {
        return Long.parseLong(line.substring("connected_clients:".length()).trim());
      }
    }
    throw new AssertionError("no connected_clients in INFO clients");
  }

  @Test
  void inProcessManifestWithPrefetch_buildsAndWorks() {
    try (StatelessCache c = StatelessCache.builder().manifest(WarmManifest.class).build()) {
      c.sync().set("popular:1", "p");
      assertThat(c.sync().get("popular:1")).isEqualTo("p");
      assertThat(c.sync().get("popular:2")).isNull();
    }
  }
}
