package dev.stateless.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.StatelessCache;
import dev.stateless.Stores;
import dev.stateless.annotation.Strategy;
import dev.stateless.core.StatelessException;
import dev.stateless.spring.internal.StatelessCacheMeterBinderProvider;
import dev.stateless.spring.internal.StatelessFailureAnalyzer;
import dev.stateless.spring.shop.ShopCache;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.core.NestedExceptionUtils;

/** The auto-configuration, every layer in-process: beans, properties and refused values. */
class StatelessAutoConfigurationTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  StatelessAutoConfiguration.class, StatelessActuatorAutoConfiguration.class));

  private static final String SHOP = "stateless.manifest.class-name=" + ShopCache.class.getName();

  @Test
  void noProperties_givesACacheWithoutManifest_andNoCaches() {
    runner.run(
        ctx -> {
          StatelessCache cache = ctx.getBean(StatelessCache.class);
          assertThat(cache.manifest().isEmpty()).isTrue();
          cache.sync().set("any:key", "v");
          assertThat(cache.sync().get("any:key")).isEqualTo("v");
          assertThat(ctx.getBean(CacheManager.class).getCacheNames()).isEmpty();
        });
  }

  @Test
  void manifestClass_namesTheCaches() {
    runner
        .withPropertyValues(SHOP)
        .run(
            ctx ->
                assertThat(ctx.getBean(CacheManager.class).getCacheNames())
                    .containsExactly("users", "products", "sessions", "stock"));
  }

  @Test
  void manifestFile_fromTheClassPath() {
    runner
        .withPropertyValues("stateless.manifest.file=classpath:shop-manifest.yaml")
        .run(
            ctx -> {
              StatelessCache cache = ctx.getBean(StatelessCache.class);
              assertThat(cache.manifest().name()).isEqualTo("FileShop");
              assertThat(ctx.getBean(CacheManager.class).getCacheNames())
                  .containsExactly("users", "sessions");
            });
  }

  @Test
  void userBeans_winOverTheAutoConfigured() {
    StatelessCache own = StatelessCache.builder().manifest(ShopCache.class).build();
    runner
        .withBean(StatelessCache.class, () -> own)
        .withBean(CacheManager.class, ConcurrentMapCacheManager::new)
        .run(
            ctx -> {
              assertThat(ctx.getBean(StatelessCache.class)).isSameAs(own);
              assertThat(ctx.getBean(CacheManager.class))
                  .isInstanceOf(ConcurrentMapCacheManager.class);
            });
    own.close();
  }

  @Test
  void customizer_changesTheBuilder() {
    var seen = ConcurrentHashMap.<String>newKeySet();
    runner
        .withPropertyValues(SHOP)
        .withBean(
            StatelessCacheBuilderCustomizer.class,
            () ->
                b -> {
                  seen.add("customized");
                  b.client(Stores.inProcess("1MB"));
                })
        .run(ctx -> assertThat(ctx).hasSingleBean(StatelessCache.class));
    assertThat(seen).containsExactly("customized");
  }

  @Test
  void meterRegistryBean_receivesTheCachesMeters() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    runner
        .withPropertyValues(SHOP)
        .withBean(SimpleMeterRegistry.class, () -> registry)
        .run(ctx -> assertThat(ctx).hasSingleBean(StatelessCache.class));
    assertThat(registry.getMeters()).isNotEmpty();
  }

  @Test
  void contextClose_closesTheCache() {
    StatelessCache[] built = new StatelessCache[1];
    runner.withPropertyValues(SHOP).run(ctx -> built[0] = ctx.getBean(StatelessCache.class));
    assertThat(failureOf(() -> built[0].sync().get("user:1")))
        .isInstanceOf(StatelessException.class)
        .satisfies(e -> assertThat(((StatelessException) e).code()).isEqualTo("SL105"));
  }

  @Test
  void componentOverrides_replaceTheManifestsTtlAndMaxSize() {
    runner
        .withPropertyValues(
            SHOP, "stateless.components.users.ttl=10m", "stateless.components.stock.max-size=2MB")
        .run(
            ctx -> {
              var manifest = ctx.getBean(StatelessCache.class).manifest();
              assertThat(manifest.component("users").orElseThrow().ttl())
                  .contains(Duration.ofMinutes(10));
              assertThat(manifest.component("stock").orElseThrow().maxSizeBytes())
                  .hasValue(2L << 20);
            });
  }

  @Test
  void badComponentTtl_failsTheStart_withSL012() {
    assertStartFailsWith("SL012", SHOP, "stateless.components.users.ttl=ten");
  }

  @Test
  void unknownComponent_failsTheStart_withSL013() {
    assertStartFailsWith("SL013", SHOP, "stateless.components.nobody.ttl=1m");
  }

  @Test
  void healthIndicator_isUpInProcess_andCanBeTurnedOff() {
    runner
        .withPropertyValues(SHOP)
        .run(
            ctx -> {
              Health health = ctx.getBean(StatelessHealthIndicator.class).health();
              assertThat(health.getStatus()).isEqualTo(Status.UP);
              assertThat(health.getDetails()).containsEntry("pendingWrites", 0L);
            });
    runner
        .withPropertyValues(SHOP, "management.health.stateless.enabled=false")
        .run(ctx -> assertThat(ctx).doesNotHaveBean(StatelessHealthIndicator.class));
  }

  @Test
  void meterBinderProvider_bindsNothing_theRuntimeHasRegisteredTheMeters() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    runner
        .withPropertyValues(SHOP)
        .withBean(SimpleMeterRegistry.class, () -> registry)
        .run(
            ctx -> {
              var provider = ctx.getBean(StatelessCacheMeterBinderProvider.class);
              var users =
                  (StatelessComponentCache) ctx.getBean(CacheManager.class).getCache("users");
              int before = registry.getMeters().size();
              assertThat(registry.find("cache.gets").tag("cache", "users").meters()).isNotEmpty();

              provider
                  .getMeterBinder(users, Tags.of("cache.manager", "cacheManager"))
                  .bindTo(registry);

              assertThat(registry.getMeters()).hasSize(before);
              assertThat(registry.find("cache.gets").tagKeys("cache.manager").meters()).isEmpty();
            });
  }

  @Test
  void badSize_failsTheStart_withSL012() {
    assertStartFailsWith("SL012", SHOP, "stateless.client.max-size=50XB");
  }

  @Test
  void badEdgeSize_failsTheStart_withSL012() {
    assertStartFailsWith("SL012", SHOP, "stateless.edge.max-size=0MB");
  }

  @Test
  void nonPositiveNegativeCaching_failsTheStart_withSL012() {
    assertStartFailsWith("SL012", SHOP, "stateless.negative-caching=0s");
  }

  @Test
  void classThatIsNoManifest_failsTheStart_withSL013() {
    assertStartFailsWith("SL013", "stateless.manifest.class-name=java.lang.String");
  }

  @Test
  void malformedManifestFile_failsTheStart_withSL012() {
    assertStartFailsWith("SL012", "stateless.manifest.file=classpath:bad-manifest.yaml");
  }

  @Test
  void unknownManifestClass_failsTheStart_namingTheProperty() {
    runner
        .withPropertyValues("stateless.manifest.class-name=com.example.Nope")
        .run(
            ctx ->
                assertThat(rootCause(ctx.getStartupFailure()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("stateless.manifest.class-name")
                    .hasMessageContaining("com.example.Nope"));
  }

  @Test
  void malformedRedisUri_failsTheStart_namingTheProperty() {
    runner
        .withPropertyValues(SHOP, "stateless.server.uri=redis://host:99999")
        .run(
            ctx ->
                assertThat(rootCause(ctx.getStartupFailure()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("stateless.server.uri: "));
  }

  @Test
  void bothManifestSources_failTheStart() {
    runner
        .withPropertyValues(SHOP, "stateless.manifest.file=classpath:shop-manifest.yaml")
        .run(
            ctx ->
                assertThat(rootCause(ctx.getStartupFailure()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("both set"));
  }

  @Test
  void edgeUriAndEdgeMaxSize_failTheStart() {
    runner
        .withPropertyValues(
            SHOP, "stateless.edge.uri=redis://127.0.0.1:1", "stateless.edge.max-size=1MB")
        .run(
            ctx ->
                assertThat(rootCause(ctx.getStartupFailure()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("stateless.edge.uri and stateless.edge.max-size"));
  }

  @Test
  void edgeRegions_reachStoresEdge_withTheRegionAndEveryRegionsNodes() {
    runner
        .withPropertyValues(
            SHOP,
            "stateless.edge.region=eu",
            "stateless.edge.regions.eu=redis://127.0.0.1:1,redis://127.0.0.1:2",
            "stateless.edge.regions.us=redis://127.0.0.1:3")
        .run(
            ctx -> {
              // no node listens there: the build fails naming the regional store it was given
              Throwable root = rootCause(ctx.getStartupFailure());
              assertThat(root).isInstanceOf(StatelessException.class);
              assertThat(((StatelessException) root).code()).isEqualTo("SL100");
              assertThat(root)
                  .hasMessageContaining("edge nodes of region eu (2 of 3 in 2 regions)");
            });
  }

  @Test
  void edgeRegionNotAmongTheRegions_failsTheStart_withSL012() {
    assertStartFailsWith(
        "SL012",
        SHOP,
        "stateless.edge.region=asia",
        "stateless.edge.regions.eu=redis://127.0.0.1:1");
  }

  @Test
  void edgeRegionWithoutRegions_orRegionsWithoutRegion_failTheStart() {
    runner
        .withPropertyValues(SHOP, "stateless.edge.region=eu")
        .run(
            ctx ->
                assertThat(rootCause(ctx.getStartupFailure()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("stateless.edge.regions is not"));
    runner
        .withPropertyValues(SHOP, "stateless.edge.regions.eu=redis://127.0.0.1:1")
        .run(
            ctx ->
                assertThat(rootCause(ctx.getStartupFailure()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("stateless.edge.region is not")
                    .hasMessageContaining("[eu]"));
    runner
        .withPropertyValues(
            SHOP,
            "stateless.edge.region=eu",
            "stateless.edge.regions.eu=redis://127.0.0.1:1",
            "stateless.edge.uri=redis://127.0.0.1:2")
        .run(
            ctx ->
                assertThat(rootCause(ctx.getStartupFailure()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("both set"));
  }

  @Test
  void trustedCertificatesWithoutServerUri_failTheStart() {
    runner
        .withPropertyValues(SHOP, "stateless.server.trusted-certificates=/etc/ca.pem")
        .run(
            ctx ->
                assertThat(rootCause(ctx.getStartupFailure()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("stateless.server.uri is not"));
  }

  @Test
  void strategyAndJitterAndNegativeCaching_areBound() {
    runner
        .withPropertyValues(
            SHOP,
            "stateless.strategy=client-first",
            "stateless.ttl-jitter=0.1",
            "stateless.negative-caching=5s",
            "stateless.close-timeout=0s")
        .run(
            ctx -> {
              StatelessProperties p = ctx.getBean(StatelessProperties.class);
              assertThat(p.getStrategy()).isEqualTo(Strategy.CLIENT_FIRST);
              assertThat(p.getTtlJitter()).isEqualTo(0.1);
              assertThat(p.getNegativeCaching()).isEqualTo(Duration.ofSeconds(5));
              assertThat(p.getCloseTimeout()).isEqualTo(Duration.ZERO);
              assertThat(ctx).hasSingleBean(StatelessCache.class);
            });
  }

  @Test
  void badTtlJitter_failsTheStart() {
    runner
        .withPropertyValues(SHOP, "stateless.ttl-jitter=1.5")
        .run(
            ctx ->
                assertThat(rootCause(ctx.getStartupFailure()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("1.5"));
  }

  @Test
  void failureAnalyzer_printsCodeMessageAndHelp() {
    runner
        .withPropertyValues(SHOP, "stateless.client.max-size=50XB")
        .run(
            ctx -> {
              FailureAnalysis analysis =
                  new StatelessFailureAnalyzer().analyze(ctx.getStartupFailure());
              assertThat(analysis).isNotNull();
              assertThat(analysis.getDescription()).contains("SL012").contains("50XB");
              assertThat(analysis.getDescription()).contains("help:");
              StatelessException e = (StatelessException) rootCause(ctx.getStartupFailure());
              assertThat(analysis.getAction()).isEqualTo(e.help());
            });
  }

  private void assertStartFailsWith(String code, String... properties) {
    runner
        .withPropertyValues(properties)
        .run(
            ctx -> {
              assertThat(ctx).hasFailed();
              Throwable root = rootCause(ctx.getStartupFailure());
              assertThat(root).isInstanceOf(StatelessException.class);
              assertThat(((StatelessException) root).code()).isEqualTo(code);
            });
  }

  /** The first StatelessException or IllegalArgumentException in the chain, else the root. */
  private static Throwable rootCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof StatelessException || c instanceof IllegalArgumentException) {
        return c;
      }
    }
    return NestedExceptionUtils.getMostSpecificCause(t);
  }

  private static Throwable failureOf(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      return e;
    }
    throw new AssertionError("no failure");
  }
}
