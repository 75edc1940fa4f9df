package dev.stateless.spring;

import dev.stateless.StatelessCache;
import dev.stateless.annotation.CacheAccess;
import dev.stateless.spring.internal.CacheAccessInterceptor;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.aop.Advisor;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanDefinition;
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
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;
import org.springframework.core.io.ResourceLoader;

/**
 * Auto-configuration of stateless: a {@link StatelessCache} bean built from the {@code stateless.*}
 * properties ({@link StatelessProperties}) and closed when the context closes (its offline queue
 * drained first), with the application's Micrometer {@code MeterRegistry} when there is one; a
 * Spring {@link CacheManager} over the manifest's components ({@link StatelessCacheManager}); and
 * the key generator of {@code @Cacheable} methods ({@code statelessKeyGenerator}); and an advisor
 * that binds each {@code @CacheAccess} method's rights to its calls. Each bean backs off when the
 * application defines its own. Runs before Spring Boot's cache auto-configuration, so
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

  /**
   * Runs every {@code @CacheAccess} method (annotated itself, or in an annotated type) of a Spring
   * bean inside {@code cache.enter(method)}, so the cache calls it makes are judged by its rights,
   * as {@code @Transactional} binds a transaction. An infrastructure advisor, like the transaction
   * and caching advisors, ordered before (outside) them, so a {@code @CachePut} on the same method
   * already sees the binding. A call from the bean to itself does not go through the proxy and is
   * not bound, as for {@code @Transactional}.
   */
  @Configuration(proxyBeanMethods = false)
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  static class CacheAccessConfiguration {
    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    @ConditionalOnMissingBean(name = "statelessCacheAccessAdvisor")
    static Advisor statelessCacheAccessAdvisor(ObjectProvider<StatelessCache> cache) {
      Pointcut annotated =
          new ComposablePointcut(new AnnotationMatchingPointcut(CacheAccess.class, true))
              .union(new AnnotationMatchingPointcut(null, CacheAccess.class, true));
      DefaultPointcutAdvisor advisor =
          new DefaultPointcutAdvisor(annotated, new CacheAccessInterceptor(cache));
      advisor.setOrder(Ordered.HIGHEST_PRECEDENCE);
      return advisor;
    }
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
