package dev.stateless.internal;

import com.github.benmanes.caffeine.cache.Cache;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Strategy;
import dev.stateless.core.Component;
import dev.stateless.internal.redis.RedisStore;

/**
 * Where the keys of one owner live: the owner's layer (the primary copy), the strategy that places
 * copies nearer to the caller, and the in-process regions that hold them. The engine builds one per
 * owner (and per custom placement) up front, so routing a key is one owner lookup.
 */
public final class Route {
  public final Component owner;

  /** The owner's name; null for a key nobody owns. */
  public final String ownerName;

  public final CacheLayer primary;
  public final Strategy strategy;

  /** Layers nearer than the primary where reads may find, and fills may leave, a copy. */
  public final boolean[] copies;

  public final long ttlNanos;
  public final long maxBytes;

  /** Per layer (by ordinal): the in-process region for this key, or null for a shared store. */
  public final Cache<String, LocalStore.Entry>[] regions;

  /** The owner's layer's store when it is Redis (copies then depend on its events), else null. */
  public final RedisStore primaryRedis;

  public Route(
      Component owner,
      CacheLayer primary,
      Strategy strategy,
      boolean[] copies,
      long ttlNanos,
      long maxBytes,
      Cache<String, LocalStore.Entry>[] regions,
      Store primaryStore) {
    this.owner = owner;
    this.ownerName = owner == null ? null : owner.name();
    this.primary = primary;
    this.strategy = strategy;
    this.copies = copies;
    this.ttlNanos = ttlNanos;
    this.maxBytes = maxBytes;
    this.regions = regions;
    this.primaryRedis = primaryStore instanceof RedisStore ? (RedisStore) primaryStore : null;
  }

  /** Whether copies of these keys can be trusted: their primary's events are being received. */
  public boolean primaryLive() {
    return primaryRedis == null || primaryRedis.live();
  }

  public String describeOwner() {
    return owner == null ? "no owner" : "owner \"" + ownerName + "\" on " + primary;
  }
}
