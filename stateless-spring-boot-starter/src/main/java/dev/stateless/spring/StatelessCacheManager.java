package dev.stateless.spring;

import dev.stateless.StatelessCache;
import dev.stateless.core.Component;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.cache.CacheManager;

/**
 * A Spring {@link CacheManager} whose caches are the manifest's components:
 * {@code @Cacheable("users")} reads and writes the keys of component {@code users} with its rights
 * (see {@link StatelessComponentCache}). The set of caches is fixed by the manifest.
 *
 * <p>An unknown name: {@link #getCache(String)} returns {@code null}, as Spring's contract says for
 * a cache that does not exist, and Spring's cache interceptor then fails the annotated call with
 * {@code IllegalArgumentException: Cannot find cache named '...'}; no cache is made up for a name
 * the manifest lacks, as its keys would have no owner.
 *
 * <p>Thread-safe.
 */
public final class StatelessCacheManager implements CacheManager {
  private final StatelessCache cache;
  private final Map<String, StatelessComponentCache> caches;

  /**
   * Creates the manager of a cache's components.
   *
   * @param cache the cache; its manifest names the caches
   */
  public StatelessCacheManager(StatelessCache cache) {
    this.cache = Objects.requireNonNull(cache, "cache");
    Map<String, StatelessComponentCache> byName = new LinkedHashMap<>();
    for (Component c : cache.manifest().components()) {
      byName.put(c.name(), new StatelessComponentCache(cache, c));
    }
    this.caches = Map.copyOf(byName);
  }

  /**
   * Returns the cache of a component.
   *
   * @param name the component's name
   * @return its cache, or {@code null} when the manifest has no such component
   */
  @Override
  public @Nullable StatelessComponentCache getCache(String name) {
    return caches.get(name);
  }

  /**
   * Returns the names of the manifest's components, in the manifest's order.
   *
   * @return the names
   */
  @Override
  public Collection<String> getCacheNames() {
    return cache.manifest().components().stream().map(Component::name).toList();
  }

  /**
   * Returns the cache this manager serves.
   *
   * @return the cache
   */
  public StatelessCache statelessCache() {
    return cache;
  }
}
