package dev.stateless.internal;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.core.Component;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.noop.NoopTimer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Publishes a cache's {@link Metrics} to Micrometer under its cache conventions ({@code
 * cache.gets}, {@code cache.puts}, {@code cache.evictions}, {@code cache.size}, tagged {@code
 * cache} = component and {@code layer}), with the runtime's own counters, gauges and timers; every
 * meter carries {@code name} = the manifest's name. Loaded only when a registry is configured. The
 * meters are listed in docs/runtime.md ("Metrics").
 */
public final class MicrometerBinder {
  private static final CacheLayer[] LAYERS = CacheLayer.values();

  private MicrometerBinder() {}

  public static void bind(Engine engine, Object registryObject) {
    MeterRegistry registry = (MeterRegistry) registryObject;
    Metrics m = engine.metrics();
    Tags name = Tags.of("name", engine.name());
    List<@Nullable String> components = new ArrayList<>();
    for (Component c : engine.manifest().components()) {
      components.add(c.name());
    }
    components.add(null); // keys nobody owns
    for (@Nullable String component : components) {
      Metrics.Counts counts = m.counts(component);
      for (CacheLayer layer : LAYERS) {
        if (!engine.hasLayer(layer)) {
          continue;
        }
        int l = layer.ordinal();
        Tags tags =
            name.and("cache", component == null ? Metrics.UNOWNED : component)
                .and("layer", tag(layer));
        counter(registry, "cache.gets", counts.hits[l], tags.and("result", "hit"));
        counter(registry, "cache.gets", counts.misses[l], tags.and("result", "miss"));
        counter(registry, "cache.puts", counts.puts[l], tags);
        if (engine.inProcess(layer)) {
          counter(registry, "cache.evictions", counts.evictions[l], tags);
          LocalSizes sizes = engine.sizes();
          Gauge.builder("cache.size", sizes, s -> s.of(component, layer))
              .tags(tags)
              .description("Entries of the component held in the layer")
              .baseUnit("entries")
              .register(registry);
        }
      }
    }
    counter(registry, "stateless.invalidations", m.invalidationsSent, name.and("event", "sent"));
    counter(
        registry,
        "stateless.invalidations",
        m.invalidationsReceived,
        name.and("event", "received"));
    counter(
        registry,
        "stateless.invalidations",
        m.invalidationsReplayed,
        name.and("event", "replayed"));
    counter(
        registry, "stateless.invalidations", m.invalidationsMissed, name.and("event", "missed"));
    counter(registry, "stateless.fill.races.avoided", m.fillRacesAvoided, name);
    counter(registry, "stateless.offline.conflicts", m.offlineConflicts, name);
    Gauge.builder("stateless.offline.pending", engine.offline(), Offline::pendingWrites)
        .tags(name)
        .description("CLIENT_FIRST writes queued for their owner's store")
        .register(registry);
    Timer[][] calls = new Timer[LAYERS.length][2];
    boolean[] timing = new boolean[LAYERS.length];
    Timer[] lags = new Timer[LAYERS.length];
    for (CacheLayer layer : LAYERS) {
      if (!engine.hasLayer(layer)) {
        continue;
      }
      int l = layer.ordinal();
      Tags tags = name.and("layer", tag(layer));
      calls[l][Metrics.GET] = latency(registry, tags.and("operation", "get"));
      calls[l][Metrics.SET] = latency(registry, tags.and("operation", "set"));
      // A layer whose timers the registry's filters deny (MeterFilter.deny: no-op timers) is not
      // clocked at all: its in-process calls then cost what they cost without a registry.
      timing[l] =
          !(calls[l][Metrics.GET] instanceof NoopTimer
              && calls[l][Metrics.SET] instanceof NoopTimer);
      lags[l] =
          Timer.builder("stateless.invalidation.lag")
              .tags(tags)
              .description(
                  "From another node's write (the store's clock) to this node's copy dropped")
              .register(registry);
    }
    m.recorder(
        new Metrics.Recorder() {
          @Override
          public void call(int layer, int operation, long nanos) {
            Timer t = calls[layer][operation];
            if (t != null) {
              t.record(nanos, TimeUnit.NANOSECONDS);
            }
          }

          @Override
          public void lag(int layer, long millis) {
            Timer t = lags[layer];
            if (t != null) {
              t.record(millis, TimeUnit.MILLISECONDS);
            }
          }
        },
        timing);
  }

  private static String tag(CacheLayer layer) {
    return layer.name().toLowerCase(Locale.ROOT);
  }

  private static Timer latency(MeterRegistry registry, Tags tags) {
    return Timer.builder("stateless.layer.latency")
        .tags(tags)
        .description("One call to the layer's store")
        .register(registry);
  }

  private static void counter(MeterRegistry registry, String name, LongAdder adder, Tags tags) {
    FunctionCounter.builder(name, adder, LongAdder::doubleValue).tags(tags).register(registry);
  }
}
