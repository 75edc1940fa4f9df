package dev.stateless.spring;

import dev.stateless.StatelessCache;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.CachingConfigurer;
import org.springframework.cache.interceptor.KeyGenerator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;

/**
 * Auto-configuration of stateless: a {@link StatelessCache} bean built from the {@code stateless.*}
 * properties ({@link StatelessProperties}) and closed when the context closes (its offline queue
 * drained first), with the application's Micrometer {@code MeterRegistry} when there is one; a
 * Spring {@link CacheManager} over the manifest's components ({@link StatelessCacheManager}); and
 * the key generator of {@code @Cacheable} methods ({@code statelessKeyGenerator}). Each bean backs
 * off when the application defines its own. Runs before Spring Boot's cache auto-configuration, so
 * {@code @EnableCaching} finds this cache manager.
 */
@AutoConfiguration(before = CacheAutoConfiguration.class)
@EnableConfigurationProperties(StatelessProperties.class)
public class StatelessAutoConfiguration {
  /** Created by Spring. */
  public StatelessAutoConfiguration() {}

  /**
   * The cache, from the properties, changed by every {@link StatelessCacheBuilderCustomizer} bean.
   *
   * @param properties the {@code stateless.*} properties
   * @param resourceLoader where the manifest class is loaded from
   * @param customizers the customizers, in order
   * @return the cache
   * @throws dev.stateless.core.StatelessException when a property holds a bad value (SL012, SL013,
   *     ...) or the manifest is invalid
   * @throws IllegalArgumentException when a property is malformed (a URI) or two conflict
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public StatelessCache statelessCache(
      StatelessProperties properties,
      ResourceLoader resourceLoader,
      ObjectProvider<StatelessCacheBuilderCustomizer> customizers) {
    StatelessCache.Builder builder =
        CacheFromProperties.builder(properties, resourceLoader.getClassLoader());
    customizers.orderedStream().forEach(c -> c.customize(builder));
    return builder.build();
  }

  /**
   * The manifest's components as Spring caches.
   *
   * @param cache the cache
   * @return the cache manager
   */
  @Bean
  @ConditionalOnMissingBean(CacheManager.class)
  public StatelessCacheManager cacheManager(StatelessCache cache) {
    return new StatelessCacheManager(cache);
  }

  /**
   * The default key generator of {@code @Cacheable} methods without a {@code key}: the one
   * argument, or the arguments joined by {@code :}.
   *
   * @return the key generator
   */
  @Bean
  @ConditionalOnMissingBean(name = "statelessKeyGenerator")
  public KeyGenerator statelessKeyGenerator() {
    return new StatelessKeyGenerator();
  }

  /**
   * Makes {@code statelessKeyGenerator} the default key generator of Spring's caching annotations;
   * absent when the application has a {@code CachingConfigurer} of its own (name the generator
   * there, or per annotation: {@code keyGenerator = "statelessKeyGenerator"}).
   *
   * @param statelessKeyGenerator the key generator
   * @return the configurer
   */
  @Bean
  @ConditionalOnMissingBean(CachingConfigurer.class)
  public CachingConfigurer statelessCachingConfigurer(
      @Qualifier("statelessKeyGenerator") KeyGenerator statelessKeyGenerator) {
    return new CachingConfigurer() {
      @Override
      public KeyGenerator keyGenerator() {
        return statelessKeyGenerator;
      }
    };
  }

  /** Passes the application's {@code MeterRegistry}, when it has one, to the cache's builder. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterRegistry.class)
  static class MeterRegistryConfiguration {
    @Bean
    StatelessCacheBuilderCustomizer statelessMeterRegistryCustomizer(
        ObjectProvider<MeterRegistry> registry) {
      return builder -> registry.ifAvailable(builder::meterRegistry);
    }
  }
}
