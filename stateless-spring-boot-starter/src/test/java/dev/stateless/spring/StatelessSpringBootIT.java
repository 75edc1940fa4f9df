package dev.stateless.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stateless.StatelessCache;
import dev.stateless.core.StatelessException;
import dev.stateless.spring.shop.Product;
import dev.stateless.spring.shop.SessionService;
import dev.stateless.spring.shop.ShopApplication;
import dev.stateless.spring.shop.UserService;
import dev.stateless.testing.RedisServerExtension;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A Spring Boot application configured by properties only ({@code stateless.manifest.class-name},
 * {@code stateless.server.uri}) against a real redis-server: Spring's caching annotations read and
 * write the manifest's components, visible through the plain {@link StatelessCache} bean and in
 * Redis, with the components' rights.
 */
@SpringBootTest(
    classes = ShopApplication.class,
    properties = "stateless.manifest.class-name=dev.stateless.spring.shop.ShopCache")
@DirtiesContext
class StatelessSpringBootIT {
  @RegisterExtension static final RedisServerExtension redis = new RedisServerExtension();

  @DynamicPropertySource
  static void redisUri(DynamicPropertyRegistry registry) {
    registry.add("stateless.server.uri", redis::uri);
  }

  @Autowired UserService users;
  @Autowired SessionService sessions;
  @Autowired StatelessCache cache;
  @Autowired CacheManager cacheManager;

  @BeforeEach
  void clean() {
    cacheManager.getCacheNames().forEach(n -> cacheManager.getCache(n).clear());
    users.loads().set(0);
  }

  @Test
  void cacheManager_namesTheManifestsComponents() {
    assertThat(cacheManager).isInstanceOf(StatelessCacheManager.class);
    assertThat(cacheManager.getCacheNames())
        .containsExactly("users", "products", "sessions", "stock");
    assertThat(cacheManager.getCache("nobody")).isNull();
  }

  @Test
  void cacheable_storesUnderTheComponentsPattern_inRedis() {
    assertThat(users.name(42)).isEqualTo("user-42");
    assertThat(users.name(42)).isEqualTo("user-42");

    assertThat(users.loads()).hasValue(1);
    assertThat(cache.sync().get("user:42")).isEqualTo("user-42");
    assertThat(redis.command("GET", "user:42")).isEqualTo("user-42");
  }

  @Test
  void cachePut_isSeenByThePlainCache_andTheNextCacheable() {
    users.rename(7, "Ada");

    assertThat(cache.sync().get("user:7")).isEqualTo("Ada");
    assertThat(redis.command("GET", "user:7")).isEqualTo("Ada");
    assertThat(users.name(7)).isEqualTo("Ada");
    assertThat(users.loads()).hasValue(0);
  }

  @Test
  void cacheEvict_deletesTheKey_everywhere() {
    cache.sync().set("user:9", "Grace");

    users.forget(9);

    assertThat(cache.sync().get("user:9")).isNull();
    assertThat(redis.command("EXISTS", "user:9")).isEqualTo("0");
    assertThat(users.name(9)).isEqualTo("user-9");
    assertThat(users.loads()).hasValue(1);
  }

  @Test
  void cacheEvictAllEntries_dropsTheComponentsKeys_only() {
    users.name(1);
    users.name(2);
    cache.sync().set("session:1", "s");

    users.forgetAll();

    assertThat(cache.sync().get("user:1")).isNull();
    assertThat(cache.sync().get("user:2")).isNull();
    assertThat(cache.sync().get("session:1")).isEqualTo("s");
  }

  @Test
  void typedComponent_readsBackItsType_fromRedis() {
    Product p = users.product(3);
    assertThat(redis.command("GET", "product:3")).contains("\"name\":\"p3\"");

    assertThat(cacheManager.getCache("products").get(3L, Product.class)).isEqualTo(p);
    assertThat(users.product(3)).isEqualTo(p);
    assertThat(users.loads()).hasValue(1);
  }

  @Test
  void keyOfAComponentWithSeveralPatterns_isComponentColonKey() {
    assertThat(users.stock(5)).isEqualTo(5L);

    assertThat(redis.command("GET", "stock:5")).isEqualTo("5");
    assertThat(users.stock(5)).isEqualTo(5L);
    assertThat(users.loads()).hasValue(1);
  }

  @Test
  void cachePut_intoAKeyTheComponentOnlyBorrows_isSL002() {
    assertThatThrownBy(() -> users.hijack(1))
        .isInstanceOf(StatelessException.class)
        .satisfies(e -> assertThat(((StatelessException) e).code()).isEqualTo("SL002"));

    assertThat(redis.command("EXISTS", "user:1")).isEqualTo("0");
  }

  @Test
  void cachePut_inACacheAccessMethodThatOnlyBorrows_isSL002() {
    assertThatThrownBy(() -> sessions.renameUser(3, "Eve"))
        .isInstanceOf(StatelessException.class)
        .satisfies(e -> assertThat(((StatelessException) e).code()).isEqualTo("SL002"));

    assertThat(redis.command("EXISTS", "user:3")).isEqualTo("0");
  }

  @Test
  void plainSet_inACacheAccessMethodThatOnlyBorrows_isSL002_andTheBindingEndsWithTheCall() {
    assertThatThrownBy(() -> sessions.writeUser(4, "Eve"))
        .isInstanceOf(StatelessException.class)
        .satisfies(e -> assertThat(((StatelessException) e).code()).isEqualTo("SL002"));
    assertThat(redis.command("EXISTS", "user:4")).isEqualTo("0");
    assertThat(cache.enteredMethod()).isEmpty();

    cache.sync().set("user:4", "Ada"); // outside the method: the cache acts for every owner
    assertThat(redis.command("GET", "user:4")).isEqualTo("Ada");
  }

  @Test
  void plainSet_ofAKeyTheMethodOwns_isWritten() {
    sessions.writeSession(5, "open");

    assertThat(redis.command("GET", "session:5")).isEqualTo("open");
  }

  @Test
  void cachePut_isJudgedByTheMethodsRights_notTheCachesComponent() {
    sessions.putUserAsOwner(
        6, "Ada"); // "sessions" only borrows user keys; the method follows users

    assertThat(redis.command("GET", "user:6")).isEqualTo("Ada");
  }

  @Test
  void syncCacheable_loadsOnce_thenReads() throws Exception {
    assertThat(users.slowProduct(8)).isEqualTo(new Product("slow8", 8));
    assertThat(users.slowProduct(8)).isEqualTo(new Product("slow8", 8));

    assertThat(users.loads()).hasValue(1);
    assertThat(redis.command("GET", "product:8")).contains("\"name\":\"slow8\"");
  }

  @Test
  void syncCacheable_loaderFailure_reachesTheCaller_andNothingIsStored() {
    assertThatThrownBy(() -> users.missingProduct(9))
        .isInstanceOf(IOException.class)
        .hasMessage("no product 9");

    assertThat(redis.command("EXISTS", "product:9")).isEqualTo("0");
  }

  @Test
  void cacheGetWithLoader_wrapsTheLoadersException_inValueRetrievalException() {
    Cache products = cacheManager.getCache("products");
    IOException failure = new IOException("down");

    assertThatThrownBy(
            () ->
                products.get(
                    10L,
                    () -> {
                      throw failure;
                    }))
        .isInstanceOf(Cache.ValueRetrievalException.class)
        .hasCause(failure);
  }

  @Test
  void cacheGetWithLoader_ofABorrowedKey_isSL002_beforeTheLoaderRuns() {
    Cache sessions = cacheManager.getCache("sessions");
    AtomicInteger ran = new AtomicInteger();

    assertThatThrownBy(() -> sessions.get("user:12", () -> ran.incrementAndGet()))
        .isInstanceOf(StatelessException.class)
        .satisfies(e -> assertThat(((StatelessException) e).code()).isEqualTo("SL002"));
    assertThat(ran).hasValue(0);
  }
}
