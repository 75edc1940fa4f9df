package dev.stateless.spring.internal;

import dev.stateless.spring.StatelessComponentCache;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.metrics.cache.CacheMeterBinderProvider;

/**
 * Spring Boot's {@code CacheMetricsRegistrar} binds every Spring cache through a provider, with
 * tags {@code cache} and {@code cache.manager}. A stateless cache's meters are the runtime's own
 * ({@code cache.gets}, {@code cache.puts}, {@code cache.evictions}, {@code cache.size}, tagged
 * {@code name}, {@code cache} = the component and {@code layer}), registered when the cache is
 * built with the registry: registering Micrometer's {@code CacheMeterBinder} meters too would give
 * one meter name two sets of tag keys, which Prometheus refuses. So this provider's binder
 * registers nothing; it only warns when the registry lacks the component's meters (a cache built
 * without that registry). docs/spring.md, "Metrics".
 */
public final class StatelessCacheMeterBinderProvider
    implements CacheMeterBinderProvider<StatelessComponentCache> {
  private static final Logger log =
      LoggerFactory.getLogger(StatelessCacheMeterBinderProvider.class);

  /** Created by the auto-configuration. */
  public StatelessCacheMeterBinderProvider() {}

  @Override
  public @Nullable MeterBinder getMeterBinder(StatelessComponentCache cache, Iterable<Tag> tags) {
    return registry -> check(registry, cache.getName());
  }

  private static void check(MeterRegistry registry, String component) {
    if (registry.find("cache.gets").tag("cache", component).meter() == null) {
      log.warn(
          "no cache.gets meter of cache \"{}\" in {}: the StatelessCache bean was built without"
              + " this MeterRegistry; build it with StatelessCache.Builder.meterRegistry(registry)"
              + " (the auto-configured bean does)",
          component,
          registry.getClass().getSimpleName());
    }
  }
}
