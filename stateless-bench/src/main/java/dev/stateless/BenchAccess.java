package dev.stateless;

import com.github.benmanes.caffeine.cache.Cache;
import dev.stateless.annotation.CacheLayer;

/**
 * Lets benchmarks reach the very Caffeine cache a {@link StatelessCache} keeps a key in, so "the
 * SDK" and "raw Caffeine" are measured on the same data structure. Benchmark code only.
 */
public final class BenchAccess {
  private BenchAccess() {}

  /**
   * Returns the in-process region that holds a key in a layer.
   *
   * @param cache the cache
   * @param layer the layer (in-process)
   * @param key the key
   * @return the Caffeine cache of that region
   */
  public static Cache<String, ?> region(StatelessCache cache, CacheLayer layer, String key) {
    return cache.engine().route(key).regions[layer.ordinal()];
  }
}
