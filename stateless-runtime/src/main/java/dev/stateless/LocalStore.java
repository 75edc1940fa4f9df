package dev.stateless;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.stateless.core.KeyPattern;
import java.util.Iterator;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The in-process store: one Caffeine cache per region (a component's entries, or the unowned ones),
 * each weighed in bytes and bounded by the component's {@code @MaxSize}, with per-entry TTLs.
 */
final class LocalStore extends LayerStore {

  /** One stored value. Identity matters: a fill removes exactly the entry it installed. */
  static final class Entry {
    final Object value;
    final int weight;
    final long ttlNanos;

    Entry(Object value, int weight, long ttlNanos) {
      this.value = value;
      this.weight = weight;
      this.ttlNanos = ttlNanos;
    }
  }

  private static final Expiry<String, Entry> EXPIRY =
      new Expiry<>() {
        @Override
        public long expireAfterCreate(String key, Entry e, long now) {
          return e.ttlNanos;
        }

        @Override
        public long expireAfterUpdate(String key, Entry e, long now, long remaining) {
          return e.ttlNanos;
        }

        @Override
        public long expireAfterRead(String key, Entry e, long now, long remaining) {
          return remaining;
        }
      };

  private final long defaultMaxBytes;
  private final ConcurrentHashMap<String, Cache<String, Entry>> regions = new ConcurrentHashMap<>();
  private final AtomicBoolean bound = new AtomicBoolean();
  private volatile Ticker ticker = Ticker.systemTicker();

  LocalStore(long defaultMaxBytes) {
    this.defaultMaxBytes = defaultMaxBytes;
  }

  void bind(Ticker ticker) {
    if (!bound.compareAndSet(false, true)) {
      throw new IllegalStateException(
          "this in-process store already serves a layer; call Stores.inProcess() per layer");
    }
    this.ticker = ticker;
  }

  @Override
  public String describe() {
    return "in-process";
  }

  @Override
  public boolean isShared() {
    return false;
  }

  /** The region's cache; {@code maxBytes} applies when the region is first used. */
  Cache<String, Entry> region(String name, long maxBytes) {
    Cache<String, Entry> c = regions.get(name);
    return c != null ? c : regions.computeIfAbsent(name, n -> newRegion(maxBytes));
  }

  private Cache<String, Entry> newRegion(long maxBytes) {
    long max = maxBytes > 0 ? maxBytes : defaultMaxBytes;
    Caffeine<String, Entry> b =
        Caffeine.newBuilder().ticker(ticker).expireAfter(EXPIRY).executor(Runnable::run);
    if (max != Long.MAX_VALUE) {
      b.maximumWeight(max).weigher((String k, Entry e) -> e.weight);
    }
    return b.build();
  }

  static int weigh(String key, int valueBytes) {
    return 2 * key.length() + valueBytes + 32;
  }

  OptionalLong remainingNanos(Cache<String, Entry> region, String key) {
    Policy.VarExpiration<String, Entry> v = region.policy().expireVariably().orElseThrow();
    return v.getExpiresAfter(key, TimeUnit.NANOSECONDS);
  }

  boolean expire(Cache<String, Entry> region, String key, long ttlNanos) {
    if (region.getIfPresent(key) == null) {
      return false;
    }
    region
        .policy()
        .expireVariably()
        .orElseThrow()
        .setExpiresAfter(key, ttlNanos, TimeUnit.NANOSECONDS);
    return true;
  }

  /** Removes every key the pattern matches, in every region; returns how many went. */
  long removeMatching(KeyPattern pattern, String except) {
    long removed = 0;
    for (Cache<String, Entry> region : regions.values()) {
      Iterator<Map.Entry<String, Entry>> it = region.asMap().entrySet().iterator();
      while (it.hasNext()) {
        String key = it.next().getKey();
        if (pattern.matches(key) && !key.equals(except)) {
          it.remove();
          removed++;
        }
      }
    }
    return removed;
  }

  /** Visits the keys of every region of primaries (copies are listed by their owner's layer). */
  void forEachPrimaryKey(java.util.function.Consumer<String> action) {
    regions.forEach(
        (name, region) -> {
          if (!name.endsWith("#copy")) {
            region.asMap().keySet().forEach(action);
          }
        });
  }

  /** Drops a whole region (an owner whose invalidations were lost). */
  void dropRegion(String name) {
    Cache<String, Entry> c = regions.get(name);
    if (c != null) {
      c.invalidateAll();
    }
  }

  long estimatedSize() {
    long n = 0;
    for (Cache<String, Entry> region : regions.values()) {
      region.cleanUp();
      n += region.estimatedSize();
    }
    return n;
  }

  @Override
  public void close() {
    for (Cache<String, Entry> region : regions.values()) {
      region.invalidateAll();
    }
    regions.clear();
  }
}
