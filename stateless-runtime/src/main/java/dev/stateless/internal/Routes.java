package dev.stateless.internal;

import dev.stateless.CacheStrategy;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Strategy;
import dev.stateless.core.Component;
import dev.stateless.core.Manifest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The route table: for every owner (and keys nobody owns) its {@link Route}, and one per custom
 * placement when a {@link CacheStrategy} places keys. Built once, when the in-process stores are
 * attached; routing a key is then one owner lookup (O(key length)) and an array read.
 */
public final class Routes {
  static final CacheLayer[] LAYERS = CacheLayer.values();

  private final Manifest manifest;
  private final Layers layers;
  private final @Nullable CacheStrategy custom;
  private final Strategy defaultStrategy;
  private final ValueTypes values;
  private final Metrics metrics;

  /**
   * Per owner name: its route, then its routes for each custom placement (CLIENT, EDGE, SERVER).
   */
  private final Map<String, Route[]> byOwner = new HashMap<>();

  @SuppressWarnings("NullAway.Init") // set by build(), which the engine's start() runs first
  private Route[] unowned;

  /** The nearest layer's shared in-process region, for the allocation-free hit; null if remote. */
  private @Nullable Region nearest;

  @SuppressWarnings("NullAway.Init") // set by build(), which the engine's start() runs first
  private CacheLayer nearestLayer;

  Routes(
      Manifest manifest,
      Layers layers,
      @Nullable CacheStrategy custom,
      Strategy defaultStrategy,
      ValueTypes values,
      Metrics metrics) {
    this.manifest = manifest;
    this.metrics = metrics;
    this.values = values;
    this.layers = layers;
    this.custom = custom;
    this.defaultStrategy = defaultStrategy;
  }

  /** The route of a key. */
  public Route route(String key) {
    Component owner = manifest.ownerOf(key).orElse(null);
    // build() made the routes of every component of the manifest
    Route[] variants =
        owner == null ? unowned : Objects.requireNonNull(byOwner.get(owner.name()), "route");
    if (custom == null) {
      return variants[0];
    }
    CacheLayer placed = custom.determineLocation(key);
    return variants[placed == null ? 0 : placed.ordinal() + 1];
  }

  /** An owner's own route (no custom placement). */
  Route ofOwner(String owner) {
    // callers pass the name of a component of the manifest, whose routes build() made
    return Objects.requireNonNull(byOwner.get(owner), "route")[0];
  }

  /** The route of keys nobody owns (no custom placement). */
  Route unowned() {
    return unowned[0];
  }

  /** Every route, the placements' included. */
  List<Route> all() {
    List<Route> all = new ArrayList<>();
    for (Route[] variants : byOwner.values()) {
      all.addAll(List.of(variants));
    }
    all.addAll(List.of(unowned));
    return all;
  }

  /** The owners' own routes. */
  List<Route> owners() {
    List<Route> all = new ArrayList<>();
    byOwner.values().forEach(v -> all.add(v[0]));
    return all;
  }

  /** The remote store of a layer the caller knows is remote (its route has no region there). */
  RemoteStore remote(CacheLayer layer) {
    return Objects.requireNonNull(layers.remote(layer), "the layer is in-process");
  }

  @Nullable Region nearestRegion() {
    return nearest;
  }

  CacheLayer nearestLayer() {
    return nearestLayer;
  }

  /** Builds every route once the in-process stores are attached. */
  void build() {
    for (Component c : manifest.components()) {
      byOwner.put(c.name(), variants(c));
    }
    unowned = variants(null);
    for (int l = 0; l < LAYERS.length; l++) {
      if (layers.has(LAYERS[l])) {
        CaffeineStore local = layers.local(l);
        nearest = local != null ? local.shared() : null;
        nearestLayer = LAYERS[l];
        break;
      }
    }
  }

  private Route[] variants(@Nullable Component owner) {
    Route[] v = new Route[LAYERS.length + 1];
    v[0] = computeRoute(owner, null);
    for (CacheLayer placed : LAYERS) {
      v[placed.ordinal() + 1] = custom == null ? v[0] : computeRoute(owner, placed);
    }
    return v;
  }

  private Route computeRoute(@Nullable Component owner, @Nullable CacheLayer placed) {
    CacheLayer primary;
    if (owner != null) {
      primary = owner.layer();
    } else if (placed != null && layers.has(placed)) {
      primary = placed;
    } else {
      primary = layers.farthest();
    }
    Strategy strategy =
        owner != null && owner.strategy() != Strategy.DEFAULT ? owner.strategy() : defaultStrategy;
    boolean[] copies = new boolean[LAYERS.length];
    if (strategy != Strategy.GLOBAL_CONSISTENT) {
      for (int l = 0; l < primary.ordinal(); l++) {
        if (!layers.has(LAYERS[l])) {
          continue;
        }
        boolean byStrategy =
            (strategy == Strategy.CLIENT_FIRST && l == CacheLayer.CLIENT.ordinal())
                || (strategy == Strategy.EDGE_OPTIMIZED && l == CacheLayer.EDGE.ordinal())
                || (owner != null && placed != null && placed.ordinal() == l);
        copies[l] = byStrategy || (owner != null && owner.backfill());
      }
    }
    long ttl = owner != null && owner.ttl().isPresent() ? owner.ttl().get().toNanos() : 0;
    long max = owner != null ? owner.maxSizeBytes().orElse(0) : 0;
    // Streamed values get a region of their own, so the get fast path never meets one.
    long regionMax = max == 0 && owner != null && owner.isStreaming() ? Long.MAX_VALUE : max;
    Region[] regions = new Region[LAYERS.length];
    for (int l = 0; l < LAYERS.length; l++) {
      CaffeineStore local = layers.local(l);
      if (local != null) {
        regions[l] = local.region(owner == null ? "" : owner.name(), regionMax);
      }
    }
    return new Route(
        owner,
        primary,
        strategy,
        copies,
        ttl,
        max,
        regions,
        layers.remote(primary.ordinal()),
        values.of(owner),
        metrics.counts(owner == null ? null : owner.name()));
  }
}
