package dev.stateless.internal;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Strategy;
import dev.stateless.core.AccessRules;
import dev.stateless.core.KeyShape;
import dev.stateless.core.Literals;
import dev.stateless.core.RedisGlob;
import dev.stateless.core.Rights;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Reads: from the nearest layer that holds the key to its owner's layer, leaving copies where the
 * route allows ({@link Copies}); one load per key and generation at a time from a remote layer (no
 * stampede); the allocation-free in-process hit for the blocking view.
 */
public final class Reads {
  private static final CacheLayer[] LAYERS = CacheLayer.values();
  private static final Object MISS = new Object();

  private final Lifecycle lifecycle;
  private final Routes routes;
  private final Layers layers;
  private final Generations generations;
  private final Copies copies;
  private final PendingWrites pending;
  private final Metrics metrics;

  /**
   * Where values from a remote store are decoded. The built-in forms and JSON are quick and never
   * block, so they run where the reply arrives; a custom codec might block, and must not stall the
   * I/O thread.
   */
  private final Executor decoding;

  private final ConcurrentHashMap<String, Flight> flights = new ConcurrentHashMap<>();

  /** One in-flight load of a key from a remote layer, valid for one generation. */
  private record Flight(long token, CompletableFuture<Object> future) {
    Flight(long token) {
      this(token, new CompletableFuture<>());
    }
  }

  Reads(
      Lifecycle lifecycle,
      Routes routes,
      Layers layers,
      Generations generations,
      Copies copies,
      PendingWrites pending,
      Metrics metrics,
      Executor decoding) {
    this.lifecycle = lifecycle;
    this.routes = routes;
    this.layers = layers;
    this.generations = generations;
    this.copies = copies;
    this.pending = pending;
    this.metrics = metrics;
    this.decoding = decoding;
  }

  /** The in-process fast path: a hit in the nearest layer, or {@link #MISS}. No allocation. */
  public @Nullable Object getLocal(String key) {
    Region region = routes.nearestRegion();
    if (region == null || generations.batching(key)) {
      return MISS;
    }
    if (metrics.metered) {
      return getLocalMetered(region, key);
    }
    Entry e = region.get(key);
    if (e == null || !e.trusted()) {
      return MISS; // the routed path walks the layers, checks and counts
    }
    return e.isAbsent() ? null : Values.copyOut(e.value);
  }

  /** {@link #getLocal} counting its hit; a miss is counted (and timed) by the routed path. */
  private @Nullable Object getLocalMetered(Region region, String key) {
    int layer = routes.nearestLayer().ordinal();
    long start = metrics.start(layer);
    Entry e = region.get(key);
    if (e == null || !e.trusted()) {
      return MISS;
    }
    metrics.timed(layer, Metrics.GET, start);
    metrics.hit(e.source, layer);
    return e.isAbsent() ? null : Values.copyOut(e.value);
  }

  /** A read of an in-process layer's region, timed when metered. */
  private @Nullable Entry read(Region region, String key, int layer) {
    long start = metrics.start(layer);
    Entry e = region.get(key);
    metrics.timed(layer, Metrics.GET, start);
    return e;
  }

  public static boolean isMiss(@Nullable Object o) {
    return o == MISS;
  }

  public CompletableFuture<Object> get(Rights rights, @Nullable CacheLayer via, String key) {
    Literals.checkKey(key);
    lifecycle.checkOpen();
    Route r = routes.route(key);
    if (r.streaming()) {
      Checks.throwIfErrors(AccessRules.checkRead(rights, KeyShape.exact(key), via));
    }
    boolean inBatch = generations.awaitBatch(key);
    if (via != null) {
      return readLayer(r, via, key).thenApply(v -> v == MISS ? null : v);
    }
    boolean copiesOk = r.strategy != Strategy.GLOBAL_CONSISTENT && r.primaryLive() && !inBatch;
    if (!copiesOk && pending.any() && r.regions[0] != null) {
      Entry p = r.regions[0].get(key);
      if (p != null && p.pending) {
        metrics.hit(r, 0); // this node's own queued write, served while Redis is away
        return CompletableFuture.completedFuture(p.value);
      }
    }
    int first = copiesOk ? 0 : r.primary.ordinal();
    long token = generations.token(key); // before any read: a fill may not outlive a later drop
    for (int l = first; l <= r.primary.ordinal(); l++) {
      if (!layers.has(LAYERS[l])) {
        continue;
      }
      Region region = r.regions[l];
      if (region != null) {
        Entry e = read(region, key, l);
        if (e != null) {
          metrics.hit(r, l);
          if (e.isAbsent()) {
            return CompletableFuture.completedFuture(null);
          }
          copies.fillNearer(
              r, key, l, e.value, e.weight, remainingNanos(r, l, key), e.version, token);
          return CompletableFuture.completedFuture(e.value);
        }
        metrics.miss(r, l);
      } else if (l == r.primary.ordinal() || r.copies[l]) {
        return load(r, key, l);
      }
    }
    copies.rememberAbsent(r, key, token, 0);
    return CompletableFuture.completedFuture(null);
  }

  private static long remainingNanos(Route r, int layer, String key) {
    OptionalLong left = r.region(layer).remainingNanos(key);
    return left.isPresent() && left.getAsLong() < Region.FOREVER ? left.getAsLong() : 0;
  }

  /** Reads a remote layer and the ones after it, one load per key and generation at a time. */
  private CompletableFuture<Object> load(Route r, String key, int from) {
    long token = generations.token(key);
    Flight mine = new Flight(token);
    Flight f = flights.compute(key, (k, cur) -> cur != null && cur.token() == token ? cur : mine);
    // Identity, not the record's equals: whether compute installed this call's own flight.
    @SuppressWarnings("ReferenceEquality")
    boolean joined = f != mine;
    if (joined) {
      return f.future();
    }
    CompletableFuture<Object> loading;
    try {
      loading = loadFrom(r, key, from, token);
    } catch (RuntimeException e) {
      loading = CompletableFuture.failedFuture(e);
    }
    Futures.whenDone(
        loading,
        (v, t) -> {
          flights.remove(key, mine);
          if (t != null) {
            mine.future().completeExceptionally(t);
          } else {
            mine.future().complete(v);
          }
        });
    return mine.future();
  }

  private CompletableFuture<Object> loadFrom(Route r, String key, int l, long token) {
    while (l <= r.primary.ordinal()
        && (!layers.has(LAYERS[l]) || (l < r.primary.ordinal() && !r.copies[l]))) {
      l++;
    }
    if (l > r.primary.ordinal()) {
      copies.rememberAbsent(r, key, token, 0); // the owner's layer was read: the key is absent
      return CompletableFuture.completedFuture(null);
    }
    int layer = l;
    Region region = r.regions[layer];
    if (region != null) {
      Entry e = read(region, key, layer);
      if (e == null) {
        metrics.miss(r, layer);
        return loadFrom(r, key, layer + 1, token);
      }
      metrics.hit(r, layer);
      if (e.isAbsent()) {
        return CompletableFuture.completedFuture(null);
      }
      copies.fillNearer(
          r, key, layer, e.value, e.weight, remainingNanos(r, layer, key), e.version, token);
      return CompletableFuture.completedFuture(e.value);
    }
    long marks = copies.marks(); // before the check: a mark after it is seen on the way back
    if (layer < r.primary.ordinal() && copies.behind(key)) {
      // it may not have applied the owner's latest change of the key yet: read the owner's layer
      return loadFrom(r, key, layer + 1, token);
    }
    // a present layer without an in-process region is remote
    RemoteStore remote = Objects.requireNonNull(layers.remote(layer), "remote");
    boolean fills = false;
    for (int n = 0; n < layer; n++) {
      fills |= r.regions[n] != null && r.copies[n];
    }
    CompletableFuture<TtlValue> read =
        fills
            ? metrics.timed(remote.getWithTtl(key, r.ownerName), layer, Metrics.GET)
            : metrics.timed(remote.get(key), layer, Metrics.GET).thenApply(TtlValue::of);
    return read.thenComposeAsync(
        found -> {
          if (layer < r.primary.ordinal() && copies.markedSince(key, marks)) {
            // marked while the read was under way (a write seen meanwhile, or the layer switched
            // to a node that may lag): what it read may predate the change, so ask the owner's
            return loadFrom(r, key, layer + 1, token);
          }
          byte[] bytes = found.value();
          if (bytes == null) {
            metrics.miss(r, layer);
            if (layer == r.primary.ordinal()) {
              // the owner's layer: absent, with the version of its delete if one is kept
              copies.rememberAbsent(r, key, token, found.version());
              return CompletableFuture.completedFuture(null);
            }
            return loadFrom(r, key, layer + 1, token);
          }
          metrics.hit(r, layer);
          Object value = decode(r, key, bytes);
          int weight = Entry.weigh(key, bytes.length);
          copies.fillNearer(
              r, key, layer, value, weight, found.copyTtlNanos(), found.version(), token);
          return CompletableFuture.completedFuture(value);
        },
        decoding);
  }

  private CompletableFuture<Object> readLayer(Route r, CacheLayer layer, String key) {
    generations.awaitBatch(key);
    if (layer.ordinal() < r.primary.ordinal() && !r.primaryLive()) {
      // the owner's layer is present: routes are built over present layers
      Store primary = Objects.requireNonNull(layers.store(r.primary), "store");
      throw Errors.copyNotProvablyFresh(key, layer.name(), primary.describe());
    }
    int l = layer.ordinal();
    Region region = r.regions[l];
    if (region != null) {
      Entry e = read(region, key, l);
      boolean hit = e != null && !e.isAbsent();
      metrics.count(r, l, hit);
      return CompletableFuture.completedFuture(hit && e != null ? e.value : MISS);
    }
    // a present layer without an in-process region is remote
    RemoteStore remote = Objects.requireNonNull(layers.remote(layer), "remote");
    return metrics
        .timed(remote.get(key), l, Metrics.GET)
        .thenApplyAsync(
            b -> {
              metrics.count(r, l, b != null);
              return b == null ? MISS : decode(r, key, b);
            },
            decoding);
  }

  /**
   * Decodes a value read from a remote store into the form an in-process layer keeps (see {@link
   * Values}); SL105 for a streamed value's pointer or bytes that are no value of the owner's type.
   */
  public static Object decode(Route r, String key, byte[] bytes) {
    if (StreamedValues.isPointer(bytes)) {
      throw Errors.streamedValueRead(key); // never hand out a pointer as if it were the value
    }
    return r.values.decodeStored(key, bytes);
  }

  /** Remaining TTL of the primary in milliseconds, Redis {@code PTTL} style: -1 none, -2 absent. */
  public CompletableFuture<Long> pttl(String key) {
    Literals.checkKey(key);
    lifecycle.checkOpen();
    Route r = routes.route(key);
    Region region = r.primaryRegion();
    if (region == null) {
      return r.remotePrimary().pttl(key);
    }
    if (region.get(key) == null) {
      return CompletableFuture.completedFuture(-2L);
    }
    long nanos = region.remainingOrForever(key);
    return CompletableFuture.completedFuture(
        nanos >= Region.FOREVER ? -1L : TimeUnit.NANOSECONDS.toMillis(nanos));
  }

  /** Keys matching a Redis glob in every layer's primaries (copies are not listed twice). */
  public CompletableFuture<List<String>> scan(String glob) {
    Literals.checkGlob(glob);
    lifecycle.checkOpen();
    Set<String> keys = ConcurrentHashMap.newKeySet();
    List<CompletableFuture<Void>> parts = new ArrayList<>();
    for (CaffeineStore local : layers.locals()) {
      local.forEachPrimaryKey(
          k -> {
            if (RedisGlob.matches(glob, k)) {
              keys.add(k);
            }
          });
    }
    for (RemoteStore remote : layers.remotes()) {
      parts.add(remote.scan(glob, keys::addAll));
    }
    return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]))
        .thenApply(
            v -> {
              List<String> sorted = new ArrayList<>(keys);
              sorted.sort(null);
              return sorted;
            });
  }
}
