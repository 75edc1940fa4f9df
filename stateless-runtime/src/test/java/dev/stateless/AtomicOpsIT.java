package dev.stateless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.core.StatelessException;
import dev.stateless.internal.AtomicUpdates;
import dev.stateless.internal.redis.RedisKeys;
import dev.stateless.testing.Await;
import dev.stateless.testing.RedisServerExtension;
import dev.stateless.testing.StoreContext;
import dev.stateless.testing.StoreKind;
import dev.stateless.testing.StoreMatrix;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** {@code atomicUpdate} and {@code atomicBatch}, in-process and against a real redis-server. */
class AtomicOpsIT {
  private StatelessCache cache(StoreContext store) {
    return cache(store, b -> {});
  }

  private StatelessCache cache(StoreContext store, Consumer<StatelessCache.Builder> config) {
    return store.build(b -> config.accept(b.manifest(TestManifest.class)));
  }

  // ---- atomicUpdate ----

  @StoreMatrix
  void atomicUpdate_seesNullWhenAbsent_returnsAndStoresTheNewValue(StoreContext store) {
    SyncCache c = cache(store).sync();
    List<Object> seen = new ArrayList<>();
    Long first =
        c.<Long>atomicUpdate(
            "count:n",
            n -> {
              seen.add(n == null ? "null" : n);
              return n == null ? 1L : n + 1;
            });
    Long second = c.<Long>atomicUpdate("count:n", n -> n + 41);
    assertThat(seen).containsExactly("null");
    assertThat(first).isEqualTo(1L);
    assertThat(second).isEqualTo(42L);
    assertThat(c.get("count:n")).isEqualTo(42L);
  }

  @StoreMatrix
  void atomicUpdate_returningNull_deletesTheKey(StoreContext store) {
    SyncCache c = cache(store).sync();
    c.set("plain:gone", "x");
    assertThat(c.<String>atomicUpdate("plain:gone", v -> null)).isNull();
    assertThat(c.exists("plain:gone")).isFalse();
  }

  @StoreMatrix
  void atomicUpdate_keepsTheKeysTtl_andGivesANewKeyItsOwnersTtl(StoreContext store) {
    SyncCache c = cache(store).sync();
    c.set("plain:t", "a", SetOptions.ttl(Duration.ofSeconds(30)));
    c.<String>atomicUpdate("plain:t", v -> v + "b");
    assertThat(c.get("plain:t")).isEqualTo("ab");
    assertThat(c.ttlMillis("plain:t")).isBetween(20_000L, 30_000L);
    c.<String>atomicUpdate("ttl:new", v -> "x");
    assertThat(c.ttlMillis("ttl:new")).isBetween(1L, 10_000L);
    c.set("plain:forever", "a");
    c.<String>atomicUpdate("plain:forever", v -> v + "b");
    assertThat(c.ttlMillis("plain:forever")).isEqualTo(-1L);
  }

  @StoreMatrix
  void atomicUpdateWithOptions_givesTheNewValueTheirTtl_orTheOwnersInsteadOfTheKeys(
      StoreContext store) {
    SyncCache c = cache(store).sync();
    c.set("plain:t", "a", SetOptions.ttl(Duration.ofSeconds(30)));
    c.<String>atomicUpdate("plain:t", v -> v + "b", SetOptions.ttl(Duration.ofSeconds(300)));
    assertThat(c.get("plain:t")).isEqualTo("ab");
    assertThat(c.ttlMillis("plain:t")).isBetween(200_000L, 300_000L);
    c.<String>atomicUpdate("plain:t", v -> v + "c", SetOptions.none()); // plain:* has no @Ttl
    assertThat(c.get("plain:t")).isEqualTo("abc");
    assertThat(c.ttlMillis("plain:t")).isEqualTo(-1L);
    c.set("ttl:old", "a", SetOptions.ttl(Duration.ofSeconds(300)));
    c.<String>atomicUpdate("ttl:old", v -> v + "b", SetOptions.none()); // ttl:* has a 10 s @Ttl
    assertThat(c.ttlMillis("ttl:old")).isBetween(1L, 10_000L);
  }

  @StoreMatrix
  void atomicUpdate_returningTheValueItWasGiven_changesNeitherTheValueNorTheTtl(
      StoreContext store) {
    SyncCache c = cache(store).sync();
    c.set("plain:same", "a", SetOptions.ttl(Duration.ofSeconds(30)));
    assertThat(c.<String>atomicUpdate("plain:same", v -> v, SetOptions.none())).isEqualTo("a");
    assertThat(c.ttlMillis("plain:same")).isBetween(20_000L, 30_000L);
    assertThat(c.<String>atomicUpdate("plain:none", v -> v, SetOptions.none())).isNull();
    assertThat(c.exists("plain:none")).isFalse();
  }

  /**
   * A mutable value is handed to the function as a copy: changed in place and returned, it is a
   * change, written like any other (only the very stored object, an immutable one, is "unchanged").
   */
  @StoreMatrix
  void atomicUpdate_changingItsCopyInPlaceAndReturningIt_writesTheChange(StoreContext store) {
    SyncCache c = cache(store).sync();
    // not UTF-8, so bytes on every store (UTF-8 bytes read back from Redis as text)
    c.set("plain:bytes", new byte[] {(byte) 0xff, 2, 3});
    byte[] after =
        c.<byte[]>atomicUpdate(
            "plain:bytes",
            b -> {
              b[1] = 9;
              return b;
            });
    assertThat(after).containsExactly(0xff, 9, 3);
    assertThat((byte[]) c.get("plain:bytes")).containsExactly(0xff, 9, 3);
  }

  /**
   * An update that returns the value it was given writes nothing to Redis: no SET, no event (no
   * node drops its copies), no new version; one that changes it writes.
   */
  @StoreMatrix(StoreKind.REDIS)
  void atomicUpdate_unchanged_writesNothingToRedis(StoreContext store) {
    RedisServerExtension redis = store.redis();
    SyncCache c = cache(store).sync();
    c.set("plain:kept", "a");
    redis.command("CONFIG", "RESETSTAT");
    assertThat(c.<String>atomicUpdate("plain:kept", v -> v)).isEqualTo("a");
    assertThat(redis.command("INFO", "commandstats"))
        .doesNotContain("cmdstat_set:")
        .doesNotContain("cmdstat_xadd:");
    assertThat(c.<String>atomicUpdate("plain:kept", v -> v + "b")).isEqualTo("ab");
    assertThat(redis.command("INFO", "commandstats")).contains("cmdstat_set:");
  }

  @StoreMatrix
  void atomicUpdateWithACondition_isRefused(StoreContext store) {
    SyncCache c = cache(store).sync();
    assertThatThrownBy(
            () -> c.<String>atomicUpdate("plain:c", v -> "x", SetOptions.none().ifAbsent()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @StoreMatrix
  void atomicUpdate_dropsCopiesAndDependents(StoreContext store) {
    SyncCache c = cache(store).sync();
    c.set("user:1", "old");
    assertThat(c.get("user:1")).isEqualTo("old"); // backfilled into CLIENT
    c.set("profile:1", "p");
    c.<String>atomicUpdate("user:1", v -> v + "+new");
    assertThat(c.layer(CacheLayer.CLIENT).get("user:1")).isNull();
    assertThat(c.get("user:1")).isEqualTo("old+new");
    assertThat(c.get("profile:1")).as("users @Invalidates profile:*").isNull();
  }

  @StoreMatrix
  void atomicUpdate_byABorrower_isSL011_andChangesNothing(StoreContext store) {
    StatelessCache c = cache(store);
    c.sync().set("user:1", "v");
    CompletableFuture<Object> f = c.component("analytics").atomicUpdate("user:1", v -> "hacked");
    assertThatThrownBy(f::join).satisfies(t -> assertThat(Failures.code(t)).isEqualTo("SL011"));
    assertThat(c.sync().get("user:1")).isEqualTo("v");
    assertThat(c.component("users").sync().<String>atomicUpdate("user:1", v -> v + "!"))
        .isEqualTo("v!");
  }

  @StoreMatrix
  void atomicUpdate_whoseFunctionThrows_failsWithThatException_andWritesNothing(
      StoreContext store) {
    SyncCache c = cache(store).sync();
    c.set("plain:f", "v");
    IllegalStateException boom = new IllegalStateException("boom");
    assertThatThrownBy(
            () ->
                c.<String>atomicUpdate(
                    "plain:f",
                    v -> {
                      throw boom;
                    }))
        .isSameAs(boom);
    assertThat(c.get("plain:f")).isEqualTo("v");
    // The key is not left locked or queued: the next update goes through.
    assertThat(c.<String>atomicUpdate("plain:f", v -> v + "2")).isEqualTo("v2");
  }

  @StoreMatrix
  void atomicUpdate_whenAPlainWriteCameInBetween_runsAgainOnTheNewerValue(StoreContext store) {
    SyncCache c = cache(store).sync();
    c.set("plain:r", "a");
    List<String> seen = new ArrayList<>();
    String result =
        c.atomicUpdate(
            "plain:r",
            (String v) -> {
              seen.add(v);
              if (seen.size() == 1) {
                c.set("plain:r", "b"); // another writer, between this read and its write
              }
              return v + "+1";
            });
    assertThat(seen).containsExactly("a", "b");
    assertThat(result).isEqualTo("b+1");
    assertThat(c.get("plain:r")).isEqualTo("b+1");
  }

  @StoreMatrix
  void atomicUpdate_thatLosesEveryTime_failsWithSL103_afterTheBound(StoreContext store) {
    SyncCache c = cache(store).sync();
    c.set("count:x", 0L);
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                c.<Long>atomicUpdate(
                    "count:x",
                    v -> {
                      c.set("count:x", (long) calls.incrementAndGet() * 1000); // always a racer
                      return v + 1;
                    }))
        .isInstanceOf(VersionConflictException.class)
        .satisfies(t -> assertThat(Failures.code(t)).isEqualTo("SL103"))
        .hasMessageContaining("count:x");
    assertThat(calls.get()).isEqualTo(AtomicUpdates.ATTEMPTS);
    assertThat(c.get("count:x")).isEqualTo((long) AtomicUpdates.ATTEMPTS * 1000);
    assertThat(c.<Long>atomicUpdate("count:x", v -> v + 1))
        .isEqualTo(AtomicUpdates.ATTEMPTS * 1000L + 1);
  }

  @StoreMatrix(StoreKind.IN_PROCESS)
  void atomicUpdate_eightThreadsInProcess_loseNoIncrement(StoreContext store) throws Exception {
    StatelessCache c = cache(store);
    runIncrements(List.of(c), 8, 10_000);
    assertThat(c.sync().get("count:counter")).isEqualTo(80_000L);
  }

  /** The test: two nodes with four threads each, 10,000 increments per thread. */
  @StoreMatrix(StoreKind.REDIS)
  void atomicUpdate_twoNodesTimesFourThreads_onRedis_isExactly80000(StoreContext store)
      throws Exception {
    StatelessCache a = cache(store);
    StatelessCache b = cache(store);
    runIncrements(List.of(a, b), 4, 10_000);
    assertThat(a.sync().get("count:counter")).isEqualTo(80_000L);
    assertThat(b.sync().get("count:counter")).isEqualTo(80_000L);
    assertThat(
            store.redis().command("EXISTS", RedisKeys.lock(RedisKeys.STANDALONE, "count:counter")))
        .as("no lock is left behind")
        .isEqualTo("0");
  }

  private static void runIncrements(List<StatelessCache> nodes, int threadsPerNode, int each)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(nodes.size() * threadsPerNode);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (StatelessCache node : nodes) {
        for (int t = 0; t < threadsPerNode; t++) {
          done.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < each; i++) {
                      node.sync().<Long>atomicUpdate("count:counter", n -> n == null ? 1L : n + 1);
                    }
                    return null;
                  }));
        }
      }
      for (Future<?> f : done) {
        f.get(5, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // ---- atomicBatch ----

  // Redis Cluster refuses a batch across hash slots (ClusterIT: one slot applied, several refused)
  @StoreMatrix({StoreKind.IN_PROCESS, StoreKind.REDIS})
  void atomicBatch_appliesEveryWrite_andDropsCopiesAndDependents(StoreContext store) {
    SyncCache c = cache(store).sync();
    c.set("user:123", "old");
    c.set("user:gone", "x");
    assertThat(c.get("user:123")).isEqualTo("old"); // a CLIENT copy
    c.set("profile:123", "p");
    c.atomicBatch(
        tx -> {
          tx.set("user:123", "data1");
          tx.set("user:123:prefs", "data2", SetOptions.ttl(Duration.ofSeconds(30)));
          tx.del("user:gone");
        });
    assertThat(c.layer(CacheLayer.CLIENT).get("user:123")).isNull();
    assertThat(c.get("user:123")).isEqualTo("data1");
    assertThat(c.get("user:123:prefs")).isEqualTo("data2");
    assertThat(c.ttlMillis("user:123:prefs")).isBetween(1L, 30_000L);
    assertThat(c.exists("user:gone")).isFalse();
    assertThat(c.get("profile:123")).as("users @Invalidates profile:*").isNull();
  }

  @StoreMatrix
  void atomicBatch_withAWriteTheCallerMayNotMake_appliesNothing(StoreContext store) {
    StatelessCache c = cache(store);
    c.sync().set("user:1", "v");
    AtomicBoolean caught = new AtomicBoolean();
    CompletableFuture<Void> f =
        c.component("users")
            .atomicBatch(
                tx -> {
                  tx.set("user:1", "changed");
                  try {
                    tx.set("product:1", "x"); // users do not own products: SL003
                  } catch (StatelessException e) {
                    caught.set(true); // swallowing it does not save the batch
                  }
                  tx.set("user:2", "new");
                });
    assertThatThrownBy(f::join).satisfies(t -> assertThat(Failures.code(t)).isEqualTo("SL003"));
    assertThat(caught).isTrue();
    assertThat(c.sync().get("user:1")).isEqualTo("v");
    assertThat(c.sync().exists("user:2")).isFalse();

    CompletableFuture<Void> borrowed =
        c.component("analytics").atomicBatch(tx -> tx.set("user:1", "x"));
    assertThatThrownBy(borrowed::join)
        .satisfies(t -> assertThat(Failures.code(t)).isEqualTo("SL002"));
    assertThat(c.sync().get("user:1")).isEqualTo("v");
  }

  @StoreMatrix
  void atomicBatch_whoseBodyThrows_appliesNothing(StoreContext store) {
    SyncCache c = cache(store).sync();
    IllegalStateException boom = new IllegalStateException("boom");
    assertThatThrownBy(
            () ->
                c.atomicBatch(
                    tx -> {
                      tx.set("plain:1", "x");
                      throw boom;
                    }))
        .isSameAs(boom);
    assertThat(c.exists("plain:1")).isFalse();
  }

  @StoreMatrix(StoreKind.REDIS)
  void atomicBatch_acrossAnInProcessAndARedisOwner_isSL105_andWritesNothing(StoreContext store) {
    SyncCache c = cache(store).sync();
    assertThatThrownBy(
            () ->
                c.atomicBatch(
                    tx -> {
                      tx.set("local:1", "client");
                      tx.set("user:1", "server");
                    }))
        .satisfies(t -> assertThat(Failures.code(t)).isEqualTo("SL105"))
        .hasMessageContaining("local:1")
        .hasMessageContaining("user:1")
        .hasMessageContaining("help:");
    assertThat(c.exists("local:1")).isFalse();
    assertThat(c.exists("user:1")).isFalse();
  }

  @StoreMatrix(StoreKind.IN_PROCESS)
  void atomicBatch_acrossInProcessLayers_isOneBatch(StoreContext store) {
    SyncCache c = cache(store).sync();
    c.atomicBatch(
        tx -> {
          tx.set("local:1", "client");
          tx.set("product:1", "edge");
          tx.set("user:1", "server");
        });
    assertThat(c.get("local:1")).isEqualTo("client");
    assertThat(c.get("product:1")).isEqualTo("edge");
    assertThat(c.get("user:1")).isEqualTo("server");
  }

  // Redis Cluster refuses a batch across hash slots (ClusterIT: one slot applied, several refused)
  @StoreMatrix({StoreKind.IN_PROCESS, StoreKind.REDIS})
  void atomicBatch_readersNeverSeeHalfABatch(StoreContext store) throws Exception {
    StatelessCache c = cache(store);
    SyncCache s = c.sync();
    s.atomicBatch(
        tx -> {
          tx.set("user:a", 0L);
          tx.set("user:b", 0L);
        });
    int rounds = store.kind() == StoreKind.REDIS ? 2_000 : 20_000;
    AtomicBoolean stop = new AtomicBoolean();
    List<String> violations = new ArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              while (!stop.get()) {
                // a is written first in each batch and read first here: seeing the batch's a,
                // the reader must see (at least) the same batch's b.
                long a = s.get("user:a", Long.class);
                long b = s.get("user:b", Long.class);
                if (b < a) {
                  synchronized (violations) {
                    violations.add("a=" + a + " b=" + b);
                  }
                }
              }
            });
    reader.start();
    try {
      for (long i = 1; i <= rounds; i++) {
        long v = i;
        s.atomicBatch(
            tx -> {
              tx.set("user:a", v);
              tx.set("user:b", v);
            });
      }
    } finally {
      stop.set(true);
      reader.join();
    }
    assertThat(violations).isEmpty();
    assertThat(s.get("user:a", Long.class)).isEqualTo((long) rounds);
    assertThat(s.get("user:b", Long.class)).isEqualTo((long) rounds);
  }

  @StoreMatrix(StoreKind.REDIS)
  void atomicBatch_onRedis_dropsTheCopiesOfOtherNodes(StoreContext store) throws Exception {
    SyncCache a = cache(store).sync();
    SyncCache b = cache(store).sync();
    a.set("user:1", "v1");
    a.set("user:2", "v1");
    assertThat(b.get("user:1")).isEqualTo("v1");
    assertThat(b.get("user:2")).isEqualTo("v1");
    a.atomicBatch(
        tx -> {
          tx.set("user:1", "v2");
          tx.set("user:2", "v2");
        });
    Await.until(
        "B's copies dropped",
        Duration.ofSeconds(10),
        () ->
            b.layer(CacheLayer.CLIENT).get("user:1") == null
                && b.layer(CacheLayer.CLIENT).get("user:2") == null);
    assertThat(b.get("user:1")).isEqualTo("v2");
    assertThat(b.get("user:2")).isEqualTo("v2");
  }

  @StoreMatrix
  void atomicBatch_withAConditionalWrite_isRejected(StoreContext store) {
    SyncCache c = cache(store).sync();
    assertThatThrownBy(
            () -> c.atomicBatch(tx -> tx.set("plain:1", "x", SetOptions.none().ifAbsent())))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(c.exists("plain:1")).isFalse();
  }

  // ---- review regressions ----

  @StoreMatrix(StoreKind.REDIS)
  void atomicUpdate_whenTheCacheClosesWhileItsFunctionRuns_stillCompletes(StoreContext store)
      throws Exception {
    StatelessCache c =
        StatelessCache.builder()
            .manifest(TestManifest.class)
            .server(Stores.redis(store.redis().uri()))
            .build();
    c.sync().set("count:c", 1L);
    java.util.concurrent.CountDownLatch inFn = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    CompletableFuture<Long> f =
        c.<Long>atomicUpdate(
            "count:c",
            n -> {
              inFn.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
              return n + 1;
            });
    assertThat(inFn.await(10, TimeUnit.SECONDS)).isTrue();
    c.close();
    release.countDown();
    assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
        .isInstanceOf(java.util.concurrent.ExecutionException.class)
        .satisfies(t -> assertThat(Failures.code(t.getCause())).isEqualTo("SL105"));
  }

  @StoreMatrix(StoreKind.REDIS)
  void atomicUpdate_afterThisNodesQueuedClientFirstWrite_seesIt(StoreContext store) {
    SyncCache c = cache(store).sync();
    c.set("hotcount:1", 5L); // CLIENT_FIRST: queued for Redis
    assertThat(c.<Long>atomicUpdate("hotcount:1", n -> n + 1)).isEqualTo(6L);
    c.flush();
    assertThat(store.redis().command("GET", "hotcount:1")).isEqualTo("6");
  }

  @StoreMatrix
  @SuppressWarnings({"unchecked", "rawtypes"}) // get(key, Map.class): a raw Map
  void mapValues_areStoredByValue_copiedInAndOut(StoreContext store) {
    SyncCache c = cache(store).sync();
    java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
    m.put("a", "1");
    c.set("plain:m", m);
    m.put("a", "changed after the write");
    assertThat(c.get("plain:m", java.util.Map.class)).isEqualTo(java.util.Map.of("a", "1"));
    java.util.Map<String, String> read = c.get("plain:m", java.util.Map.class);
    read.put("b", "2"); // the reader's own copy
    assertThat(c.get("plain:m", java.util.Map.class)).isEqualTo(java.util.Map.of("a", "1"));
  }

  @StoreMatrix(StoreKind.REDIS)
  void atomicBatch_deletingAStreamedValue_isRefused(StoreContext store) {
    StatelessCache c =
        StatelessCache.builder()
            .manifest(StreamingManifest.class)
            .server(Stores.redis(store.redis().uri()))
            .build();
    store.add(c);
    c.sync().setStream("blob:1", new java.io.ByteArrayInputStream(new byte[10_000]));
    assertThatThrownBy(() -> c.sync().atomicBatch(tx -> tx.del("blob:1")))
        .satisfies(t -> assertThat(Failures.code(t)).isEqualTo("SL105"))
        .hasMessageContaining("del(key)");
    assertThat(store.redis().command("EXISTS", "blob:1")).isEqualTo("1");
  }

  @StoreMatrix(StoreKind.IN_PROCESS)
  void sessions_refuseAtomicUpdateAndBatch_whichCannotCarryACleanup(StoreContext store) {
    StatelessCache c = cache(store);
    try (StatelessCache session = c.session()) {
      assertThatThrownBy(() -> session.sync().atomicBatch(tx -> tx.set("user:1", "x")))
          .satisfies(t -> assertThat(Failures.code(t)).isEqualTo("SL010"));
      assertThatThrownBy(() -> session.sync().<String>atomicUpdate("user:1", v -> "x"))
          .satisfies(t -> assertThat(Failures.code(t)).isEqualTo("SL010"));
    }
    assertThat(c.sync().exists("user:1")).isFalse();
  }
}
