package dev.stateless.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stateless.StatelessCache;
import dev.stateless.core.StatelessException;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StatelessCachingProviderTest {
  private final CachingProvider provider = new StatelessCachingProvider();

  @AfterEach
  void close() {
    provider.close();
  }

  @Test
  void caching_findsTheProviderThroughServiceLoader() {
    assertThat(Caching.getCachingProvider()).isInstanceOf(StatelessCachingProvider.class);
  }

  @Test
  void createCache_withoutManifest_acceptsAnyName() {
    CacheManager manager = provider.getCacheManager();
    Cache<Long, String> cache = manager.createCache("anything at all", config());
    cache.put(1L, "one");

    assertThat(cache.get(1L)).isEqualTo("one");
  }

  @Test
  void createCache_namedByTheManifest_storesUnderTheComponent() {
    CacheManager manager = provider.getCacheManager(null, null, manifest());
    Cache<Long, String> users = manager.createCache("users", config());
    users.put(7L, "Ada");

    assertThat(users.get(7L)).isEqualTo("Ada");
    assertThat(users.unwrap(StatelessCache.class).sync().scan("users:*")).hasSize(1);
  }

  @Test
  void createCache_theManifestDoesNotName_throwsCacheExceptionWithSL013() {
    CacheManager manager = provider.getCacheManager(null, null, manifest());

    assertThatThrownBy(() -> manager.createCache("orders", config()))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("SL013")
        .hasMessageContaining("help:")
        .hasCauseInstanceOf(StatelessException.class);
  }

  @Test
  void getCacheManager_withAManifestClassNobodyHas_throwsCacheException() {
    Properties properties = new Properties();
    properties.setProperty(StatelessCachingProvider.MANIFEST_PROPERTY, "no.such.Manifest");

    assertThatThrownBy(() -> provider.getCacheManager(null, null, properties))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("no.such.Manifest")
        .hasMessageContaining("help:");
  }

  @Test
  void put_storesByValue_aCallerCannotChangeTheCachedCopy() {
    Cache<Long, StringBuilder> cache =
        provider
            .getCacheManager()
            .createCache(
                "values",
                new MutableConfiguration<Long, StringBuilder>()
                    .setTypes(Long.class, StringBuilder.class));
    StringBuilder value = new StringBuilder("a");
    cache.put(1L, value);
    value.append("b");
    cache.get(1L).append("c");

    assertThat(cache.get(1L).toString()).isEqualTo("a");
  }

  private static Properties manifest() {
    Properties properties = new Properties();
    properties.setProperty(
        StatelessCachingProvider.MANIFEST_PROPERTY, JCacheManifest.class.getName());
    return properties;
  }

  private static MutableConfiguration<Long, String> config() {
    return new MutableConfiguration<Long, String>().setTypes(Long.class, String.class);
  }
}
