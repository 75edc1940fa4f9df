package dev.stateless.internal;

import dev.stateless.annotation.CacheLayer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/** Publishes {@link Metrics} to Micrometer; loaded only when a registry is configured. */
public final class MicrometerBinder {
  private MicrometerBinder() {}

  public static void bind(Metrics m, Object registryObject, String cacheName) {
    MeterRegistry registry = (MeterRegistry) registryObject;
    for (CacheLayer layer : CacheLayer.values()) {
      String l = layer.name().toLowerCase(Locale.ROOT);
      counter(
          registry,
          "stateless.cache.gets",
          m.hits[layer.ordinal()],
          cacheName,
          "layer",
          l,
          "result",
          "hit");
      counter(
          registry,
          "stateless.cache.gets",
          m.misses[layer.ordinal()],
          cacheName,
          "layer",
          l,
          "result",
          "miss");
    }
    counter(registry, "stateless.invalidations", m.invalidationsSent, cacheName, "event", "sent");
    counter(
        registry,
        "stateless.invalidations",
        m.invalidationsReceived,
        cacheName,
        "event",
        "received");
    counter(
        registry,
        "stateless.invalidations",
        m.invalidationsReplayed,
        cacheName,
        "event",
        "replayed");
    counter(
        registry, "stateless.invalidations", m.invalidationsMissed, cacheName, "event", "missed");
    counter(registry, "stateless.fill.races.avoided", m.fillRacesAvoided, cacheName);
    counter(registry, "stateless.offline.conflicts", m.offlineConflicts, cacheName);
  }

  private static void counter(
      MeterRegistry registry, String name, LongAdder adder, String cacheName, String... tags) {
    FunctionCounter.builder(name, adder, LongAdder::doubleValue)
        .tags(tags)
        .tag("cache", cacheName)
        .register(registry);
  }
}
