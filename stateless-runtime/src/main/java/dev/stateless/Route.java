package dev.stateless;

import com.github.benmanes.caffeine.cache.Cache;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Strategy;
import dev.stateless.core.Component;

/**
 * Where one key lives: its owner, the owner's layer (the primary copy), the strategy that places
 * copies nearer to the caller, and the in-process regions that hold it. A pure function of the key
 * and the cache's configuration, so the engine memoizes it.
 */
final class Route {
  final String key;
  final Component owner;

  /** The owner's name; null for a key nobody owns. */
  final String ownerName;

  final CacheLayer primary;
  final Strategy strategy;

  /** Layers nearer than the primary where reads may find, and fills may leave, a copy. */
  final boolean[] copies;

  final long ttlNanos;
  final long maxBytes;

  /** Per layer (by ordinal): the in-process region for this key, or null for a shared store. */
  final Cache<String, LocalStore.Entry>[] regions;

  Route(
      String key,
      Component owner,
      CacheLayer primary,
      Strategy strategy,
      boolean[] copies,
      long ttlNanos,
      long maxBytes,
      Cache<String, LocalStore.Entry>[] regions) {
    this.key = key;
    this.owner = owner;
    this.ownerName = owner == null ? null : owner.name();
    this.primary = primary;
    this.strategy = strategy;
    this.copies = copies;
    this.ttlNanos = ttlNanos;
    this.maxBytes = maxBytes;
    this.regions = regions;
  }

  /** The region name of this key in a layer: primaries and copies never share a region. */
  static String regionName(String ownerName, boolean primary) {
    String base = ownerName == null ? RedisStore.UNOWNED : ownerName;
    return primary ? base : base + "#copy";
  }

  String describeOwner() {
    return owner == null ? "no owner" : "owner \"" + ownerName + "\" on " + primary;
  }
}
