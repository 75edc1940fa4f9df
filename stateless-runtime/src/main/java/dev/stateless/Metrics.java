package dev.stateless;

import dev.stateless.annotation.CacheLayer;
import java.util.concurrent.atomic.LongAdder;

/**
 * The runtime's counters. Kept as adders so a call costs an increment; Micrometer (optional) reads
 * them through function counters, see {@link MicrometerBinder}.
 */
final class Metrics {
  final LongAdder[] hits = adders(CacheLayer.values().length);
  final LongAdder[] misses = adders(CacheLayer.values().length);
  final LongAdder invalidationsSent = new LongAdder();
  final LongAdder invalidationsReceived = new LongAdder();
  final LongAdder invalidationsReplayed = new LongAdder();
  final LongAdder invalidationsMissed = new LongAdder();
  final LongAdder fillRacesAvoided = new LongAdder();

  private static LongAdder[] adders(int n) {
    LongAdder[] a = new LongAdder[n];
    for (int i = 0; i < n; i++) {
      a[i] = new LongAdder();
    }
    return a;
  }

  void hit(CacheLayer layer) {
    hits[layer.ordinal()].increment();
  }

  void miss(CacheLayer layer) {
    misses[layer.ordinal()].increment();
  }
}
