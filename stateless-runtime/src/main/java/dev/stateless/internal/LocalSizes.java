package dev.stateless.internal;

import dev.stateless.annotation.CacheLayer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * How many entries each component holds in each in-process layer, for the {@code cache.size}
 * gauges. A component with a region of its own ({@code @MaxSize}, {@code @Streaming}) is that
 * region's size, read without a walk. The shared region holds every other component's entries
 * together: one walk counts them all, and its counts serve every gauge read within a second, so a
 * scrape of all the gauges walks each layer's shared region once.
 */
public final class LocalSizes {
  private static final long FRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Layers layers;
  private final Routes routes;

  /** Per layer: the last walk of its shared region, or null. */
  private final @Nullable Walk[] walks = new Walk[CacheLayer.values().length];

  private record Walk(long takenNanos, Map<String, Long> counts) {}

  LocalSizes(Layers layers, Routes routes) {
    this.layers = layers;
    this.routes = routes;
  }

  /**
   * The entries of a component ({@code null}: keys nobody owns) in an in-process layer (copies and
   * negative-caching markers included); 0 for a layer that is not in-process.
   */
  public long of(@Nullable String component, CacheLayer layer) {
    int l = layer.ordinal();
    CaffeineStore store = layers.local(l);
    if (store == null) {
      return 0;
    }
    Route r = component == null ? routes.unowned() : routes.ofOwner(component);
    Region region = r.regions[l];
    if (region == null) {
      return 0;
    }
    if (region != store.shared()) {
      return region.sizeWithoutWalk();
    }
    return shared(l, store).getOrDefault(component == null ? Metrics.UNOWNED : component, 0L);
  }

  private synchronized Map<String, Long> shared(int layer, CaffeineStore store) {
    long now = System.nanoTime();
    Walk w = walks[layer];
    if (w == null || now - w.takenNanos() >= FRESH_NANOS) {
      Map<String, Long> counts = new HashMap<>();
      store.shared().countByOwner(counts);
      w = new Walk(now, counts);
      walks[layer] = w;
    }
    return w.counts();
  }
}
