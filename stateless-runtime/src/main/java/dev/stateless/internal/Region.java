package dev.stateless.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.stateless.core.KeyPattern;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The entries of one in-process region: the shared one of a {@link CaffeineStore}, or a component's
 * own when it has a {@code @MaxSize}. The only face of Caffeine the engine sees.
 *
 * <p>Caffeine picks its implementation from the policies asked for, and a cache with none is a
 * plain concurrent map; so does this class. A bounded region is a Caffeine cache with a weigher and
 * variable expiry. An unbounded one is a Caffeine cache with no policy, where an entry with a TTL
 * carries its deadline (checked when it is read, so an expired entry is never served) and is also
 * kept in a timer (an expiring Caffeine of those entries only) that removes it once it expires, so
 * an expired entry nobody reads again does not stay.
 */
public final class Region {
  /** Caffeine caps "never expires" near Long.MAX_VALUE / 2 nanoseconds; past this is it. */
  public static final long FOREVER = TimeUnit.DAYS.toNanos(365L * 100);

  private final Cache<String, Entry> cache;
  private final Map<String, Entry> map;

  /** The clock of deadlines, for an unbounded region; null for a bounded one (Caffeine's). */
  private final @Nullable Ticker ticker;

  /** An unbounded region's entries that have a TTL, expiring with it; null for a bounded one. */
  private final @Nullable Cache<String, Entry> timers;

  /** Told of each entry that expired or was evicted. */
  private final Removals removals;

  /** Whom a region tells of the entries it removes by itself: expired, or evicted for size. */
  interface Removals {
    Removals NONE = e -> {};

    /** An entry expired or was evicted (a copy, a marker or a primary). */
    void evicted(Entry e);

    /**
     * A primary entry expired or was evicted: its key is gone from its owner (copies are not the
     * owner's value). Called after {@link #evicted}.
     */
    default void gone(String key) {}
  }

  private Region(
      Cache<String, Entry> cache,
      @Nullable Ticker ticker,
      @Nullable Cache<String, Entry> timers,
      Removals removals) {
    this.removals = removals;
    this.cache = cache;
    this.map = cache.asMap();
    this.ticker = ticker;
    this.timers = timers;
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

  /**
   * A region bounded to {@code maxBytes} of entries (by {@link Entry#weight}); {@code removals} is
   * told of each entry that expires or is evicted.
   */
  static Region bounded(Ticker ticker, long maxBytes, Removals removals) {
    return new Region(
        Caffeine.newBuilder()
            .ticker(ticker)
            .expireAfter(EXPIRY)
            .executor(Runnable::run)
            .maximumWeight(maxBytes)
            .weigher((String k, Entry e) -> e.weight)
            // Expired entries leave on time, not at the next write: their listener hears of it.
            .scheduler(Scheduler.systemScheduler())
            .removalListener(
                (@Nullable String k, @Nullable Entry e, RemovalCause cause) -> {
                  if (cause.wasEvicted() && k != null && e != null) {
                    removals.evicted(e);
                    if (!e.copy) {
                      removals.gone(k);
                    }
                  }
                })
            .build(),
        null,
        null,
        removals);
  }

  /** A region bounded to {@code maxBytes}, telling no one of expiries. */
  static Region bounded(Ticker ticker, long maxBytes) {
    return bounded(ticker, maxBytes, Removals.NONE);
  }

  /** A region with no bound, telling no one of expiries. */
  static Region unbounded(Ticker ticker) {
    return unbounded(ticker, Removals.NONE);
  }

  /**
   * A region with no bound: no Caffeine policy on its reads; {@code removals} is told of each entry
   * that expires.
   */
  static Region unbounded(Ticker ticker, Removals removals) {
    Cache<String, Entry> plain = Caffeine.newBuilder().executor(Runnable::run).build();
    Map<String, Entry> entries = plain.asMap();
    // The removal listener runs on Caffeine's default executor, never inside a write of the
    // region (a map must not be written from within its own compute).
    Cache<String, Entry> timers =
        Caffeine.newBuilder()
            .ticker(ticker)
            .expireAfter(EXPIRY)
            .scheduler(Scheduler.systemScheduler())
            .removalListener(
                (@Nullable String k, @Nullable Entry e, RemovalCause cause) -> {
                  if (cause == RemovalCause.EXPIRED && k != null && e != null) {
                    // Exactly the entry that expired, and only if it really has: the same
                    // instance may have been put back, with a new deadline, since.
                    boolean[] removed = {false};
                    Entry left =
                        entries.computeIfPresent(
                            k,
                            (kk, cur) -> {
                              removed[0] = cur == e && ticker.read() - e.deadline >= 0;
                              return removed[0] ? null : cur;
                            });
                    if (removed[0]) {
                      removals.evicted(e);
                    }
                    if (left == null && !e.copy) {
                      removals.gone(k); // maybe removed by another step just before: harmless
                    }
                  }
                })
            .build();
    return new Region(plain, ticker, timers, removals);
  }

  /** The key's entry; null when absent, expired, or a copy whose fill is not confirmed yet. */
  public @Nullable Entry get(String key) {
    Entry e = cache.getIfPresent(key);
    if (e == null || e.unconfirmed) {
      return null;
    }
    if (e.deadline != Entry.NEVER && expired(e)) {
      if (map.remove(key, e)) {
        removals.evicted(e);
        if (!e.copy) {
          removals.gone(key);
        }
      }
      return null;
    }
    return e;
  }

  private boolean expired(Entry e) {
    return deadlineClock().read() - e.deadline >= 0;
  }

  /** The clock of deadlines: only an unbounded region's entries have them, and it has a ticker. */
  private Ticker deadlineClock() {
    return Objects.requireNonNull(ticker, "a bounded region keeps no deadlines");
  }

  /** An unbounded region's view of a current entry: null when it has expired. */
  private @Nullable Entry live(@Nullable Entry e) {
    return e != null && e.deadline != Entry.NEVER && expired(e) ? null : e;
  }

  /** Drops the timer of an entry leaving an unbounded region (it must not keep the entry alive). */
  private void leaving(String key, @Nullable Entry e) {
    if (timers != null && e != null && e.deadline != Entry.NEVER) {
      timers.asMap().remove(key, e);
    }
  }

  /** Gives an entry entering an unbounded region its deadline, and a timer if it has a TTL. */
  private @Nullable Entry entering(String key, @Nullable Entry e) {
    if (timers != null && e != null) {
      if (e.ttlNanos >= FOREVER) {
        e.deadline = Entry.NEVER;
      } else {
        e.deadline = deadlineClock().read() + e.ttlNanos;
        timers.put(key, e);
      }
    }
    return e;
  }

  public void put(String key, Entry e) {
    if (timers == null) {
      cache.put(key, e);
      return;
    }
    // One step, so the entry in the map and its timer cannot come from two racing puts.
    map.compute(
        key,
        (k, cur) -> {
          if (cur != e) {
            leaving(k, cur);
          }
          return entering(k, e);
        });
  }

  /** Removes exactly this entry; returns whether it was there. */
  public boolean remove(String key, Entry e) {
    boolean removed = map.remove(key, e);
    if (removed) {
      leaving(key, e);
    }
    return removed;
  }

  /** Removes the key; returns the entry it held (null when none, or expired). */
  public @Nullable Entry remove(String key) {
    Entry e = map.remove(key);
    if (timers == null) {
      return e;
    }
    leaving(key, e);
    return live(e);
  }

  public void invalidate(String key) {
    if (timers == null) {
      cache.invalidate(key);
    } else {
      leaving(key, map.remove(key));
    }
  }

  public @Nullable Entry compute(
      String key, BiFunction<String, @Nullable Entry, @Nullable Entry> fn) {
    if (timers == null) {
      return map.compute(key, fn);
    }
    return map.compute(
        key,
        (k, cur) -> {
          @Nullable Entry next = fn.apply(k, live(cur));
          if (next != cur) {
            leaving(k, cur);
          }
          // Also when the same entry is kept: its TTL starts again, as Caffeine's does on update.
          return entering(k, next);
        });
  }

  public @Nullable Entry computeIfPresent(
      String key, BiFunction<String, Entry, @Nullable Entry> fn) {
    if (timers == null) {
      return map.computeIfPresent(key, fn);
    }
    return compute(key, (k, cur) -> cur == null ? null : fn.apply(k, cur));
  }

  public @Nullable Entry putIfAbsent(String key, Entry e) {
    if (timers == null) {
      return map.putIfAbsent(key, e);
    }
    @Nullable Entry[] before = new Entry[1];
    compute(
        key,
        (k, cur) -> {
          before[0] = cur;
          return cur != null ? cur : e;
        });
    return before[0];
  }

  public @Nullable Entry replace(String key, Entry e) {
    if (timers == null) {
      return map.replace(key, e);
    }
    @Nullable Entry[] before = new Entry[1];
    compute(
        key,
        (k, cur) -> {
          before[0] = cur;
          return cur != null ? e : null;
        });
    return before[0];
  }

  public boolean replace(String key, Entry expected, Entry e) {
    if (timers == null) {
      return map.replace(key, expected, e);
    }
    boolean[] replaced = new boolean[1];
    compute(
        key,
        (k, cur) -> {
          replaced[0] = cur == expected;
          return replaced[0] ? e : cur;
        });
    return replaced[0];
  }

  /**
   * What is left of an entry's TTL: empty when absent, {@code >= FOREVER} when it never expires.
   */
  public OptionalLong remainingNanos(String key) {
    if (timers == null) {
      Policy.VarExpiration<String, Entry> v = cache.policy().expireVariably().orElseThrow();
      return v.getExpiresAfter(key, TimeUnit.NANOSECONDS);
    }
    Entry e = get(key);
    if (e == null) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(
        e.deadline == Entry.NEVER
            ? Long.MAX_VALUE
            : Math.max(0, e.deadline - deadlineClock().read()));
  }

  /**
   * What is left of an entry's TTL, or {@code Long.MAX_VALUE} when it never expires or is absent.
   */
  public long remainingOrForever(String key) {
    return remainingNanos(key).orElse(Long.MAX_VALUE);
  }

  /** Gives a present entry a new TTL; returns whether it was present. */
  public boolean expire(String key, long ttlNanos) {
    if (timers == null) {
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
    boolean[] present = new boolean[1];
    map.computeIfPresent(
        key,
        (k, cur) -> {
          Entry e = live(cur);
          present[0] = e != null;
          if (e != null) {
            // The same entry (fills take back exactly the entry they installed), a new deadline.
            e.deadline = deadlineClock().read() + ttlNanos;
            // The timer's previous entry: none or this same one.
            Entry unused =
                timers
                    .policy()
                    .expireVariably()
                    .orElseThrow()
                    .put(k, e, ttlNanos, TimeUnit.NANOSECONDS);
          }
          return e;
        });
    return present[0];
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
  long removeMatching(KeyPattern pattern, @Nullable String except) {
    long removed = 0;
    Iterator<Map.Entry<String, Entry>> it = map.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Entry> next = it.next();
      String key = next.getKey();
      Entry e = next.getValue();
      if (pattern.matches(key) && !key.equals(except) && !e.pending) {
        it.remove();
        leaving(key, e);
        removed += live(e) != null ? 1 : 0; // an expired one goes too, uncounted
      }
    }
    return removed;
  }

  /** Drops every copy (not pending) of an owner's keys; returns how many. */
  long dropCopiesOf(@Nullable String owner) {
    long dropped = 0;
    Iterator<Map.Entry<String, Entry>> it = map.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Entry> next = it.next();
      Entry e = next.getValue();
      if (e.copy && !e.pending && Objects.equals(e.source.ownerName(), owner)) {
        it.remove();
        leaving(next.getKey(), e);
        dropped += live(e) != null ? 1 : 0;
      }
    }
    return dropped;
  }

  void forEachPrimaryKey(Consumer<String> action) {
    map.forEach(
        (k, e) -> {
          if (!e.copy && live(e) != null) {
            action.accept(k);
          }
        });
  }

  long absentMarkers() {
    long n = 0;
    for (Entry e : map.values()) {
      n += e.isAbsent() && live(e) != null ? 1 : 0;
    }
    return n;
  }

  long estimatedSize() {
    cache.cleanUp();
    if (timers == null) {
      return cache.estimatedSize();
    }
    long n = 0;
    for (Entry e : map.values()) {
      n += live(e) != null ? 1 : 0;
    }
    return n;
  }

  /**
   * Entries held, without a walk: Caffeine's estimate for a bounded region, the map's size for an
   * unbounded one (expired entries not removed yet included).
   */
  long sizeWithoutWalk() {
    if (timers == null) {
      cache.cleanUp(); // pending evictions first: a bounded region's maintenance is amortized
      return cache.estimatedSize();
    }
    return map.size();
  }

  /** Adds each live entry to its owner's count ({@link Metrics#UNOWNED}: keys nobody owns). */
  void countByOwner(Map<String, Long> counts) {
    map.forEach(
        (k, e) -> {
          if (!e.unconfirmed && live(e) != null) {
            String owner = e.source.ownerName();
            counts.merge(owner == null ? Metrics.UNOWNED : owner, 1L, Long::sum);
          }
        });
  }

  /** Timers held (entries with a TTL); 0 for a bounded region. */
  long timerCount() {
    if (timers == null) {
      return 0;
    }
    timers.cleanUp();
    return timers.estimatedSize();
  }

  /** Entries held, expired ones not yet removed included. */
  long rawSize() {
    return map.size();
  }

  void clear() {
    cache.invalidateAll();
    if (timers != null) {
      timers.invalidateAll();
    }
  }
}
