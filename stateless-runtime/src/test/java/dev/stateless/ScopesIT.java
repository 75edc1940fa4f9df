package dev.stateless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Lifetime;
import dev.stateless.internal.redis.RedisKeys;
import dev.stateless.testing.StoreContext;
import dev.stateless.testing.StoreKind;
import dev.stateless.testing.StoreMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** Request scopes and sessions: entries that end with them. */
class ScopesIT {
  private StatelessCache cache(StoreContext store) {
    return store.build(b -> b.manifest(TestManifest.class));
  }

  // ---- request scopes ----

  @StoreMatrix
  void setScoped_entriesLiveUntilTheScopeCloses(StoreContext store) {
    StatelessCache c = cache(store);
    try (RequestScope scope = c.requestScope()) {
      assertThat(scope.rights().lifetime()).isEqualTo(Lifetime.REQUEST);
      scope.setScoped("req:123", "data").join(); // nobody owns req:*: a scope's temporary
      scope.setScoped("user:9", "owned data").join();
      assertThat(c.sync().get("req:123")).isEqualTo("data");
      assertThat(c.sync().get("user:9")).isEqualTo("owned data");
    }
    assertThat(c.sync().exists("req:123")).isFalse();
    assertThat(c.sync().exists("user:9")).isFalse();
  }

  @StoreMatrix
  void setScoped_entriesAreDeleted_whenTheRequestFails(StoreContext store) {
    StatelessCache c = cache(store);
    assertThatThrownBy(
            () -> {
              try (RequestScope scope = c.requestScope()) {
                scope.setScoped("req:1", "a"); // not even waited for
                throw new IllegalStateException("request failed");
              }
            })
        .hasMessage("request failed");
    assertThat(c.sync().exists("req:1")).isFalse();
  }

  @StoreMatrix
  void setScoped_keepsTheViewsRights(StoreContext store) {
    StatelessCache c = cache(store);
    try (RequestScope scope = c.component("analytics").requestScope()) {
      CompletableFuture<Boolean> borrowed = scope.setScoped("user:1", "x");
      assertThatThrownBy(borrowed::join)
          .satisfies(t -> assertThat(Failures.code(t)).isEqualTo("SL002"));
    }
    assertThat(c.sync().exists("user:1")).isFalse();
    // Outside a scope a key nobody owns cannot be written in a strict manifest.
    assertThatThrownBy(() -> c.sync().set("req:1", "x"))
        .satisfies(t -> assertThat(Failures.code(t)).isEqualTo("SL003"));
  }

  @StoreMatrix(StoreKind.IN_PROCESS)
  void setScoped_afterClose_isSL105(StoreContext store) {
    StatelessCache c = cache(store);
    RequestScope scope = c.requestScope();
    scope.close();
    assertThatThrownBy(() -> scope.setScoped("req:1", "x").join())
        .satisfies(t -> assertThat(Failures.code(t)).isEqualTo("SL105"));
    assertThat(c.sync().exists("req:1")).isFalse();
    scope.close(); // twice: nothing
  }

  @StoreMatrix(StoreKind.IN_PROCESS)
  void hundredThousandScopes_leaveTheStoreAtItsStartingSize(StoreContext store) {
    StatelessCache c = cache(store);
    c.sync().set("user:keep", "x");
    long client = c.policy().entryCount(CacheLayer.CLIENT);
    long server = c.policy().entryCount(CacheLayer.SERVER);
    for (int i = 0; i < 100_000; i++) {
      try (RequestScope scope = c.requestScope()) {
        scope.setScoped("req:" + i, "payload " + i);
        scope.setScoped("req:" + i + ":extra", i);
      }
    }
    assertThat(c.policy().entryCount(CacheLayer.CLIENT)).isEqualTo(client);
    assertThat(c.policy().entryCount(CacheLayer.SERVER)).isEqualTo(server);
    assertThat(c.sync().scan("req:*")).isEmpty();
  }

  @StoreMatrix(StoreKind.REDIS)
  void hundredThousandScopesOnRedis_leaveTheDatabaseAtItsStartingSize(StoreContext store)
      throws Exception {
    StatelessCache c = cache(store);
    c.sync().set("user:keep", "x");
    try (RequestScope warm = c.requestScope()) {
      warm.setScoped("req:warm", "x").join(); // creates the unowned keys' event stream once
    }
    String before = store.redis().command("DBSIZE");
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int first = t * 25_000;
        done.add(
            pool.submit(
                () -> {
                  for (int i = first; i < first + 25_000; i++) {
                    try (RequestScope scope = c.requestScope()) {
                      scope.setScoped("req:" + i, "payload " + i);
                    }
                  }
                  return null;
                }));
      }
      for (java.util.concurrent.Future<?> f : done) {
        f.get(5, java.util.concurrent.TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(c.sync().scan("req:*")).isEmpty();
    assertThat(store.redis().command("DBSIZE")).isEqualTo(before);
    assertThat(store.redis().command("ZCARD", RedisKeys.index(RedisKeys.STANDALONE, null)))
        .isEqualTo("0");
  }

  @StoreMatrix(StoreKind.REDIS)
  void scopedClientFirstEntries_areDeletedBehindTheirQueuedWrites(StoreContext store) {
    StatelessCache c = cache(store);
    try (RequestScope scope = c.requestScope()) {
      scope.setScoped("hot:1", "queued").join(); // CLIENT_FIRST: queued for Redis
    }
    c.flush().join();
    assertThat(store.redis().command("EXISTS", "hot:1")).isEqualTo("0");
    assertThat(c.sync().exists("hot:1")).isFalse();
    assertThat(c.pendingWrites()).isZero();
  }

  // ---- sessions ----

  @StoreMatrix
  void sessionEntries_areDeletedAtSessionEnd_thenTheirCleanupRuns(StoreContext store) {
    StatelessCache c = cache(store);
    List<String> log = new ArrayList<>();
    try (StatelessCache session = c.session()) {
      assertThat(session.policy().rights().lifetime()).isEqualTo(Lifetime.SESSION);
      session
          .set("user:123:session", "data")
          .withCleanup(() -> log.add("cleanup sees " + c.sync().get("user:123:session")))
          .join();
      assertThat(c.sync().get("user:123:session")).isEqualTo("data");
      assertThat(log).isEmpty();
    }
    assertThat(log).containsExactly("cleanup sees null");
    assertThat(c.sync().exists("user:123:session")).isFalse();
  }

  @StoreMatrix
  void sessionEntry_withoutCleanup_isDeleted_andEndingTheSessionIsSL010(StoreContext store) {
    StatelessCache c = cache(store);
    StatelessCache session = c.session();
    session.set("user:1", "no cleanup").join();
    session.component("users").sync().set("user:2", "also none");
    assertThatThrownBy(session::close)
        .satisfies(t -> assertThat(Failures.code(t)).isEqualTo("SL010"))
        .hasMessageContaining("user:1")
        .hasMessageContaining("user:2");
    assertThat(c.sync().exists("user:1")).isFalse();
    assertThat(c.sync().exists("user:2")).isFalse();
    assertThatThrownBy(() -> session.set("user:3", "late").withCleanup(() -> {}))
        .satisfies(t -> assertThat(Failures.code(t)).isEqualTo("SL105"));
  }

  @StoreMatrix(StoreKind.REDIS)
  void cleanupOnTheCacheItself_runsWhenTheCacheCloses(StoreContext store) {
    StatelessCache c =
        StatelessCache.builder()
            .manifest(TestManifest.class)
            .server(Stores.redis(store.redis().uri()))
            .build();
    AtomicInteger ran = new AtomicInteger();
    c.set("user:5", "x").withCleanup(ran::incrementAndGet).join();
    c.set("user:6", "plain").join();
    assertThat(ran).hasValue(0);
    c.close();
    assertThat(ran).hasValue(1);
    assertThat(store.redis().command("EXISTS", "user:5")).isEqualTo("0");
    assertThat(store.redis().command("EXISTS", "user:6"))
        .as("no cleanup, no deletion")
        .isEqualTo("1");
  }

  @StoreMatrix(StoreKind.IN_PROCESS)
  void aFailingCleanup_doesNotStopTheOthers(StoreContext store) {
    StatelessCache c = cache(store);
    List<String> ran = new ArrayList<>();
    StatelessCache session = c.session();
    session
        .set("user:1", "a")
        .withCleanup(
            () -> {
              throw new IllegalStateException("cleanup 1 failed");
            });
    session.set("user:2", "b").withCleanup(() -> ran.add("2"));
    assertThatThrownBy(session::close).hasMessage("cleanup 1 failed");
    assertThat(ran).containsExactly("2");
    assertThat(c.sync().exists("user:1")).isFalse();
    assertThat(c.sync().exists("user:2")).isFalse();
  }

  @StoreMatrix
  void aScopedWriteThatDidNotApply_leavesSomeoneElsesKeyAlone(StoreContext store) {
    StatelessCache c = cache(store);
    c.sync().set("user:1", "someone else's");
    try (RequestScope scope = c.requestScope()) {
      assertThat(scope.setScoped("user:1", "mine", SetOptions.none().ifAbsent()).join()).isFalse();
    }
    assertThat(c.sync().get("user:1")).isEqualTo("someone else's");
  }

  @StoreMatrix
  void aRefusedSessionWrite_withACleanup_deletesNothing_andRunsNothing(StoreContext store) {
    StatelessCache c = cache(store);
    c.sync().set("user:1", "v");
    AtomicInteger ran = new AtomicInteger();
    StatelessCache session = c.session();
    CacheWrite w =
        session.component("analytics").set("user:1", "x").withCleanup(ran::incrementAndGet);
    assertThatThrownBy(w::join).satisfies(t -> assertThat(Failures.code(t)).isEqualTo("SL002"));
    session.close();
    assertThat(c.sync().get("user:1")).isEqualTo("v");
    assertThat(ran).hasValue(0);
  }
}
