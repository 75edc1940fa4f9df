package dev.stateless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stateless.annotation.CacheAccess;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Strategy;
import dev.stateless.core.StatelessException;
import dev.stateless.redis.RedisAdapter;
import dev.stateless.testing.StoreContext;
import dev.stateless.testing.StoreKind;
import dev.stateless.testing.StoreMatrix;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link StatelessCache#enter}: a {@code @CacheAccess} method's rights bound to the thread, judging
 * the plain cache's calls as the checker judges the method's body.
 */
@SuppressWarnings("try") // a scope is a try resource its body need not name, as a user writes it
class CacheAccessScopeIT {

  /** Code declaring its rights as application code would; the bodies are never run. */
  static final class Code {
    @CacheAccess(borrows = "user:*")
    void readsUsers() {}

    @CacheAccess(owns = "user:*")
    void ownsUsers() {}

    @CacheAccess(follows = "users")
    void followsUsers() {}

    @CacheAccess(follows = "local")
    void followsLocal() {}

    @CacheAccess(borrows = "user:*", exclusive = "user:{id}")
    void locksUsers() {}

    @CacheAccess(follows = "userz")
    void misspelt() {}

    void unannotated() {}
  }

  @CacheAccess(borrows = "product:*")
  static final class Catalog {
    void show() {}
  }

  private static Method method(String name) {
    try {
      return Code.class.getDeclaredMethod(name);
    } catch (NoSuchMethodException e) {
      throw new AssertionError(e);
    }
  }

  private final List<StatelessCache> open = new ArrayList<>();

  @AfterEach
  void closeAll() {
    open.forEach(StatelessCache::close);
  }

  private StatelessCache inProcess() {
    StatelessCache c = StatelessCache.builder().manifest(TestManifest.class).build();
    open.add(c);
    return c;
  }

  /** The exception a call threw or its future failed with. */
  private static StatelessException failure(ThrowingCallable call) {
    Throwable[] caught = new Throwable[1];
    try {
      call.call();
    } catch (Throwable t) {
      caught[0] = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
    assertThat(caught[0]).as("the call's failure").isInstanceOf(StatelessException.class);
    return (StatelessException) caught[0];
  }

  private static String code(ThrowingCallable call) {
    return failure(call).code();
  }

  @StoreMatrix({StoreKind.IN_PROCESS, StoreKind.REDIS})
  void borrows_writeIsSL002_readIsFine_asAComponentViewSaysIt(StoreContext store) {
    StatelessCache cache = store.build(b -> b.manifest(TestManifest.class));
    SyncCache sync = cache.sync();
    sync.set("user:1", "Ada");

    try (CacheAccessScope scope = cache.enter(method("readsUsers"))) {
      assertThat(sync.get("user:1")).isEqualTo("Ada");
      assertThat(cache.get("user:1").join()).isEqualTo("Ada");
      StatelessException e = failure(() -> sync.set("user:1", "Bob"));
      StatelessException byComponent =
          failure(() -> cache.component("analytics").sync().set("user:1", "Bob"));
      assertThat(e.code()).isEqualTo("SL002");
      assertThat(e.diagnostics().get(0).message())
          .isEqualTo(byComponent.diagnostics().get(0).message())
          .isEqualTo("write to borrowed pattern \"user:*\" (key \"user:1\")");
      assertThat(e.getMessage()).contains("Code.readsUsers borrows \"user:*\"");
      assertThat(code(() -> cache.set("user:1", "Bob").join())).isEqualTo("SL002");
      assertThat(code(() -> sync.del("user:1"))).isEqualTo("SL002");
      assertThat(code(() -> sync.set("user:2", "new"))).isEqualTo("SL002");
      assertThat(code(() -> sync.atomicUpdate("user:1", v -> "Bob"))).isEqualTo("SL011");
      assertThat(code(() -> sync.invalidatePattern("user:1:*"))).isEqualTo("SL002");
      assertThat(code(() -> sync.atomicBatch(tx -> tx.set("user:1", "Bob")))).isEqualTo("SL002");
      assertThat(code(() -> new RedisAdapter(cache).set("user:1", "Bob").join()))
          .isEqualTo("SL002");
      try (RequestScope request = cache.requestScope()) {
        assertThat(code(() -> request.setScoped("user:9", "tmp").join())).isEqualTo("SL002");
      }
      assertThat(code(() -> sync.set("profile:1", "p"))).isEqualTo("SL003");
      java.util.concurrent.atomic.AtomicInteger loads =
          new java.util.concurrent.atomic.AtomicInteger();
      assertThat(code(() -> sync.get("user:3", k -> "loaded" + loads.incrementAndGet())))
          .isEqualTo("SL002");
      assertThat(
              code(
                  () -> cache.computeIfAbsent("user:3", k -> "x" + loads.incrementAndGet()).join()))
          .isEqualTo("SL002");
      assertThat(loads).hasValue(0); // refused before the loader ran
    }
    assertThat(sync.get("user:3")).isNull();
    assertThat(sync.get("user:1")).isEqualTo("Ada"); // nothing was written
    assertThat(sync.get("user:2")).isNull();
    if (store.kind() == StoreKind.REDIS) {
      assertThat(store.redis().command("GET", "user:1")).isEqualTo("Ada");
    }
  }

  @StoreMatrix({StoreKind.IN_PROCESS, StoreKind.REDIS})
  void owns_writesAndUpdates_butNotOtherOwnersKeys(StoreContext store) {
    StatelessCache cache = store.build(b -> b.manifest(TestManifest.class));
    SyncCache sync = cache.sync();

    try (CacheAccessScope scope = cache.enter(method("ownsUsers"))) {
      assertThat(sync.set("user:1", "Ada")).isTrue();
      assertThat(sync.<String>atomicUpdate("user:1", v -> v + "!")).isEqualTo("Ada!");
      assertThat(sync.del("user:1")).isTrue();
      assertThat(code(() -> sync.set("profile:1", "p"))).isEqualTo("SL003");
      assertThat(code(() -> sync.set("nobody:1", "x"))).isEqualTo("SL003");
    }
  }

  @StoreMatrix({StoreKind.IN_PROCESS, StoreKind.REDIS})
  void follows_takesTheComponentsRightsAndLayer(StoreContext store) {
    StatelessCache cache = store.build(b -> b.manifest(TestManifest.class));
    SyncCache sync = cache.sync();

    try (CacheAccessScope scope = cache.enter(method("followsUsers"))) {
      assertThat(sync.set("user:1", "Ada")).isTrue();
      assertThat(sync.del("profile:1")).isFalse(); // users @Invalidates profile:*: it may drop
      assertThat(code(() -> sync.set("profile:1", "p"))).isEqualTo("SL003");
      assertThat(code(() -> sync.set("product:1", "p"))).isEqualTo("SL003");
      assertThat(code(() -> cache.layer(CacheLayer.EDGE).sync().set("user:1", "x")))
          .isEqualTo("SL004");
      assertThat(cache.layer(CacheLayer.SERVER).sync().set("user:1", "Bob")).isTrue();
    }
    try (CacheAccessScope scope = cache.enter(method("followsLocal"))) {
      assertThat(cache.layer(CacheLayer.CLIENT).sync().set("local:1", "l")).isTrue();
      assertThat(code(() -> cache.layer(CacheLayer.SERVER).sync().set("local:1", "l")))
          .isEqualTo("SL004");
      assertThat(code(() -> sync.set("user:1", "x"))).isEqualTo("SL003");
    }
  }

  @Test
  void exclusive_allowsAtomicUpdate() {
    SyncCache sync = inProcess().sync();
    try (CacheAccessScope scope = sync.async().enter(method("locksUsers"))) {
      assertThat(sync.<String>atomicUpdate("user:1", v -> "locked")).isEqualTo("locked");
      assertThat(code(() -> sync.atomicUpdate("user:1:posts", v -> "x"))).isEqualTo("SL011");
    }
  }

  @Test
  void typeLevelAnnotation_appliesToTheClassesMethods() throws Exception {
    StatelessCache cache = inProcess();
    try (CacheAccessScope scope = cache.enter(Catalog.class.getDeclaredMethod("show"))) {
      StatelessException e = failure(() -> cache.sync().set("product:1", "p"));
      assertThat(e.code()).isEqualTo("SL002");
      assertThat(e.getMessage()).contains("Catalog borrows \"product:*\"");
    }
  }

  @Test
  void scopeClosed_allOwnerRightsAgain() {
    StatelessCache cache = inProcess();
    assertThat(cache.enteredMethod()).isEmpty();
    CacheAccessScope scope = cache.enter(method("readsUsers"));
    assertThat(cache.enteredMethod()).hasValue(method("readsUsers"));
    assertThat(code(() -> cache.sync().set("user:1", "x"))).isEqualTo("SL002");
    scope.close();
    scope.close(); // a second close does nothing

    assertThat(cache.enteredMethod()).isEmpty();
    assertThat(cache.sync().set("user:1", "x")).isTrue();
    assertThat(cache.sync().set("profile:1", "p")).isTrue();
  }

  @Test
  void nesting_innerHidesOuter_closingRestoresIt() {
    StatelessCache cache = inProcess();
    SyncCache sync = cache.sync();
    try (CacheAccessScope outer = cache.enter(method("readsUsers"))) {
      try (CacheAccessScope inner = cache.enter(method("ownsUsers"))) {
        assertThat(cache.enteredMethod()).hasValue(method("ownsUsers"));
        assertThat(sync.set("user:1", "Ada")).isTrue();
      }
      assertThat(cache.enteredMethod()).hasValue(method("readsUsers"));
      assertThat(code(() -> sync.set("user:1", "Bob"))).isEqualTo("SL002");
      try (CacheAccessScope again = cache.enter(method("readsUsers"))) { // re-entrant
        assertThat(code(() -> sync.set("user:1", "Bob"))).isEqualTo("SL002");
      }
      assertThat(cache.enteredMethod()).hasValue(method("readsUsers"));
    }
    assertThat(cache.enteredMethod()).isEmpty();
    assertThat(sync.set("user:1", "Bob")).isTrue();
  }

  @Test
  void closeOutOfOrder_isIllegalStateNamingTheMethods_andChangesNothing() {
    StatelessCache cache = inProcess();
    CacheAccessScope outer = cache.enter(method("readsUsers"));
    CacheAccessScope inner = cache.enter(method("ownsUsers"));

    assertThatThrownBy(outer::close)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(Code.class.getName() + ".readsUsers")
        .hasMessageContaining(Code.class.getName() + ".ownsUsers")
        .hasMessageContaining("out of order");
    assertThat(cache.enteredMethod()).hasValue(method("ownsUsers"));
    inner.close();
    outer.close();
    assertThat(cache.enteredMethod()).isEmpty();
  }

  @Test
  void otherThreads_areUnaffected_andCannotCloseTheScope() throws Exception {
    StatelessCache cache = inProcess();
    ExecutorService other = Executors.newSingleThreadExecutor();
    try (CacheAccessScope scope = cache.enter(method("readsUsers"))) {
      Future<Optional<Method>> seen = other.submit(cache::enteredMethod);
      Future<Boolean> written = other.submit(() -> cache.sync().set("user:1", "there"));
      Future<?> closed = other.submit(scope::close);

      assertThat(seen.get()).isEmpty();
      assertThat(written.get()).isTrue();
      assertThatThrownBy(closed::get)
          .cause()
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(Code.class.getName() + ".readsUsers")
          .hasMessageContaining("must be closed there");
      assertThat(cache.enteredMethod()).hasValue(method("readsUsers")); // still open here
      assertThat(code(() -> cache.sync().set("user:1", "here"))).isEqualTo("SL002");
    } finally {
      other.shutdownNow();
    }
    assertThat(cache.sync().get("user:1")).isEqualTo("there");
  }

  @Test
  void twoCaches_onOneThread_doNotSeeEachOthersScopes() {
    StatelessCache a = inProcess();
    StatelessCache b = inProcess();
    try (CacheAccessScope scope = a.enter(method("readsUsers"))) {
      assertThat(code(() -> a.sync().set("user:1", "x"))).isEqualTo("SL002");
      assertThat(b.enteredMethod()).isEmpty();
      assertThat(b.sync().set("user:1", "x")).isTrue();
    }
  }

  @Test
  void componentView_keepsItsOwnRights() {
    StatelessCache cache = inProcess();
    try (CacheAccessScope scope = cache.enter(method("readsUsers"))) {
      assertThat(cache.component("users").sync().set("user:1", "Ada")).isTrue();
    }
    try (CacheAccessScope scope = cache.enter(method("ownsUsers"))) {
      assertThat(code(() -> cache.component("analytics").sync().set("user:1", "x")))
          .isEqualTo("SL002");
    }
  }

  @Test
  void viewsMadeBeforeTheScope_areJudgedByIt() {
    StatelessCache cache = inProcess();
    StatelessCache server = cache.layer(CacheLayer.SERVER);
    StatelessCache session = cache.session();
    RedisAdapter redis = new RedisAdapter(cache).withStrategy(Strategy.REDIS_COMPATIBLE);
    try (CacheAccessScope scope = cache.enter(method("readsUsers"))) {
      assertThat(code(() -> server.sync().set("user:1", "x"))).isEqualTo("SL002");
      assertThat(code(() -> session.set("user:1", "x").withCleanup(() -> {}).join()))
          .isEqualTo("SL002");
      assertThat(code(() -> redis.set("user:1", "x").join())).isEqualTo("SL002");
      // REDIS_COMPATIBLE lets the method write keys no component owns, as on the plain cache
      assertThat(redis.set("nobody:1", "x").join()).isEqualTo("OK");
      assertThat(code(() -> cache.sync().set("nobody:2", "x"))).isEqualTo("SL003");
    }
    session.close();
  }

  @Test
  void withStrategyView_underAScope_keepsTheMethodsKeyRights() {
    StatelessCache cache = inProcess();
    try (CacheAccessScope scope = cache.enter(method("ownsUsers"))) {
      StatelessCache consistent = cache.withStrategy(Strategy.GLOBAL_CONSISTENT);
      assertThat(consistent.sync().set("user:1", "x")).isTrue();
      assertThat(code(() -> consistent.sync().set("profile:1", "x"))).isEqualTo("SL003");
      assertThat(consistent.policy().rights().strategy()).isEqualTo(Strategy.GLOBAL_CONSISTENT);
      assertThat(cache.policy().rights().name()).isEqualTo("Code.ownsUsers");
    }
    assertThat(cache.policy().rights().name()).isEqualTo("this cache");
  }

  @Test
  void cacheWithoutManifest_borrowedKeysRefused_otherKeysFine_asTheCheckerWithoutOne() {
    StatelessCache cache = StatelessCache.builder().build();
    open.add(cache);
    try (CacheAccessScope scope = cache.enter(method("readsUsers"))) {
      assertThat(code(() -> cache.sync().set("user:1", "x"))).isEqualTo("SL002");
      assertThat(cache.sync().set("session:1", "x")).isTrue();
    }
    assertThat(code(() -> cache.enter(method("followsUsers")))).isEqualTo("SL013");
  }

  @Test
  void enter_unannotatedMethod_isIllegalArgument_badDeclarationIsCoded() {
    StatelessCache cache = inProcess();
    assertThatThrownBy(() -> cache.enter(method("unannotated")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Code.class.getName() + ".unannotated");
    assertThat(code(() -> cache.enter(method("misspelt")))).isEqualTo("SL013");
    assertThat(cache.enteredMethod()).isEmpty();
    assertThatThrownBy(() -> cache.enter(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void asyncFailures_failTheFuture_notTheCall() {
    StatelessCache cache = inProcess();
    try (CacheAccessScope scope = cache.enter(method("readsUsers"))) {
      CompletableFuture<Boolean> write = cache.set("user:1", "x");
      CompletableFuture<Long> dropped = cache.invalidatePattern("user:*");
      assertThat(write).isCompletedExceptionally();
      assertThat(dropped).isCompletedExceptionally();
    }
  }
}
