package dev.stateless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.stateless.core.StatelessException;
import dev.stateless.internal.Loads;
import dev.stateless.internal.redis.RedisKeys;
import dev.stateless.testing.Await;
import dev.stateless.testing.RedisServerExtension;
import dev.stateless.testing.StoreContext;
import dev.stateless.testing.StoreKind;
import dev.stateless.testing.StoreMatrix;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * {@code get(key, loader)} across nodes: two caches on one Redis share one load per key through the
 * key's lease, and a waiting node takes over when the holder's load ends without a value.
 */
class LoaderIT {
  private static final int THREADS_PER_NODE = 16;
  private static final Duration LONG_WAIT = Duration.ofSeconds(30);

  private static StatelessCache node(StoreContext store) {
    return store.build(b -> b.manifest(TestManifest.class));
  }

  private static <V> Function<String, V> never() {
    return k -> {
      throw new AssertionError("the loader ran for " + k);
    };
  }

  /** The lease of a key in a standalone Redis, as the lock script names it. */
  private static String lease(String key) {
    return RedisKeys.lock(RedisKeys.STANDALONE, key);
  }

  private static long evalshaCalls(RedisServerExtension redis) {
    return CommandStats.dataCalls(redis).getOrDefault("evalsha", 0L);
  }

  @StoreMatrix({StoreKind.REDIS, StoreKind.REDIS_CLUSTER})
  void get_twoNodesTimesSixteenThreadsMissOneKey_theLoaderRunsOnce_everyCallerGetsTheValue(
      StoreContext store) throws InterruptedException {
    StatelessCache[] nodes = {node(store), node(store)};
    Random random = new Random(32);
    for (int round = 0; round < 8; round++) {
      // plain:* keeps no copies; user:* is copied into the client layer (@Backfill)
      String key =
          (random.nextBoolean() ? "plain:" : "user:") + random.nextInt(1_000_000) + ":" + round;
      AtomicInteger loads = new AtomicInteger();
      Stampede s = new Stampede(2 * THREADS_PER_NODE);
      Function<String, String> loader =
          k -> {
            loads.incrementAndGet();
            s.awaitOthersBlocked(); // the other node's callers too: they wait on the lease
            return "loaded " + k;
          };
      s.run(i -> LoaderTest.call(nodes[i / THREADS_PER_NODE], i, key, loader));
      assertThat(s.failures()).as("round %d: %s", round, key).containsOnlyNulls();
      assertThat(s.results()).as("round %d: %s", round, key).containsOnly("loaded " + key);
      assertThat(loads).as("round %d: %s", round, key).hasValue(1);
      for (StatelessCache n : nodes) {
        assertThat(n.sync().get(key)).isEqualTo("loaded " + key);
      }
    }
  }

  @StoreMatrix(StoreKind.REDIS)
  void get_leaseHoldersLoaderFails_aWaitingNodeTakesOverAndLoads(StoreContext store)
      throws Exception {
    StatelessCache a = node(store);
    StatelessCache b = node(store);
    String key = "plain:takeover";
    CountDownLatch aLoading = new CountDownLatch(1);
    CountDownLatch bPolled = new CountDownLatch(1);
    IllegalStateException failure = new IllegalStateException("database down");
    CompletableFuture<Object> fromA =
        a.get(
            key,
            k -> {
              aLoading.countDown();
              await(bPolled);
              throw failure;
            });
    await(aLoading);
    assertThat(store.redis().command("EXISTS", lease(key))).isEqualTo("1");
    long before = evalshaCalls(store.redis());
    AtomicInteger bLoads = new AtomicInteger();
    CompletableFuture<Object> fromB =
        b.get(
            key,
            k -> {
              bLoads.incrementAndGet();
              return "loaded by b";
            },
            LONG_WAIT);
    // b found the lease taken, more than once: it is waiting, not loading
    Await.until("b polls the lease", LONG_WAIT, () -> evalshaCalls(store.redis()) >= before + 3);
    assertThat(fromB).isNotDone();
    assertThat(bLoads).hasValue(0);
    bPolled.countDown();

    assertThat(fromA).failsWithin(LONG_WAIT).withThrowableThat().havingCause().isSameAs(failure);
    assertThat(fromB.get(30, TimeUnit.SECONDS)).isEqualTo("loaded by b");
    assertThat(bLoads).hasValue(1);
    assertThat(a.sync().get(key)).isEqualTo("loaded by b");
    assertThat(store.redis().command("EXISTS", lease(key))).isEqualTo("0"); // released
  }

  @StoreMatrix(StoreKind.REDIS)
  void get_anotherNodeWritesWhileTheLeaseIsHeld_theWaitingNodeReturnsThatValueAtItsEvent(
      StoreContext store) throws Exception {
    StatelessCache a = node(store);
    StatelessCache b = node(store);
    SyncCache c = node(store).sync();
    String key = "plain:landed";
    CountDownLatch aLoading = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    CompletableFuture<Object> fromA =
        a.get(
            key,
            k -> {
              aLoading.countDown();
              await(finish);
              return "a's value";
            });
    await(aLoading);
    long before = evalshaCalls(store.redis());
    CompletableFuture<Object> fromB = b.get(key, never(), Duration.ofSeconds(60));
    Await.until("b polls the lease", LONG_WAIT, () -> evalshaCalls(store.redis()) >= before + 3);
    c.set(key, "c's value"); // its event reaches b while a still holds the lease
    assertThat(fromB.get(30, TimeUnit.SECONDS)).isEqualTo("c's value");
    assertThat(fromA).isNotDone();
    finish.countDown();
    assertThat(fromA.get(30, TimeUnit.SECONDS)).isEqualTo("c's value"); // written first: kept
    assertThat(store.redis().command("EXISTS", lease(key))).isEqualTo("0");
  }

  @StoreMatrix(StoreKind.REDIS)
  void get_leaseHolderDied_itsLeaseExpires_aWaitingNodeLoads(StoreContext store) {
    SyncCache b = node(store).sync();
    String key = "plain:orphan";
    // A node that took the lease and died: nobody releases or renews it.
    store.redis().command("SET", lease(key), "dead-node:1", "PX", "300");
    AtomicInteger loads = new AtomicInteger();
    String got =
        b.get(
            key,
            k -> {
              loads.incrementAndGet();
              assertThat(store.redis().command("GET", lease(k))).isNotEqualTo("dead-node:1");
              return "loaded after the lease expired";
            },
            LONG_WAIT);
    assertThat(got).isEqualTo("loaded after the lease expired");
    assertThat(loads).hasValue(1);
  }

  @StoreMatrix(StoreKind.REDIS)
  void get_otherNodesLoadOutlastsMaxWait_failsWithSL101NamingKeyAndWait(StoreContext store)
      throws Exception {
    StatelessCache a = node(store);
    SyncCache b = node(store).sync();
    String key = "plain:slow";
    CountDownLatch aLoading = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    CompletableFuture<Object> fromA =
        a.get(
            key,
            k -> {
              aLoading.countDown();
              await(finish);
              return "slow value";
            });
    await(aLoading);
    CacheTimeoutException e =
        catchThrowableOfType(
            CacheTimeoutException.class, () -> b.get(key, never(), Duration.ofMillis(300)));
    assertThat(e.code()).isEqualTo("SL101");
    assertThat(e.getMessage())
        .contains("\"plain:slow\"")
        .contains("300 ms")
        .contains("a node holding its lease in redis://");
    assertThat(e.help()).contains("maxWait");
    finish.countDown();
    assertThat(fromA.get(30, TimeUnit.SECONDS)).isEqualTo("slow value");
    Object after = b.get(key, never(), Duration.ZERO);
    assertThat(after).isEqualTo("slow value");
  }

  @StoreMatrix(StoreKind.REDIS)
  void get_loaderSlowerThanTheLease_renewsIt_theWaitingNodeNeverLoads(StoreContext store)
      throws Exception {
    StatelessCache a = node(store);
    SyncCache b = node(store).sync();
    String key = "plain:renewed";
    CountDownLatch aLoading = new CountDownLatch(1);
    CompletableFuture<Object> fromA =
        a.get(
            key,
            k -> {
              aLoading.countDown();
              try {
                Thread.sleep(Loads.LEASE_MILLIS + 1_500); // a slow database, past one lease
              } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
              }
              return "from a";
            });
    await(aLoading);
    Object got = b.get(key, never(), LONG_WAIT);
    assertThat(got).isEqualTo("from a");
    assertThat(fromA.get(30, TimeUnit.SECONDS)).isEqualTo("from a");
  }

  @StoreMatrix(StoreKind.REDIS)
  void get_loaderReturnsNull_nothingIsWritten_theNextCallLoads(StoreContext store) {
    SyncCache a = node(store).sync();
    SyncCache b = node(store).sync();
    String key = "plain:nothing";
    Object none = a.get(key, k -> null);
    assertThat(none).isNull();
    assertThat(store.redis().command("EXISTS", key)).isEqualTo("0");
    assertThat(store.redis().command("EXISTS", lease(key))).isEqualTo("0"); // released
    Object loaded = b.get(key, k -> "now there is", Duration.ZERO); // no lease left to wait on
    assertThat(loaded).isEqualTo("now there is");
    assertThat(store.redis().command("GET", key)).isEqualTo("now there is");
  }

  @StoreMatrix(StoreKind.REDIS)
  void get_existingValue_isReturned_theLoaderNeverRuns(StoreContext store) {
    SyncCache a = node(store).sync();
    SyncCache b = node(store).sync();
    a.set("plain:1", "from a");
    Object got = b.get("plain:1", never());
    assertThat(got).isEqualTo("from a");
    store.redis().command("SET", "plain:2", "from redis-cli"); // any Redis client's write
    got = b.computeIfAbsent("plain:2", never());
    assertThat(got).isEqualTo("from redis-cli");
  }

  @StoreMatrix(StoreKind.REDIS)
  void get_anotherNodeWritesWhileLoading_itsValueIsReturnedAndKept(StoreContext store) {
    SyncCache a = node(store).sync();
    SyncCache b = node(store).sync();
    String got =
        a.get(
            "plain:race",
            k -> {
              b.set(k, "b's value");
              return "a's value";
            });
    assertThat(got).isEqualTo("b's value");
    assertThat(store.redis().command("GET", "plain:race")).isEqualTo("b's value");
  }

  @StoreMatrix(StoreKind.REDIS)
  void get_borrowingComponentView_failsWithSL002_theLoaderNeverRuns(StoreContext store) {
    StatelessCache a = node(store);
    SyncCache analytics = a.component("analytics").sync(); // borrows user:*
    StatelessException e =
        catchThrowableOfType(StatelessException.class, () -> analytics.get("user:7", never()));
    assertThat(e.code()).isEqualTo("SL002");
    assertThat(store.redis().command("EXISTS", lease("user:7"))).isEqualTo("0"); // none taken
    assertThat(store.redis().command("EXISTS", "user:7")).isEqualTo("0");
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
