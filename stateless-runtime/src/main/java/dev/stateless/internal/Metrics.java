package dev.stateless.internal;

import dev.stateless.annotation.CacheLayer;
import java.util.concurrent.atomic.LongAdder;

/**
 * The runtime's counters. Kept as adders so a call costs an increment; Micrometer (optional) reads
 * them through function counters, see {@link MicrometerBinder}.
 */
public final class Metrics {
  /**
   * Whether gets are counted. Off unless a registry is bound: an uncontended adder still costs a
   * CAS per hit, a third of an in-process hit's time (Caffeine makes stats opt-in for the same
   * reason).
   */
  public final boolean countGets;

  public final LongAdder[] hits = adders(CacheLayer.values().length);
  public final LongAdder[] misses = adders(CacheLayer.values().length);
  public final LongAdder invalidationsSent = new LongAdder();
  public final LongAdder invalidationsReceived = new LongAdder();
  public final LongAdder invalidationsReplayed = new LongAdder();
  public final LongAdder invalidationsMissed = new LongAdder();
  public final LongAdder fillRacesAvoided = new LongAdder();

  /** CLIENT_FIRST writes from the offline queue not applied: the server had a newer version. */
  public final LongAdder offlineConflicts = new LongAdder();

  private static LongAdder[] adders(int n) {
    LongAdder[] a = new LongAdder[n];
    for (int i = 0; i < n; i++) {
      a[i] = new LongAdder();
    }
    return a;
  }

  public Metrics(boolean countGets) {
    this.countGets = countGets;
  }

  public void hit(CacheLayer layer) {
    if (countGets) {
      hits[layer.ordinal()].increment();
    }
  }

  public void count(CacheLayer layer, boolean hit) {
    if (hit) {
      hit(layer);
    } else {
      miss(layer);
    }
  }

  /** Counts a write's invalidation event, when the store publishes one. */
  public void sent(RemoteStore store) {
    if (store.publishes()) {
      invalidationsSent.increment();
    }
  }

  public void miss(CacheLayer layer) {
    if (countGets) {
      misses[layer.ordinal()].increment();
    }
  }
}
