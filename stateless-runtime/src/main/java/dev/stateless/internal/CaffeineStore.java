package dev.stateless.internal;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.stateless.core.KeyPattern;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The in-process store: one {@link Region} for every entry, except that a component with
 * {@code @MaxSize} gets a region of its own, weighed in bytes and bounded by it. Entries have their
 * own TTLs and know their route, so a hit in the shared region needs no owner lookup.
 */
public final class CaffeineStore implements Store {

  private final long defaultMaxBytes;
  private final ConcurrentHashMap<String, Region> regions = new ConcurrentHashMap<>();

  @SuppressWarnings("NullAway.Init") // set by attach(), which the engine runs before any call
  private volatile Region shared;

  private final AtomicBoolean bound = new AtomicBoolean();

  /** Told of each primary entry that expired or was evicted (its key is gone from its owner). */
  private volatile Consumer<String> onGone = key -> {};

  /** Told of each entry that expired or was evicted (counted when metered). */
  private volatile Consumer<Entry> onEvicted = e -> {};

  private final Region.Removals removals =
      new Region.Removals() {
        @Override
        public void evicted(Entry e) {
          onEvicted.accept(e);
        }

        @Override
        public void gone(String key) {
          onGone.accept(key);
        }
      };

  private volatile Ticker ticker = Ticker.systemTicker();

  /**
   * A store whose entries of components without {@code @MaxSize} weigh at most {@code
   * defaultMaxBytes} together ({@code Long.MAX_VALUE}: unbounded).
   */
  public CaffeineStore(long defaultMaxBytes) {
    this.defaultMaxBytes = defaultMaxBytes;
  }

  @Override
  public void attach(LongSupplier nanoTime) {
    if (!bound.compareAndSet(false, true)) {
      throw new IllegalStateException(
          "this in-process store already serves a layer; call Stores.inProcess() per layer");
    }
    this.ticker = nanoTime::getAsLong;
    this.shared = newRegion(0);
    regions.put("", shared);
  }

  /** The region of every entry whose component has no {@code @MaxSize}: the fast path's. */
  public Region shared() {
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

  /** The region of a component's entries: its own when it has a {@code @MaxSize}, else shared. */
  public Region region(String component, long maxBytes) {
    if (maxBytes <= 0) {
      return shared;
    }
    return regions.computeIfAbsent(component, n -> newRegion(maxBytes));
  }

  private Region newRegion(long maxBytes) {
    long max = maxBytes > 0 ? maxBytes : defaultMaxBytes;
    return max == Long.MAX_VALUE
        ? Region.unbounded(ticker, removals)
        : Region.bounded(ticker, max, removals);
  }

  /** Whom to tell of the primary entries that expire or are evicted ({@link Engine#keyChanges}). */
  void onGone(Consumer<String> listener) {
    this.onGone = listener;
  }

  /** Whom to tell of every entry that expires or is evicted ({@link Metrics#evicted}). */
  void onEvicted(Consumer<Entry> listener) {
    this.onEvicted = listener;
  }

  /** Removes every key the pattern matches, in every region; returns how many went. */
  public long removeMatching(KeyPattern pattern, @Nullable String except) {
    long removed = 0;
    for (Region region : regions.values()) {
      removed += region.removeMatching(pattern, except);
    }
    return removed;
  }

  /** Visits the keys of every primary entry (copies are listed by their owner's layer). */
  public void forEachPrimaryKey(Consumer<String> action) {
    for (Region region : regions.values()) {
      region.forEachPrimaryKey(action);
    }
  }

  /** Drops every copy of an owner's keys (its invalidations were lost); returns how many. */
  public long dropCopiesOf(@Nullable String owner) {
    long dropped = 0;
    for (Region region : regions.values()) {
      dropped += region.dropCopiesOf(owner);
    }
    return dropped;
  }

  /** Counts the negative-caching markers (a walk of every entry). */
  public long absentMarkers() {
    long n = 0;
    for (Region region : regions.values()) {
      n += region.absentMarkers();
    }
    return n;
  }

  public long estimatedSize() {
    long n = 0;
    for (Region region : regions.values()) {
      n += region.estimatedSize();
    }
    return n;
  }

  @Override
  public void close() {
    for (Region region : regions.values()) {
      region.clear();
    }
    regions.clear();
  }
}
