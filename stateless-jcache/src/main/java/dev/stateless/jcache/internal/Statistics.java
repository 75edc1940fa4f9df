package dev.stateless.jcache.internal;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import javax.cache.management.CacheStatisticsMXBean;

/** A cache's JCache statistics, counted while {@code statisticsEnabled}. */
final class Statistics implements CacheStatisticsMXBean {
  private final LongSupplier entryCount;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder puts = new LongAdder();
  private final LongAdder removals = new LongAdder();
  private final LongAdder evictions = new LongAdder();
  private final LongAdder getNanos = new LongAdder();
  private final LongAdder putNanos = new LongAdder();
  private final LongAdder removeNanos = new LongAdder();
  private volatile boolean enabled;

  Statistics(LongSupplier entryCount) {
    this.entryCount = entryCount;
  }

  boolean enabled() {
    return enabled;
  }

  void enabled(boolean on) {
    this.enabled = on;
  }

  long start() {
    return enabled ? System.nanoTime() : 0;
  }

  void hits(long n) {
    if (enabled) {
      hits.add(n);
    }
  }

  void misses(long n) {
    if (enabled) {
      misses.add(n);
    }
  }

  void puts(long n) {
    if (enabled) {
      puts.add(n);
    }
  }

  void removals(long n) {
    if (enabled) {
      removals.add(n);
    }
  }

  /** One read of one entry: its time since {@code start}, and a hit or a miss. */
  void read(boolean hit, long start) {
    getTime(start);
    if (hit) {
      hits(1);
    } else {
      misses(1);
    }
  }

  void getTime(long start) {
    if (enabled) {
      getNanos.add(System.nanoTime() - start);
    }
  }

  void putTime(long start) {
    if (enabled) {
      putNanos.add(System.nanoTime() - start);
    }
  }

  void removeTime(long start) {
    if (enabled) {
      removeNanos.add(System.nanoTime() - start);
    }
  }

  @Override
  public void clear() {
    hits.reset();
    misses.reset();
    puts.reset();
    removals.reset();
    evictions.reset();
    getNanos.reset();
    putNanos.reset();
    removeNanos.reset();
  }

  /** The number of live entries (not part of the MXBean interface; for tools). */
  long getEntryCount() {
    return entryCount.getAsLong();
  }

  @Override
  public long getCacheHits() {
    return hits.sum();
  }

  @Override
  public float getCacheHitPercentage() {
    long gets = getCacheGets();
    return gets == 0 ? 0 : 100f * getCacheHits() / gets;
  }

  @Override
  public long getCacheMisses() {
    return misses.sum();
  }

  @Override
  public float getCacheMissPercentage() {
    long gets = getCacheGets();
    return gets == 0 ? 0 : 100f * getCacheMisses() / gets;
  }

  @Override
  public long getCacheGets() {
    return getCacheHits() + getCacheMisses();
  }

  @Override
  public long getCachePuts() {
    return puts.sum();
  }

  @Override
  public long getCacheRemovals() {
    return removals.sum();
  }

  @Override
  public long getCacheEvictions() {
    return evictions.sum();
  }

  @Override
  public float getAverageGetTime() {
    return average(getNanos.sum(), getCacheGets());
  }

  @Override
  public float getAveragePutTime() {
    return average(putNanos.sum(), getCachePuts());
  }

  @Override
  public float getAverageRemoveTime() {
    return average(removeNanos.sum(), getCacheRemovals());
  }

  /** Microseconds per operation. */
  private static float average(long nanos, long count) {
    return count == 0 ? 0 : (nanos / 1000f) / count;
  }
}
