package dev.stateless.internal;

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
 * The in-process store: one Caffeine cache for every entry, except that a component with
 * {@code @MaxSize} gets a cache of its own, weighed in bytes and bounded by it. Entries have their
 * own TTLs and know their route, so a hit in the shared cache needs no owner lookup.
 */
public final class LocalStore implements Store {

  /**
   * The value of a negative-caching marker: the owner's layer was read and held no value. Readers
   * of {@link Entry#value} answer {@code null} for it; it is a copy, so it is dropped as one.
   */
  public static final Object ABSENT = new Object();

  /** One stored value. Identity matters: a fill removes exactly the entry it installed. */
  public static final class Entry {
    public final Object value;
    public final int weight;
    public final long ttlNanos;

    /** The owner's route; null for a key nobody owns. */
    public final Route route;

    /** A copy of data whose primary is in a farther layer (else the primary itself). */
    public final boolean copy;

    /**
     * A client entry of {@code CLIENT_FIRST} writes still in the offline queue: served even while
     * the owner is unreachable, kept when invalidations arrive (a null value: a queued delete).
     */
    public final boolean pending;

    public Entry(Object value, int weight, long ttlNanos, Route route, boolean copy) {
      this(value, weight, ttlNanos, route, copy, false);
    }

    public Entry(
        Object value, int weight, long ttlNanos, Route route, boolean copy, boolean pending) {
      this.value = value;
      this.weight = weight;
      this.ttlNanos = ttlNanos;
      this.route = route;
      this.copy = copy;
      this.pending = pending;
    }

    /** A copy is served only while its primary's invalidations are being received. */
    public boolean trusted() {
      return !copy || pending || route.primaryLive();
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
  private volatile Cache<String, Entry> shared;
  private final AtomicBoolean bound = new AtomicBoolean();
  private volatile Ticker ticker = Ticker.systemTicker();

  public LocalStore(long defaultMaxBytes) {
    this.defaultMaxBytes = defaultMaxBytes;
  }

  public void bind(Ticker ticker) {
    if (!bound.compareAndSet(false, true)) {
      throw new IllegalStateException(
          "this in-process store already serves a layer; call Stores.inProcess() per layer");
    }
    this.ticker = ticker;
    this.shared = newRegion(0);
    regions.put("", shared);
  }

  /** The cache of every entry whose component has no {@code @MaxSize}: the fast path's. */
  public Cache<String, Entry> shared() {
    return shared;
  }

  @Override
  public String describe() {
    return "in-process";
  }

  @Override
  public boolean isShared() {
    return false;
  }

  /** The cache of a component's entries: its own when it has a {@code @MaxSize}, else shared. */
  public Cache<String, Entry> region(String component, long maxBytes) {
    if (maxBytes <= 0) {
      return shared;
    }
    return regions.computeIfAbsent(component, n -> newRegion(maxBytes));
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

  public static int weigh(String key, int valueBytes) {
    return 2 * key.length() + valueBytes + 32;
  }

  public OptionalLong remainingNanos(Cache<String, Entry> region, String key) {
    Policy.VarExpiration<String, Entry> v = region.policy().expireVariably().orElseThrow();
    return v.getExpiresAfter(key, TimeUnit.NANOSECONDS);
  }

  public boolean expire(Cache<String, Entry> region, String key, long ttlNanos) {
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
  public long removeMatching(KeyPattern pattern, String except) {
    long removed = 0;
    for (Cache<String, Entry> region : regions.values()) {
      Iterator<Map.Entry<String, Entry>> it = region.asMap().entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<String, Entry> next = it.next();
        String key = next.getKey();
        if (pattern.matches(key) && !key.equals(except) && !next.getValue().pending) {
          it.remove();
          removed++;
        }
      }
    }
    return removed;
  }

  /** Visits the keys of every primary entry (copies are listed by their owner's layer). */
  public void forEachPrimaryKey(java.util.function.Consumer<String> action) {
    for (Cache<String, Entry> region : regions.values()) {
      region
          .asMap()
          .forEach(
              (k, e) -> {
                if (!e.copy) {
                  action.accept(k);
                }
              });
    }
  }

  /** Drops every copy of an owner's keys (its invalidations were lost); returns how many. */
  public long dropCopiesOf(String owner) {
    long dropped = 0;
    for (Cache<String, Entry> region : regions.values()) {
      Iterator<Map.Entry<String, Entry>> it = region.asMap().entrySet().iterator();
      while (it.hasNext()) {
        Entry e = it.next().getValue();
        if (e.copy && !e.pending && java.util.Objects.equals(e.route.ownerName, owner)) {
          it.remove();
          dropped++;
        }
      }
    }
    return dropped;
  }

  /** Counts the negative-caching markers (a walk of every entry). */
  public long absentMarkers() {
    long n = 0;
    for (Cache<String, Entry> region : regions.values()) {
      for (Entry e : region.asMap().values()) {
        n += e.value == ABSENT ? 1 : 0;
      }
    }
    return n;
  }

  public long estimatedSize() {
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
