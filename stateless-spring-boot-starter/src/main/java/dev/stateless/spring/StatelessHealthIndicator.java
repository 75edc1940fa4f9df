package dev.stateless.spring;

import dev.stateless.CacheStatus;
import dev.stateless.StatelessCache;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * The cache's health for Spring Boot Actuator ({@code /actuator/health}, component {@code
 * stateless}): UP while every layer's store is reachable and its invalidations are read without a
 * gap ({@link StatelessCache#status()}), DOWN otherwise. Details: per layer its store, whether it
 * is remote, reachable and its invalidations live; the {@code CLIENT_FIRST} writes still queued.
 * The check does no I/O. Thread-safe.
 */
public final class StatelessHealthIndicator extends AbstractHealthIndicator {
  private final StatelessCache cache;

  /**
   * Creates the indicator of a cache.
   *
   * @param cache the cache
   */
  public StatelessHealthIndicator(StatelessCache cache) {
    super("stateless health check failed");
    this.cache = Objects.requireNonNull(cache, "cache");
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    CacheStatus status = cache.status();
    if (status.healthy()) {
      builder.up();
    } else {
      builder.down();
    }
    Map<String, Object> layers = new LinkedHashMap<>();
    for (CacheStatus.LayerStatus l : status.layers()) {
      Map<String, Object> layer = new LinkedHashMap<>();
      layer.put("store", l.store());
      layer.put("remote", l.remote());
      layer.put("reachable", l.reachable());
      layer.put("invalidationsLive", l.invalidationsLive());
      layers.put(l.layer().name().toLowerCase(Locale.ROOT), layer);
    }
    builder.withDetail("layers", layers).withDetail("pendingWrites", status.pendingWrites());
  }
}
