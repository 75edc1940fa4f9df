package dev.stateless.internal;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Strategy;
import dev.stateless.core.Component;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where the keys of one owner live: the owner's layer (the primary copy), the strategy that places
 * copies nearer to the caller, and the in-process regions that hold them. {@link Routes} builds one
 * per owner (and per custom placement) up front, so routing a key is one owner lookup.
 */
public final class Route implements Entry.Source {
  /** The owner; null for a key nobody owns. */
  public final @Nullable Component owner;

  /** The owner's name; null for a key nobody owns. */
  public final @Nullable String ownerName;

  public final CacheLayer primary;
  public final Strategy strategy;

  /** Layers nearer than the primary where reads may find, and fills may leave, a copy. */
  public final boolean[] copies;

  public final long ttlNanos;
  public final long maxBytes;

  /** Per layer (by ordinal): the in-process region for this key, or null for a remote store. */
  public final @Nullable Region[] regions;

  /** The owner's layer's store when it is remote (copies then depend on its events), else null. */
  public final @Nullable RemoteStore primaryRemote;

  /** The owner's values: their declared type and their bytes. */
  public final ValueType values;

  /** The owner's counts, shared by its routes (a custom placement's too). */
  private final Metrics.Counts counts;

  Route(
      @Nullable Component owner,
      CacheLayer primary,
      Strategy strategy,
      boolean[] copies,
      long ttlNanos,
      long maxBytes,
      @Nullable Region[] regions,
      @Nullable RemoteStore primaryRemote,
      ValueType values,
      Metrics.Counts counts) {
    this.owner = owner;
    this.ownerName = owner == null ? null : owner.name();
    this.primary = primary;
    this.strategy = strategy;
    this.copies = copies;
    this.ttlNanos = ttlNanos;
    this.maxBytes = maxBytes;
    this.regions = regions;
    this.primaryRemote = primaryRemote;
    this.values = values;
    this.counts = counts;
  }

  @Override
  public Metrics.Counts counts() {
    return counts;
  }

  @Override
  public @Nullable String ownerName() {
    return ownerName;
  }

  /** Whether copies of these keys can be trusted: their primary's events are being received. */
  @Override
  public boolean primaryLive() {
    return primaryRemote == null || primaryRemote.live();
  }

  /** Whether the owner's values are streamed ({@code @Streaming}). */
  public boolean streaming() {
    return owner != null && owner.isStreaming();
  }

  /** The region of the owner's layer; null when the owner's layer is remote. */
  public @Nullable Region primaryRegion() {
    return regions[primary.ordinal()];
  }

  /** The region of a layer the caller knows is in-process here (its route has a region there). */
  public Region region(int layer) {
    return Objects.requireNonNull(regions[layer], "no in-process region in that layer");
  }

  /** The owner's layer's store, where the caller knows that layer is remote (no region there). */
  public RemoteStore remotePrimary() {
    return Objects.requireNonNull(primaryRemote, "the owner's layer is not remote");
  }
}
