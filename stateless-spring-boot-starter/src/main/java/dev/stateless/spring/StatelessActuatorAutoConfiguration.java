package dev.stateless.spring;

import dev.stateless.StatelessCache;
import dev.stateless.spring.internal.StatelessCacheMeterBinderProvider;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.metrics.cache.CacheMeterBinderProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Spring Boot Actuator support, when actuator is on the class path: the {@code stateless} health
 * indicator ({@link StatelessHealthIndicator}; {@code management.health.stateless.enabled=false}
 * turns it off) and the cache meter binder provider of the Spring caches (docs/spring.md,
 * "Metrics").
 */
@AutoConfiguration(after = StatelessAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
public class StatelessActuatorAutoConfiguration {
  /** Created by Spring. */
  public StatelessActuatorAutoConfiguration() {}

  /**
   * The cache's health.
   *
   * @param cache the cache
   * @return the indicator, named {@code stateless} in {@code /actuator/health}
   */
  @Bean
  @ConditionalOnBean(StatelessCache.class)
  @ConditionalOnMissingBean(name = "statelessHealthIndicator")
  @ConditionalOnEnabledHealthIndicator("stateless")
  public StatelessHealthIndicator statelessHealthIndicator(StatelessCache cache) {
    return new StatelessHealthIndicator(cache);
  }

  /** The Spring caches' meter binder provider, with Micrometer. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({MeterRegistry.class, CacheMeterBinderProvider.class})
  static class CacheMetricsConfiguration {
    @Bean
    @ConditionalOnMissingBean
    StatelessCacheMeterBinderProvider statelessCacheMeterBinderProvider() {
      return new StatelessCacheMeterBinderProvider();
    }
  }
}
