package dev.stateless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.stateless.core.StatelessException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code get(key, loader)} with every layer in-process: one load per key per process, its result or
 * failure shared, and the write checked before the loader runs. {@code LoaderIT} covers the nodes
 * sharing a Redis.
 */
class LoaderTest {
  private static final int THREADS = 16;

  private final List<StatelessCache> open = new ArrayList<>();

  @AfterEach
  void closeAll() {
    open.forEach(StatelessCache::close);
  }

  private StatelessCache cache() {
    StatelessCache c = StatelessCache.builder().manifest(TestManifest.class).build();
    open.add(c);
    return c;
  }

  private static <V> Function<String, V> never() {
    return k -> {
      throw new AssertionError("the loader ran for " + k);
    };
  }

  private static String code(Throwable t) {
    assertThat(t).isInstanceOf(StatelessException.class);
    return ((StatelessException) t).code();
  }

  /** Half the callers block on the sync view, half on the async future. */
  static Object call(StatelessCache c, int caller, String key, Function<String, ?> loader) {
    return caller % 2 == 0 ? c.sync().get(key, loader) : c.get(key, loader).join();
  }

  @Test
  void get_sixteenThreadsMissOneKey_oneLoadPerKey_everyCallerGetsItsValue() throws Exception {
    StatelessCache c = cache();
    Random random = new Random(16);
    for (int round = 0; round < 20; round++) {
      String key = "plain:" + random.nextInt(1_000) + ":" + round;
      AtomicInteger loads = new AtomicInteger();
      Stampede s = new Stampede(THREADS);
      Function<String, String> loader =
          k -> {
            loads.incrementAndGet();
            s.awaitOthersBlocked();
            return "loaded " + k;
          };
      s.run(i -> call(c, i, key, loader));
      assertThat(s.failures()).as("round %d", round).containsOnlyNulls();
      assertThat(s.results()).as("round %d", round).containsOnly("loaded " + key);
      assertThat(loads).as("round %d", round).hasValue(1);
      assertThat(c.sync().get(key)).isEqualTo("loaded " + key); // written
    }
  }

  @Test
  void get_loaderThrows_everyCallerSharesTheFailure_nothingIsWritten_nextCallLoadsAgain()
      throws Exception {
    StatelessCache c = cache();
    AtomicInteger loads = new AtomicInteger();
    AtomicReference<RuntimeException> thrown = new AtomicReference<>();
    Stampede s = new Stampede(THREADS);
    Function<String, String> failing =
        k -> {
          loads.incrementAndGet();
          s.awaitOthersBlocked();
          thrown.set(new IllegalStateException("database down for " + k));
          throw thrown.get();
        };
    s.run(i -> call(c, i, "plain:down", failing));
    assertThat(loads).hasValue(1);
    assertThat(s.results()).containsOnlyNulls();
    assertThat(s.failures()).hasSize(THREADS).allSatisfy(t -> assertThat(t).isSameAs(thrown.get()));
    assertThat(c.sync().get("plain:down")).isNull();

    String back = c.sync().get("plain:down", k -> "back");
    assertThat(back).isEqualTo("back");
    assertThat(c.sync().get("plain:down")).isEqualTo("back");
  }

  @Test
  void get_loaderReturnsNull_nothingIsWritten_nextCallLoadsAgain() {
    SyncCache c = cache().sync();
    AtomicInteger loads = new AtomicInteger();
    assertThat(c.<String>get("plain:none", k -> loads.incrementAndGet() == 1 ? null : "now"))
        .isNull();
    assertThat(c.get("plain:none")).isNull();
    assertThat(c.exists("plain:none")).isFalse();
    assertThat(c.<String>get("plain:none", k -> loads.incrementAndGet() == 1 ? null : "now"))
        .isEqualTo("now");
    assertThat(loads).hasValue(2);
  }

  @Test
  void get_presentValue_isReturned_loaderNeverCalled() {
    StatelessCache c = cache();
    c.sync().set("plain:1", "there");
    assertThat(c.sync().<Object>get("plain:1", never())).isEqualTo("there");
    assertThat(c.<Object>get("plain:1", never()).join()).isEqualTo("there");
    assertThat(c.sync().<Object>computeIfAbsent("plain:1", never())).isEqualTo("there");
  }

  @Test
  void get_loadedValue_isWrittenWithTheOwnersTtl() {
    SyncCache c = cache().sync();
    String loaded = c.get("ttl:1", k -> "short");
    assertThat(loaded).isEqualTo("short");
    assertThat(c.ttlMillis("ttl:1")).isBetween(1L, 10_000L); // @Ttl("10s")
    loaded = c.computeIfAbsent("plain:2", k -> "forever");
    assertThat(loaded).isEqualTo("forever");
    assertThat(c.ttlMillis("plain:2")).isEqualTo(-1L);
  }

  @Test
  void get_anotherWriterStoresFirst_itsValueIsReturnedAndKept() {
    SyncCache c = cache().sync();
    String got =
        c.get(
            "plain:race",
            k -> {
              c.set(k, "theirs"); // another writer, while this load runs
              return "mine";
            });
    assertThat(got).isEqualTo("theirs");
    assertThat(c.get("plain:race")).isEqualTo("theirs");
  }

  @Test
  void get_borrowedKey_failsWithSL002_loaderNeverCalled() {
    StatelessCache c = cache();
    StatelessCache analytics = c.component("analytics"); // borrows user:*
    assertThat(
            code(
                catchThrowableOfType(
                    StatelessException.class, () -> analytics.sync().get("user:1", never()))))
        .isEqualTo("SL002");
    assertThat(analytics.get("user:1", never()))
        .failsWithin(5, TimeUnit.SECONDS)
        .withThrowableThat()
        .havingCause()
        .satisfies(t -> assertThat(code(t)).isEqualTo("SL002"));
    c.sync().set("user:1", "Ada"); // refused even when present: the call may write
    assertThatThrownBy(() -> analytics.sync().get("user:1", never()))
        .satisfies(t -> assertThat(code(t)).isEqualTo("SL002"));
    assertThat(c.sync().get("user:1")).isEqualTo("Ada");
  }

  @Test
  void get_keyNobodyOwns_failsWithSL003_streamingKey_failsWithSL009_loaderNeverCalled() {
    SyncCache c = cache().sync();
    assertThatThrownBy(() -> c.get("nobody:1", never()))
        .satisfies(t -> assertThat(code(t)).isEqualTo("SL003"));
    assertThatThrownBy(() -> c.get("video:1", never()))
        .satisfies(t -> assertThat(code(t)).isEqualTo("SL009"));
  }

  @Test
  void get_inASession_failsWithSL010_aLoadedEntryHasNoCleanup() {
    StatelessCache c = cache();
    try (StatelessCache session = c.session()) {
      assertThatThrownBy(() -> session.sync().get("plain:s", never()))
          .satisfies(t -> assertThat(code(t)).isEqualTo("SL010"));
    }
    assertThat(c.sync().get("plain:s")).isNull();
  }

  @Test
  void get_valueOfAnotherTypeThanTheOwners_failsWithSL014_nothingIsWritten() {
    SyncCache c = cache().sync();
    assertThatThrownBy(() -> c.get("count:1", k -> "many")) // counts are Longs
        .satisfies(t -> assertThat(code(t)).isEqualTo("SL014"));
    assertThat(c.get("count:1")).isNull();
  }

  @Test
  void get_onAClosedCache_failsWithSL105() {
    StatelessCache c = cache();
    c.close();
    assertThatThrownBy(() -> c.sync().get("plain:1", never()))
        .satisfies(t -> assertThat(code(t)).isEqualTo("SL105"));
    assertThat(c.get("plain:1", never()))
        .failsWithin(5, TimeUnit.SECONDS)
        .withThrowableThat()
        .havingCause()
        .satisfies(t -> assertThat(code(t)).isEqualTo("SL105"));
  }

  @Test
  void get_negativeMaxWait_failsWithSL012() {
    SyncCache c = cache().sync();
    assertThatThrownBy(() -> c.get("plain:1", never(), Duration.ofMillis(-1)))
        .satisfies(t -> assertThat(code(t)).isEqualTo("SL012"));
  }

  @Test
  void get_anotherCallersLoadOutlastsMaxWait_failsWithSL101NamingKeyAndWait() throws Exception {
    StatelessCache c = cache();
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    CompletableFuture<Object> slow =
        c.get(
            "plain:slow",
            k -> {
              loading.countDown();
              await(finish);
              return "slow";
            });
    await(loading);
    CacheTimeoutException e =
        catchThrowableOfType(
            CacheTimeoutException.class,
            () -> c.sync().get("plain:slow", never(), Duration.ofMillis(50)));
    assertThat(e.code()).isEqualTo("SL101");
    assertThat(e.getMessage())
        .contains("\"plain:slow\"")
        .contains("50 ms")
        .contains("in this process");
    assertThat(e.help()).contains("maxWait");
    finish.countDown();
    assertThat(slow.get(10, TimeUnit.SECONDS)).isEqualTo("slow");
    Object after = c.sync().get("plain:slow", never(), Duration.ZERO);
    assertThat(after).isEqualTo("slow");
  }

  @Test
  void syncGet_runsTheLoaderOnTheCallingThread() {
    SyncCache c = cache().sync();
    Thread caller = Thread.currentThread();
    Boolean here = c.get("plain:here", k -> Thread.currentThread() == caller);
    assertThat(here).isTrue();
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
