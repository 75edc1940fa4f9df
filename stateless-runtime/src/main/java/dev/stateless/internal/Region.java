package dev.stateless.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Policy;
import dev.stateless.core.KeyPattern;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The entries of one in-process region: the shared one of a {@link CaffeineStore}, or a component's
 * own when it has a {@code @MaxSize}. The only face of Caffeine the engine sees.
 */
public final class Region {
  /** Caffeine caps "never expires" near Long.MAX_VALUE / 2 nanoseconds; past this is it. */
  public static final long FOREVER = TimeUnit.DAYS.toNanos(365L * 100);

  private final Cache<String, Entry> cache;
  private final Map<String, Entry> map;

  Region(Cache<String, Entry> cache) {
    this.cache = cache;
    this.map = cache.asMap();
  }

  public Entry get(String key) {
    return cache.getIfPresent(key);
  }

  public void put(String key, Entry e) {
    cache.put(key, e);
  }

  /** Removes exactly this entry; returns whether it was there. */
  public boolean remove(String key, Entry e) {
    return map.remove(key, e);
  }

  /** Removes the key; returns the entry it held, or null. */
  public Entry remove(String key) {
    return map.remove(key);
  }

  public void invalidate(String key) {
    cache.invalidate(key);
  }

  public Entry compute(String key, BiFunction<String, Entry, Entry> fn) {
    return map.compute(key, fn);
  }

  public Entry computeIfPresent(String key, BiFunction<String, Entry, Entry> fn) {
    return map.computeIfPresent(key, fn);
  }

  public Entry putIfAbsent(String key, Entry e) {
    return map.putIfAbsent(key, e);
  }

  public Entry replace(String key, Entry e) {
    return map.replace(key, e);
  }

  public boolean replace(String key, Entry expected, Entry e) {
    return map.replace(key, expected, e);
  }

  /**
   * What is left of an entry's TTL: empty when absent, {@code >= FOREVER} when it never expires.
   */
  public OptionalLong remainingNanos(String key) {
    Policy.VarExpiration<String, Entry> v = cache.policy().expireVariably().orElseThrow();
    return v.getExpiresAfter(key, TimeUnit.NANOSECONDS);
  }

  /**
   * What is left of an entry's TTL, or {@code Long.MAX_VALUE} when it never expires or is absent.
   */
  public long remainingOrForever(String key) {
    return remainingNanos(key).orElse(Long.MAX_VALUE);
  }

  /** Gives a present entry a new TTL; returns whether it was present. */
  public boolean expire(String key, long ttlNanos) {
    if (cache.getIfPresent(key) == null) {
      return false;
    }
    cache
        .policy()
        .expireVariably()
        .orElseThrow()
        .setExpiresAfter(key, ttlNanos, TimeUnit.NANOSECONDS);
    return true;
  }

  /** How many more bytes the region takes before it evicts; {@code Long.MAX_VALUE} if unbounded. */
  public long capacityLeft() {
    return cache
        .policy()
        .eviction()
        .map(e -> e.getMaximum() - e.weightedSize().orElse(0L))
        .orElse(Long.MAX_VALUE);
  }

  /**
   * Removes every key the pattern matches but {@code except} and pending writes; returns how many.
   */
  long removeMatching(KeyPattern pattern, String except) {
    long removed = 0;
    Iterator<Map.Entry<String, Entry>> it = map.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Entry> next = it.next();
      String key = next.getKey();
      if (pattern.matches(key) && !key.equals(except) && !next.getValue().pending) {
        it.remove();
        removed++;
      }
    }
    return removed;
  }

  /** Drops every copy (not pending) of an owner's keys; returns how many. */
  long dropCopiesOf(String owner) {
    long dropped = 0;
    Iterator<Entry> it = map.values().iterator();
    while (it.hasNext()) {
      Entry e = it.next();
      if (e.copy && !e.pending && Objects.equals(e.source.ownerName(), owner)) {
        it.remove();
        dropped++;
      }
    }
    return dropped;
  }

  void forEachPrimaryKey(Consumer<String> action) {
    map.forEach(
        (k, e) -> {
          if (!e.copy) {
            action.accept(k);
          }
        });
  }

  long absentMarkers() {
    long n = 0;
    for (Entry e : map.values()) {
      n += e.isAbsent() ? 1 : 0;
    }
    return n;
  }

  long estimatedSize() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  void clear() {
    cache.invalidateAll();
  }
}
