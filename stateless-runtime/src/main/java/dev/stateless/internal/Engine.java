package dev.stateless.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.stateless.CacheStrategy;
import dev.stateless.OfflineConflict;
import dev.stateless.SetOptions;
import dev.stateless.StatelessCache;
import dev.stateless.ValueCodec;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Strategy;
import dev.stateless.core.AccessRules;
import dev.stateless.core.Component;
import dev.stateless.core.Diagnostic;
import dev.stateless.core.KeyPattern;
import dev.stateless.core.KeyShape;
import dev.stateless.core.Literals;
import dev.stateless.core.Manifest;
import dev.stateless.core.Operation;
import dev.stateless.core.RedisGlob;
import dev.stateless.core.Rights;
import dev.stateless.core.StatelessException;
import dev.stateless.internal.redis.RedisStore;
import dev.stateless.internal.redis.StreamInvalidations;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The machinery behind every {@link StatelessCache} view: routing, rights checks (by core's {@link
 * AccessRules}), generation-checked fills, single-flight loads and invalidation.
 *
 * <p>Fill safety: every key maps to a stripe counter; an invalidation bumps the key's stripe (a
 * pattern bumps the epoch) before and after it deletes. A fill records the counters before it reads
 * the owner's layer and installs its copy only if they have not moved, then checks again and
 * removes exactly the entry it installed if they have. So a value read before an invalidation is
 * never left behind after it.
 *
 * <p>{@code CLIENT_FIRST} set (no condition) and del of Redis-owned keys go through {@link
 * OfflineWrites}: a pending client entry now, a record in the {@link OfflineQueue}, drained to
 * Redis in order and exactly once by {@link RedisStore#APPLY_QUEUED}. Conflict rule: a record
 * carries the SHA-1 of the value the client layer held for the key before the write ("-" known
 * absent, "?" unknown); when it is not "?" and Redis holds something else, the server's newer
 * version wins, the record is not applied, the client entry is dropped and the conflict reported
 * ({@link OfflineConflict}); a "?" record is a blind write, applied (last arrival wins).
 */
public final class Engine implements StreamInvalidations.Listener, AutoCloseable {
  public static final CacheLayer[] LAYERS = CacheLayer.values();
  private static final int STRIPES = 4096;
  private static final Object MISS = new Object();

  /**
   * Caffeine caps "never expires" near Long.MAX_VALUE / 2 nanoseconds; anything past this is it.
   */
  private static final long FOREVER = TimeUnit.DAYS.toNanos(365L * 100);

  public final Manifest manifest;
  public final String name;
  public final Store[] stores = new Store[LAYERS.length];
  public final ValueCodec codec;
  public final CacheStrategy custom;
  public final Strategy defaultStrategy;
  public final Metrics metrics;
  public final String nodeId = UUID.randomUUID().toString();
  private final Ticker ticker;
  private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);
  private final AtomicLong epoch = new AtomicLong();

  /**
   * Per stripe: how many atomic batches are applying keys of it. While one is, copies of its keys
   * are not served (reads go to the owner's layer), and reads of in-process primaries wait for
   * {@link #batchLock}: a reader that saw one write of a batch sees all of them.
   */
  private final java.util.concurrent.atomic.AtomicIntegerArray batching =
      new java.util.concurrent.atomic.AtomicIntegerArray(STRIPES);

  /** Held while an atomic batch writes in-process stores. */
  public final java.util.concurrent.locks.ReentrantLock batchLock =
      new java.util.concurrent.locks.ReentrantLock();

  private final ConcurrentHashMap<String, Flight> flights = new ConcurrentHashMap<>();

  /** {@code atomicUpdate} and {@code atomicBatch}. */
  public final AtomicOps atomics = new AtomicOps(this);

  /**
   * Per owner name: its route, then its routes for each custom placement (CLIENT, EDGE, SERVER).
   */
  private final java.util.Map<String, Route[]> routes = new java.util.HashMap<>();

  private Route[] unownedRoutes;

  /** The nearest layer's shared in-process cache, for the allocation-free hit; null if shared. */
  private Cache<String, LocalStore.Entry> nearest;

  private CacheLayer nearestLayer;
  private volatile boolean closed;

  /** The most a write's TTL is shortened by at random, as a fraction of it; 0: never. */
  private double ttlJitter;

  /** How long an "absent" marker is kept after a read found no value; 0: none kept. */
  private long negativeNanos;

  /** CLIENT_FIRST writes to Redis owners: made at start with a file, else on first use. */
  private volatile OfflineWrites offline;

  private java.nio.file.Path offlineFile;
  private java.util.function.Consumer<OfflineConflict> onConflict = OfflineWrites::logConflict;
  private long removalCommitNanos = TimeUnit.SECONDS.toNanos(1);

  /**
   * Where values from Redis are decoded. The standard codec is quick and never blocks, so it runs
   * where the reply arrives; a custom codec might block, and must not stall Lettuce's I/O thread.
   */
  private final java.util.concurrent.Executor decoding;

  private final java.util.concurrent.ExecutorService decodingPool;

  /**
   * Where setStream reads its InputStream (blocking I/O, never on a caller's or Redis's thread).
   */
  private final java.util.concurrent.ExecutorService streamingPool =
      Threads.cached("stateless-stream");

  /** One in-flight load of a key from a shared layer, valid for one generation. */
  private static final class Flight {
    public final long token;
    public final CompletableFuture<Object> future = new CompletableFuture<>();

    public Flight(long token) {
      this.token = token;
    }
  }

  public Engine(
      Manifest manifest,
      String name,
      Store[] configured,
      ValueCodec codec,
      CacheStrategy custom,
      Strategy defaultStrategy,
      Ticker ticker,
      boolean countGets) {
    this.metrics = new Metrics(countGets);
    this.manifest = manifest;
    this.name = name;
    this.codec = codec;
    this.custom = custom;
    this.defaultStrategy = defaultStrategy;
    this.ticker = ticker;
    if (codec == ValueCodec.standard()) {
      this.decodingPool = null;
      this.decoding = Runnable::run;
    } else {
      this.decodingPool = Threads.cached("stateless-decode");
      this.decoding = decodingPool;
    }
    for (CacheLayer layer : LAYERS) {
      if (manifest.layers().contains(layer)) {
        Store s = configured[layer.ordinal()];
        stores[layer.ordinal()] = s != null ? s : new LocalStore(Long.MAX_VALUE);
      }
    }
  }

  /** The offline queue's settings; called before {@link #start()}. */
  public void configureOffline(
      java.nio.file.Path file,
      java.util.function.Consumer<OfflineConflict> onConflict,
      long removalCommitNanos) {
    this.offlineFile = file;
    if (onConflict != null) {
      this.onConflict = onConflict;
    }
    this.removalCommitNanos = removalCommitNanos;
  }

  /** Sets the builder's options; called before {@link #start()}. */
  public void options(double ttlJitter, long negativeNanos) {
    this.ttlJitter = ttlJitter;
    this.negativeNanos = negativeNanos;
  }

  /**
   * Binds every store (connecting to Redis), then prefetches; closes what was bound if one fails.
   */
  public void start() {
    List<String> owners = new ArrayList<>();
    manifest.components().forEach(c -> owners.add(c.name()));
    try {
      for (Store s : stores) {
        if (s instanceof LocalStore) {
          ((LocalStore) s).bind(ticker);
        }
      }
      // Routes before Redis: its invalidation reader starts at bind and routes every event.
      buildRoutes();
      for (CacheLayer layer : LAYERS) {
        Store s = stores[layer.ordinal()];
        if (s instanceof RedisStore) {
          boolean nearerLocal = false;
          for (int i = 0; i < layer.ordinal(); i++) {
            nearerLocal |= stores[i] != null;
          }
          RedisStore redis = (RedisStore) s;
          redis.streamingOwners(streamingOwners());
          if (!redis.bind(nodeId, nearerLocal ? this : null, owners, queuesFor(redis))) {
            warnStartedDown(redis);
          }
        }
      }
      // After the bind: the invalidation readers are live, so the copies it makes are trusted.
      // A store that started disconnected is skipped (see warnStartedDown).
      prefetch();
      // After the prefetch: this node's own queued writes replace any copy it made.
      startOffline();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Whether a Redis store may start disconnected: this node has a durable offline queue (it may
   * hold writes queued by an earlier run, served from the client layer and drained once Redis is
   * back) and some owner in the store is CLIENT_FIRST. Otherwise a store that cannot connect fails
   * the build: a node with nothing queued has no reason to start blind.
   */
  private boolean queuesFor(RedisStore redis) {
    if (offlineFile == null) {
      return false;
    }
    List<Route[]> all = new ArrayList<>(routes.values());
    all.add(unownedRoutes);
    for (Route[] variants : all) {
      for (Route r : variants) {
        if (r != null
            && r.primaryRedis == redis
            && r.strategy == Strategy.CLIENT_FIRST
            && r.regions[CacheLayer.CLIENT.ordinal()] != null) {
          return true;
        }
      }
    }
    return false;
  }

  private void warnStartedDown(RedisStore redis) {
    System.getLogger(StatelessCache.class.getName())
        .log(
            System.Logger.Level.WARNING,
            "cache {0}: {1} is unreachable; starting anyway with the offline queue {2}: this"
                + " node''s queued CLIENT_FIRST writes are served from the client layer and"
                + " drained once Redis is back, other calls to it fail with SL100 until then, and"
                + " the warm-up (@Prefetch) of its keys is skipped",
            name,
            redis.describe(),
            offlineFile);
  }

  public boolean has(CacheLayer layer) {
    return stores[layer.ordinal()] != null;
  }

  public boolean isClosed() {
    return closed;
  }

  public void checkOpen() {
    if (closed) {
      throw Errors.closed();
    }
  }

  // ---- routing ----

  public Route route(String key) {
    Component owner = manifest.ownerOf(key).orElse(null);
    Route[] variants = owner == null ? unownedRoutes : routes.get(owner.name());
    if (custom == null) {
      return variants[0];
    }
    CacheLayer placed = custom.determineLocation(key);
    return variants[placed == null ? 0 : placed.ordinal() + 1];
  }

  /** Builds every route once the stores are bound. */
  private void buildRoutes() {
    for (Component c : manifest.components()) {
      routes.put(c.name(), variants(c));
    }
    unownedRoutes = variants(null);
    for (int l = 0; l < LAYERS.length; l++) {
      if (stores[l] != null) {
        nearest = stores[l] instanceof LocalStore ? ((LocalStore) stores[l]).shared() : null;
        nearestLayer = LAYERS[l];
        break;
      }
    }
  }

  private Route[] variants(Component owner) {
    Route[] v = new Route[LAYERS.length + 1];
    v[0] = computeRoute(owner, null);
    for (CacheLayer placed : LAYERS) {
      v[placed.ordinal() + 1] = custom == null ? v[0] : computeRoute(owner, placed);
    }
    return v;
  }

  @SuppressWarnings("unchecked")
  private Route computeRoute(Component owner, CacheLayer placed) {
    CacheLayer primary;
    if (owner != null) {
      primary = owner.layer();
    } else if (placed != null && has(placed)) {
      primary = placed;
    } else {
      primary = farthestLayer();
    }
    Strategy strategy =
        owner != null && owner.strategy() != Strategy.DEFAULT ? owner.strategy() : defaultStrategy;
    boolean[] copies = new boolean[LAYERS.length];
    if (strategy != Strategy.GLOBAL_CONSISTENT) {
      for (int l = 0; l < primary.ordinal(); l++) {
        if (stores[l] == null) {
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
    Cache<String, LocalStore.Entry>[] regions =
        (Cache<String, LocalStore.Entry>[]) new Cache<?, ?>[LAYERS.length];
    for (int l = 0; l < LAYERS.length; l++) {
      if (stores[l] instanceof LocalStore) {
        regions[l] = ((LocalStore) stores[l]).region(owner == null ? "" : owner.name(), regionMax);
      }
    }
    return new Route(
        owner, primary, strategy, copies, ttl, max, regions, stores[primary.ordinal()]);
  }

  private CacheLayer farthestLayer() {
    for (int l = LAYERS.length - 1; l >= 0; l--) {
      if (stores[l] != null) {
        return LAYERS[l];
      }
    }
    throw new IllegalStateException("a cache has at least one layer");
  }

  // ---- generations ----

  public long token(String key) {
    return stripes.get(key.hashCode() & (STRIPES - 1)) + epoch.get();
  }

  public void bump(String key) {
    stripes.incrementAndGet(key.hashCode() & (STRIPES - 1));
  }

  /**
   * Whether an atomic batch is applying a key of this key's stripe; if so, waits until no batch
   * writes the in-process stores, so in-process reads see all of a batch or none of it.
   */
  private boolean inBatch(String key) {
    if (batching.get(key.hashCode() & (STRIPES - 1)) == 0) {
      return false;
    }
    batchLock.lock();
    batchLock.unlock();
    return true;
  }

  /** Marks the stripes of a batch's keys (once each) as being written. */
  public int[] markBatch(List<String> keys) {
    int[] marked =
        keys.stream().mapToInt(k -> k.hashCode() & (STRIPES - 1)).distinct().sorted().toArray();
    for (int stripe : marked) {
      batching.incrementAndGet(stripe);
    }
    return marked;
  }

  public void unmarkBatch(int[] marked) {
    for (int stripe : marked) {
      batching.decrementAndGet(stripe);
    }
  }

  // ---- checks ----

  public static void throwIfErrors(List<Diagnostic> diagnostics) {
    List<Diagnostic> errors = new ArrayList<>();
    for (Diagnostic d : diagnostics) {
      if (d.severity() == Diagnostic.Severity.ERROR) {
        errors.add(d);
      }
    }
    if (!errors.isEmpty()) {
      throw new StatelessException(errors);
    }
  }

  // ---- reads ----

  /** The in-process fast path: a hit in the nearest layer, or {@link #MISS}. No allocation. */
  public Object getLocal(String key) {
    Cache<String, LocalStore.Entry> cache = nearest;
    if (cache == null || batching.get(key.hashCode() & (STRIPES - 1)) != 0) {
      return MISS;
    }
    LocalStore.Entry e = cache.getIfPresent(key);
    if (e == null || !e.trusted()) {
      return MISS; // the routed path walks the layers, checks and counts
    }
    metrics.hit(nearestLayer);
    return e.value == LocalStore.ABSENT ? null : copyOut(e.value);
  }

  /** Values leave the cache as copies when mutable, so no caller can change what others read. */
  public static Object copyOut(Object value) {
    return value instanceof byte[] ? ((byte[]) value).clone() : value;
  }

  /**
   * What an in-process store keeps of a written value: a copy of mutable ones (arrays, maps), so a
   * caller that changes its object afterwards changes nothing in the cache.
   */
  public static Object storedCopy(Object value) {
    if (value instanceof byte[]) {
      return ((byte[]) value).clone();
    }
    if (value instanceof java.util.Map) {
      return java.util.Collections.unmodifiableMap(
          new java.util.LinkedHashMap<>((java.util.Map<?, ?>) value));
    }
    return value;
  }

  /** Whether this node has CLIENT_FIRST writes of the key queued for its owner. */
  public boolean hasQueuedWrites(String key) {
    OfflineWrites o = offline;
    return o != null && o.pending(key);
  }

  public static boolean isMiss(Object o) {
    return o == MISS;
  }

  public CompletableFuture<Object> get(Rights rights, CacheLayer via, String key) {
    Literals.checkKey(key);
    checkOpen();
    Route r = route(key);
    if (r.owner != null && r.owner.isStreaming()) {
      throwIfErrors(AccessRules.checkRead(rights, KeyShape.exact(key), via));
    }
    boolean inBatch = inBatch(key);
    if (via != null) {
      return readLayer(r, via, key).thenApply(v -> v == MISS ? null : v);
    }
    boolean copiesOk = r.strategy != Strategy.GLOBAL_CONSISTENT && r.primaryLive() && !inBatch;
    if (!copiesOk && offline != null && r.regions[0] != null) {
      LocalStore.Entry p = r.regions[0].getIfPresent(key);
      if (p != null && p.pending) {
        metrics.hit(LAYERS[0]); // this node's own queued write, served while Redis is away
        return CompletableFuture.completedFuture(p.value);
      }
    }
    int first = copiesOk ? 0 : r.primary.ordinal();
    long token = token(key); // before any read: a fill may not outlive a later invalidation
    for (int l = first; l <= r.primary.ordinal(); l++) {
      if (stores[l] == null) {
        continue;
      }
      if (r.regions[l] != null) {
        LocalStore.Entry e = r.regions[l].getIfPresent(key);
        if (e != null) {
          metrics.hit(LAYERS[l]);
          if (e.value == LocalStore.ABSENT) {
            return CompletableFuture.completedFuture(null);
          }
          fillNearer(r, key, l, e.value, e.weight, remainingNanos(r, l, key), token);
          return CompletableFuture.completedFuture(e.value);
        }
        metrics.miss(LAYERS[l]);
      } else if (l == r.primary.ordinal() || r.copies[l]) {
        return load(r, key, l);
      }
    }
    rememberAbsent(r, key, token);
    return CompletableFuture.completedFuture(null);
  }

  private long remainingNanos(Route r, int layer, String key) {
    OptionalLong left = ((LocalStore) stores[layer]).remainingNanos(r.regions[layer], key);
    return left.isPresent() && left.getAsLong() < FOREVER ? left.getAsLong() : 0;
  }

  /** Reads a shared layer and the ones after it, one load per key and generation at a time. */
  private CompletableFuture<Object> load(Route r, String key, int from) {
    long token = token(key);
    Flight mine = new Flight(token);
    Flight f = flights.compute(key, (k, cur) -> cur != null && cur.token == token ? cur : mine);
    if (f != mine) {
      return f.future;
    }
    CompletableFuture<Object> loading;
    try {
      loading = loadFrom(r, key, from, token);
    } catch (RuntimeException e) {
      loading = CompletableFuture.failedFuture(e);
    }
    loading.whenComplete(
        (v, t) -> {
          flights.remove(key, mine);
          if (t != null) {
            mine.future.completeExceptionally(t);
          } else {
            mine.future.complete(v);
          }
        });
    return mine.future;
  }

  private CompletableFuture<Object> loadFrom(Route r, String key, int l, long token) {
    while (l <= r.primary.ordinal()
        && (stores[l] == null || (l < r.primary.ordinal() && !r.copies[l]))) {
      l++;
    }
    if (l > r.primary.ordinal()) {
      rememberAbsent(r, key, token); // the owner's layer was read: the key is absent
      return CompletableFuture.completedFuture(null);
    }
    int layer = l;
    Store s = stores[layer];
    if (s instanceof LocalStore) {
      LocalStore.Entry e = r.regions[layer].getIfPresent(key);
      if (e == null) {
        metrics.miss(LAYERS[layer]);
        return loadFrom(r, key, layer + 1, token);
      }
      metrics.hit(LAYERS[layer]);
      if (e.value == LocalStore.ABSENT) {
        return CompletableFuture.completedFuture(null);
      }
      fillNearer(r, key, layer, e.value, e.weight, remainingNanos(r, layer, key), token);
      return CompletableFuture.completedFuture(e.value);
    }
    RedisStore redis = (RedisStore) s;
    boolean fills = false;
    for (int n = 0; n < layer; n++) {
      fills |= r.regions[n] != null && r.copies[n];
    }
    CompletableFuture<Object[]> read =
        fills ? redis.getWithTtl(key) : redis.get(key).thenApply(v -> new Object[] {v, -1L});
    return read.thenComposeAsync(
        pair -> {
          byte[] bytes = (byte[]) pair[0];
          if (bytes == null) {
            metrics.miss(LAYERS[layer]);
            return loadFrom(r, key, layer + 1, token);
          }
          metrics.hit(LAYERS[layer]);
          Object value = decode(key, bytes);
          long millis = (Long) pair[1];
          // -1: no expiry; > 0: what is left; 0 or -2: it expired as it was read, so no copy.
          long ttl = millis > 0 ? TimeUnit.MILLISECONDS.toNanos(millis) : millis == -1 ? 0 : -1;
          fillNearer(r, key, layer, value, LocalStore.weigh(key, bytes.length), ttl, token);
          return CompletableFuture.completedFuture(value);
        },
        decoding);
  }

  /** Leaves copies in the in-process layers nearer than {@code found}, where the route allows. */
  private void fillNearer(
      Route r, String key, int found, Object value, int weight, long ttlNanos, long token) {
    if (ttlNanos < 0) {
      return;
    }
    for (int l = 0; l < found; l++) {
      Cache<String, LocalStore.Entry> region = r.regions[l];
      if (region == null || !r.copies[l]) {
        continue;
      }
      if (token(key) != token) {
        metrics.fillRacesAvoided.increment();
        return;
      }
      LocalStore.Entry e = new LocalStore.Entry(value, weight, ttlFor(ttlNanos), r, true);
      if (offline == null) {
        region.put(key, e);
      } else {
        OfflineWrites o = offline;
        // Never over this node's queued writes, even when their entry was evicted.
        region
            .asMap()
            .compute(key, (k, cur) -> (cur != null && cur.pending) || o.pending(k) ? cur : e);
      }
      if (token(key) != token) {
        region.asMap().remove(key, e);
        metrics.fillRacesAvoided.increment();
        return;
      }
    }
  }

  /**
   * Negative caching: leaves an "absent" marker where {@link #fillNearer} would leave a copy, for
   * the configured time but never longer than the owner's TTL, so the next reads of the key do not
   * reach the owner's layer. Every write, delete and invalidation drops it as it drops a copy.
   */
  private void rememberAbsent(Route r, String key, long token) {
    if (negativeNanos == 0) {
      return;
    }
    long ttl = r.ttlNanos > 0 ? Math.min(negativeNanos, r.ttlNanos) : negativeNanos;
    for (int l = 0; l < r.primary.ordinal(); l++) {
      Cache<String, LocalStore.Entry> region = r.regions[l];
      if (region != null
          && r.copies[l]
          && !installCopy(
              region,
              key,
              new LocalStore.Entry(LocalStore.ABSENT, LocalStore.weigh(key, 0), ttl, r, true),
              token)) {
        return;
      }
    }
  }

  /**
   * Installs a copy if the key's generation is still {@code token}, and takes exactly it back if
   * the generation moved meanwhile; returns whether it stays.
   */
  private boolean installCopy(
      Cache<String, LocalStore.Entry> region, String key, LocalStore.Entry e, long token) {
    if (token(key) != token) {
      metrics.fillRacesAvoided.increment();
      return false;
    }
    OfflineWrites o = offline;
    if (o == null) {
      region.put(key, e);
    } else if (region.asMap().compute(key, (k, cur) -> keepPending(o, k, cur) ? cur : e) != e) {
      return false; // never over this node's queued writes, even when their entry was evicted
    }
    if (token(key) != token) {
      region.asMap().remove(key, e);
      metrics.fillRacesAvoided.increment();
      return false;
    }
    return true;
  }

  private static boolean keepPending(OfflineWrites o, String key, LocalStore.Entry cur) {
    return (cur != null && cur.pending) || o.pending(key);
  }

  public static long ttlFor(long ttlNanos) {
    return ttlNanos > 0 ? ttlNanos : Long.MAX_VALUE;
  }

  private CompletableFuture<Object> readLayer(Route r, CacheLayer layer, String key) {
    inBatch(key);
    Store s = stores[layer.ordinal()];
    if (layer.ordinal() < r.primary.ordinal() && !r.primaryLive()) {
      throw Errors.copyNotProvablyFresh(key, layer.name(), stores[r.primary.ordinal()].describe());
    }
    if (s instanceof LocalStore) {
      LocalStore.Entry e = r.regions[layer.ordinal()].getIfPresent(key);
      boolean hit = e != null && e.value != LocalStore.ABSENT;
      count(layer, hit);
      return CompletableFuture.completedFuture(hit ? e.value : MISS);
    }
    return ((RedisStore) s)
        .get(key)
        .thenApplyAsync(
            b -> {
              count(layer, b != null);
              return b == null ? MISS : decode(key, b);
            },
            decoding);
  }

  private void count(CacheLayer layer, boolean hit) {
    if (hit) {
      metrics.hit(layer);
    } else {
      metrics.miss(layer);
    }
  }

  public Object decode(String key, byte[] bytes) {
    if (StreamedValues.isPointer(bytes)) {
      throw Errors.streamedValueRead(key); // never hand out a pointer as if it were the value
    }
    try {
      return codec.decode(bytes);
    } catch (IllegalArgumentException e) {
      throw Errors.cannotDecode(key, e.getMessage());
    }
  }

  // ---- writes ----

  /** The preamble of every write: a well-formed key, an open cache, and the rights to write it. */
  public Route writable(Rights rights, Operation op, String key, CacheLayer via) {
    Literals.checkKey(key);
    checkOpen();
    Route r = route(key);
    throwIfErrors(AccessRules.check(rights, op, KeyShape.exact(key), via));
    return r;
  }

  public CompletableFuture<Boolean> set(
      Rights rights,
      CacheLayer via,
      String key,
      Object value,
      SetOptions options,
      Strategy requested) {
    return set(Operation.WRITE, rights, via, key, value, options, requested);
  }

  /** A write checked as {@code op}: a plain, scoped ({@code setScoped}) or session write. */
  public CompletableFuture<Boolean> set(
      Operation op,
      Rights rights,
      CacheLayer via,
      String key,
      Object value,
      SetOptions options,
      Strategy requested) {
    java.util.Objects.requireNonNull(value, "value");
    Route r = writable(rights, op, key, via);
    if (requested != null) {
      throwIfErrors(AccessRules.checkStrategy(rights, requested));
    }
    byte[] bytes = codec.encode(value);
    int weight = LocalStore.weigh(key, bytes.length);
    if (r.maxBytes > 0 && weight > r.maxBytes) {
      throw Errors.valueTooLarge(key, r.ownerName, bytes.length, r.maxBytes);
    }
    Strategy strategy =
        requested != null
            ? requested
            : rights.strategy() != Strategy.DEFAULT ? rights.strategy() : r.strategy;
    CacheLayer target = via != null ? via : r.primary;
    long ttl = jitter(options.ttl() != null ? options.ttl().toNanos() : r.ttlNanos); // 0: none
    Object stored = storedCopy(value);
    int client = CacheLayer.CLIENT.ordinal();
    boolean clientCopy =
        via == null
            && strategy == Strategy.CLIENT_FIRST
            && r.strategy != Strategy.GLOBAL_CONSISTENT
            && target != CacheLayer.CLIENT
            && r.regions[client] != null
            && options.condition() == SetOptions.Condition.ALWAYS;
    if (clientCopy && r.primaryRedis != null) {
      return offline().set(r, key, stored, bytes, weight, ttl);
    }
    LocalStore.Entry clientEntry = null;
    long afterClientPut = 0;
    if (clientCopy) {
      bump(key);
      clientEntry = new LocalStore.Entry(stored, weight, ttlFor(ttl), r, true);
      r.regions[client].put(key, clientEntry);
      afterClientPut = token(key);
    }
    LocalStore.Entry firstCopy = clientEntry;
    long sinceCopy = afterClientPut;
    long beforeWrite = token(key);
    int edge = CacheLayer.EDGE.ordinal();
    boolean edgeCopy =
        via == null
            && strategy == Strategy.EDGE_OPTIMIZED
            && r.strategy != Strategy.GLOBAL_CONSISTENT
            && target == CacheLayer.SERVER
            && r.regions[edge] != null
            && options.condition() == SetOptions.Condition.ALWAYS;
    CompletableFuture<Boolean> primaryWrite;
    try {
      primaryWrite = writePrimary(r, target, key, stored, bytes, weight, ttl, options.condition());
    } catch (RuntimeException e) {
      primaryWrite = CompletableFuture.failedFuture(e);
    }
    return afterWrite(
        primaryWrite,
        r,
        rights,
        target,
        key,
        written -> {
          if (!written) {
            if (firstCopy != null) {
              r.regions[client].asMap().remove(key, firstCopy);
            }
            return false;
          }
          // The copies this write made stay only if no other write of the key came in between
          // (else a copy and its owner could disagree for good). They are dropped with the rest
          // and put back, each checked against the generation the drop leaves.
          long now = token(key);
          boolean undisturbed = now == (firstCopy != null ? sinceCopy : beforeWrite);
          dropCopies(r, target, key);
          if (undisturbed && firstCopy != null) {
            reinstall(r.regions[client], key, firstCopy, now + 2);
          }
          if (undisturbed && edgeCopy) {
            reinstall(
                r.regions[edge],
                key,
                new LocalStore.Entry(stored, weight, ttlFor(ttl), r, true),
                now + 2);
          }
          return true;
        });
  }

  /**
   * Shortens a write's TTL by a uniformly random part of at most {@link #ttlJitter} of it, so keys
   * written together do not expire together; no expiry (0) stays none.
   */
  public long jitter(long ttlNanos) {
    if (ttlJitter == 0 || ttlNanos <= 0) {
      return ttlNanos;
    }
    double cut = java.util.concurrent.ThreadLocalRandom.current().nextDouble() * ttlJitter;
    // At least one millisecond stays: Redis expires by the millisecond.
    return Math.max(TimeUnit.MILLISECONDS.toNanos(1), ttlNanos - (long) (cut * ttlNanos));
  }

  /** Puts a write's own copy back, unless the key's generation moved past {@code expected}. */
  private void reinstall(
      Cache<String, LocalStore.Entry> region, String key, LocalStore.Entry e, long expected) {
    if (token(key) != expected) {
      return;
    }
    region.put(key, e);
    if (token(key) != expected) {
      region.asMap().remove(key, e);
    }
  }

  /**
   * What follows every owner write. On success: {@code onWritten} (which drops the copies), then
   * the dependents. On failure the write may still have happened (a timeout, a dropped connection),
   * so the copies and dependents are dropped all the same, and the failure is reported; this node
   * skips its own events, so no one else would drop its copies.
   */
  public <T> CompletableFuture<T> afterWrite(
      CompletableFuture<T> write,
      Route r,
      Rights rights,
      CacheLayer target,
      String key,
      java.util.function.Function<T, T> onWritten) {
    CompletableFuture<T> written =
        write
            .handle(
                (v, failure) -> {
                  if (failure == null) {
                    return CompletableFuture.completedFuture(onWritten.apply(v));
                  }
                  dropCopies(r, target, key);
                  return CompletableFuture.<T>failedFuture(failure);
                })
            .thenCompose(f -> f);
    return thenDependents(written, () -> invalidateDependents(r, rights, key));
  }

  /**
   * After a write, whether or not it succeeded: drops its dependents. The result is the write's;
   * its failure wins over the dependents' failure.
   */
  public <T> CompletableFuture<T> thenDependents(
      CompletableFuture<T> write, java.util.function.Supplier<CompletableFuture<?>> dependents) {
    return write
        .handle(
            (v, failure) -> {
              CompletableFuture<?> dropped;
              try {
                dropped = dependents.get();
              } catch (RuntimeException e) {
                dropped = CompletableFuture.failedFuture(e);
              }
              return dropped.handle(
                  (n, depFailure) -> {
                    Throwable first = failure != null ? failure : depFailure;
                    if (first != null) {
                      throw first instanceof java.util.concurrent.CompletionException
                          ? (java.util.concurrent.CompletionException) first
                          : new java.util.concurrent.CompletionException(first);
                    }
                    return v;
                  });
            })
        .thenCompose(f -> f);
  }

  private CompletableFuture<Boolean> writePrimary(
      Route r,
      CacheLayer target,
      String key,
      Object value,
      byte[] bytes,
      int weight,
      long ttlNanos,
      SetOptions.Condition condition) {
    Store s = stores[target.ordinal()];
    if (s instanceof LocalStore) {
      Cache<String, LocalStore.Entry> region = r.regions[target.ordinal()];
      LocalStore.Entry e =
          new LocalStore.Entry(value, weight, ttlFor(ttlNanos), r, target != r.primary);
      boolean written;
      LocalStore.Entry marker = region.getIfPresent(key);
      if (marker != null && marker.value == LocalStore.ABSENT) {
        region.asMap().remove(key, marker); // "absent" is no value for a condition to see
      }
      if (condition == SetOptions.Condition.IF_ABSENT) {
        written = region.asMap().putIfAbsent(key, e) == null;
      } else if (condition == SetOptions.Condition.IF_PRESENT) {
        written = region.asMap().replace(key, e) != null;
      } else {
        region.put(key, e);
        written = true;
      }
      return CompletableFuture.completedFuture(written);
    }
    long px = ttlNanos > 0 ? Math.max(1, TimeUnit.NANOSECONDS.toMillis(ttlNanos)) : 0;
    countSent(s);
    return ((RedisStore) s).set(key, r.ownerName, bytes, px, condition);
  }

  /**
   * After a write to {@code target}: drops the key's copies in the nearer layers, where copies live
   * (bumping its generation around it, so no fill in flight can put an older value back), except
   * {@code keep}, the copy the write itself just made. Farther layers are left alone: a write
   * through {@code layer(CLIENT)} of a key nobody owns does not delete the server's value.
   */
  public void dropCopies(Route r, CacheLayer target, String key) {
    bump(key);
    for (int l = 0; l < target.ordinal(); l++) {
      if (r.regions[l] == null) {
        continue;
      }
      if (l == 0 && offline != null) {
        // Queued writes of the key are newer than what the invalidation was about: kept.
        r.regions[l].asMap().computeIfPresent(key, (k, e) -> e.pending ? e : null);
      } else {
        r.regions[l].invalidate(key);
      }
    }
    bump(key);
  }

  public CompletableFuture<Boolean> del(Rights rights, CacheLayer via, String key) {
    return delRouted(writable(rights, Operation.DELETE, key, via), rights, via, key);
  }

  /**
   * Deletes an entry a request scope or session created, at its end: the code that wrote it may
   * remove it (even a key nobody owns, which only a scope may write).
   */
  public CompletableFuture<Boolean> delOwnEntry(Rights rights, CacheLayer via, String key) {
    return delRouted(route(key), rights, via, key);
  }

  /** A checked delete: queued behind this node's CLIENT_FIRST writes, or applied now. */
  private CompletableFuture<Boolean> delRouted(Route r, Rights rights, CacheLayer via, String key) {
    Strategy strategy = rights.strategy() != Strategy.DEFAULT ? rights.strategy() : r.strategy;
    if (via == null
        && strategy == Strategy.CLIENT_FIRST
        && r.strategy != Strategy.GLOBAL_CONSISTENT
        && r.primaryRedis != null
        && r.regions[CacheLayer.CLIENT.ordinal()] != null
        && (r.owner == null || !r.owner.isStreaming())) { // a streamed value's chunks go with it
      return offline().del(r, key);
    }
    return delChecked(r, rights, via, key);
  }

  private CompletableFuture<Boolean> delChecked(
      Route r, Rights rights, CacheLayer via, String key) {
    CacheLayer target = via != null ? via : r.primary;
    Store s = stores[target.ordinal()];
    CompletableFuture<Boolean> removed;
    if (s instanceof LocalStore) {
      removed =
          CompletableFuture.completedFuture(
              r.regions[target.ordinal()].asMap().remove(key) != null);
    } else {
      countSent(s);
      removed =
          r.owner != null && r.owner.isStreaming()
              ? ((RedisStore) s).delStreamed(key, r.ownerName)
              : ((RedisStore) s).del(key, r.ownerName);
    }
    return afterWrite(
        removed,
        r,
        rights,
        target,
        key,
        existed -> {
          dropCopies(r, target, key);
          return existed;
        });
  }

  public CompletableFuture<Boolean> expire(Rights rights, String key, long ttlNanos) {
    Route r = writable(rights, Operation.WRITE, key, null);
    Store s = stores[r.primary.ordinal()];
    CompletableFuture<Boolean> done;
    if (s instanceof LocalStore) {
      done =
          CompletableFuture.completedFuture(
              ((LocalStore) s).expire(r.regions[r.primary.ordinal()], key, ttlNanos));
    } else {
      countSent(s);
      done =
          ((RedisStore) s)
              .expire(key, r.ownerName, Math.max(1, TimeUnit.NANOSECONDS.toMillis(ttlNanos)));
    }
    // Copies carry the old expiry: drop them whether or not the answer came back.
    return done.whenComplete((ok, failure) -> dropCopies(r, r.primary, key));
  }

  /** Remaining TTL of the primary in milliseconds, Redis {@code PTTL} style: -1 none, -2 absent. */
  public CompletableFuture<Long> pttl(String key) {
    Literals.checkKey(key);
    checkOpen();
    Route r = route(key);
    Store s = stores[r.primary.ordinal()];
    if (s instanceof RedisStore) {
      return ((RedisStore) s).pttl(key);
    }
    Cache<String, LocalStore.Entry> region = r.regions[r.primary.ordinal()];
    if (region.getIfPresent(key) == null) {
      return CompletableFuture.completedFuture(-2L);
    }
    OptionalLong left = ((LocalStore) s).remainingNanos(region, key);
    long nanos = left.orElse(Long.MAX_VALUE);
    return CompletableFuture.completedFuture(
        nanos >= FOREVER ? -1L : TimeUnit.NANOSECONDS.toMillis(nanos));
  }

  public CompletableFuture<Long> increment(Rights rights, String key, long delta) {
    Route r = writable(rights, Operation.WRITE, key, null);
    Store s = stores[r.primary.ordinal()];
    CompletableFuture<Long> done;
    if (s instanceof LocalStore) {
      Cache<String, LocalStore.Entry> region = r.regions[r.primary.ordinal()];
      long[] result = new long[1];
      region
          .asMap()
          .compute(
              key,
              (k, cur) -> {
                LocalStore.Entry live = cur == null || cur.value == LocalStore.ABSENT ? null : cur;
                Object v = live == null ? 0L : live.value;
                long n;
                Object next;
                if (v instanceof Long
                    || v instanceof Integer
                    || v instanceof Short
                    || v instanceof Byte) {
                  n = Math.addExact(((Number) v).longValue(), delta);
                  next = n;
                } else if (v instanceof String && isInteger((String) v)) {
                  n = Math.addExact(Long.parseLong((String) v), delta);
                  next = Long.toString(n);
                } else {
                  throw Errors.wrongType(key, "increment", v);
                }
                result[0] = n;
                int w = LocalStore.weigh(key, codec.encode(next).length);
                long ttl = live == null ? Long.MAX_VALUE : remainingOrForever(region, key, s);
                return new LocalStore.Entry(next, w, ttl, r, false);
              });
      done = CompletableFuture.completedFuture(result[0]);
    } else {
      countSent(s);
      done = ((RedisStore) s).incrBy(key, r.ownerName, delta);
    }
    return afterWrite(
        done,
        r,
        rights,
        r.primary,
        key,
        n -> {
          dropCopies(r, r.primary, key);
          return n;
        });
  }

  public static long remainingOrForever(
      Cache<String, LocalStore.Entry> region, String key, Store s) {
    return ((LocalStore) s).remainingNanos(region, key).orElse(Long.MAX_VALUE);
  }

  private static boolean isInteger(String s) {
    if (s.isEmpty() || s.length() > 19) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9') && !(i == 0 && c == '-' && s.length() > 1)) {
        return false;
      }
    }
    return true;
  }

  // ---- streamed values (see StreamedValues) ----

  private Set<String> streamingOwners() {
    Set<String> names = new java.util.HashSet<>();
    manifest
        .components()
        .forEach(
            c -> {
              if (c.isStreaming()) {
                names.add(c.name());
              }
            });
    return names;
  }

  /** The chunk size of a streamed key's owner; SL105 when the owner does not stream. */
  private static int chunkBytes(Route r, String key) {
    if (r.owner == null || !r.owner.isStreaming()) {
      throw Errors.notStreaming(key, r.ownerName);
    }
    long chunk = r.owner.streamingChunkBytes().getAsLong();
    return (int) Math.max(1, Math.min(chunk, StreamedValues.MAX_CHUNK));
  }

  public CompletableFuture<Void> setStream(
      Rights rights, CacheLayer via, String key, java.io.InputStream data) {
    java.util.Objects.requireNonNull(data, "data");
    Route r = writable(rights, Operation.STREAM_WRITE, key, via);
    int chunk = chunkBytes(r, key);
    CacheLayer target = via != null ? via : r.primary;
    Store s = stores[target.ordinal()];
    long ttlNanos = jitter(r.ttlNanos); // 0: none
    CompletableFuture<Boolean> written;
    try {
      if (s instanceof LocalStore) {
        Cache<String, LocalStore.Entry> region = r.regions[target.ordinal()];
        written =
            CompletableFuture.supplyAsync(
                () -> {
                  StreamedValues.Chunks v =
                      StreamedValues.readAll(data, chunk, key, r.ownerName, r.maxBytes);
                  long w = StreamedValues.weight(key, v.length);
                  region.put(
                      key,
                      new LocalStore.Entry(
                          v, (int) Math.min(w, Integer.MAX_VALUE), ttlFor(ttlNanos), r, false));
                  return true;
                },
                streamingPool);
      } else {
        RedisStore redis = (RedisStore) s;
        long px = ttlNanos > 0 ? Math.max(1, TimeUnit.NANOSECONDS.toMillis(ttlNanos)) : 0;
        written =
            CompletableFuture.supplyAsync(
                    () -> {
                      countSent(s);
                      return StreamedValues.write(
                          redis, key, r.ownerName, data, chunk, r.maxBytes, px);
                    },
                    streamingPool)
                .thenCompose(f -> f)
                .thenApply(n -> true);
      }
    } catch (java.util.concurrent.RejectedExecutionException e) {
      throw Errors.closed();
    }
    return afterWrite(
            written,
            r,
            rights,
            target,
            key,
            ok -> {
              dropCopies(r, target, key);
              return ok;
            })
        .thenApply(ok -> null);
  }

  public CompletableFuture<java.io.InputStream> stream(Rights rights, CacheLayer via, String key) {
    Literals.checkKey(key);
    checkOpen();
    Route r = route(key);
    throwIfErrors(
        via == null
            ? AccessRules.checkStreamingAccess(rights, KeyShape.exact(key), false)
            : AccessRules.check(rights, Operation.STREAM_READ, KeyShape.exact(key), via));
    chunkBytes(r, key);
    CacheLayer layer = via != null ? via : r.primary;
    if (layer != r.primary) {
      return CompletableFuture.completedFuture(null); // streamed values are never copied
    }
    Store s = stores[layer.ordinal()];
    if (s instanceof LocalStore) {
      LocalStore.Entry e = r.regions[layer.ordinal()].getIfPresent(key);
      count(layer, e != null);
      if (e == null) {
        return CompletableFuture.completedFuture(null);
      }
      if (!(e.value instanceof StreamedValues.Chunks)) {
        throw Errors.notAStreamedValue(key);
      }
      return CompletableFuture.completedFuture(((StreamedValues.Chunks) e.value).open());
    }
    RedisStore redis = (RedisStore) s;
    // Completed on a streaming thread: a caller's thenApply may read the stream there, which it
    // could not on Lettuce's I/O thread (the chunk replies arrive on that thread).
    return redis
        .get(key)
        .thenApplyAsync(
            pointer -> {
              count(layer, pointer != null);
              if (pointer == null) {
                return null;
              }
              if (!StreamedValues.isPointer(pointer)) {
                throw Errors.notAStreamedValue(key);
              }
              return StreamedValues.open(redis, key, pointer);
            },
            this::runStreaming);
  }

  /** Runs on the streaming pool, or (closed cache) on the common pool: never on the caller's. */
  private void runStreaming(Runnable task) {
    try {
      streamingPool.execute(task);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      java.util.concurrent.ForkJoinPool.commonPool().execute(task);
    }
  }

  // ---- invalidation ----

  /** The write's dependents: the owner's @Invalidates, the code's invalidates, the strategy's. */
  public CompletableFuture<Long> invalidateDependents(Route r, Rights rights, String key) {
    if ((r.owner == null || r.owner.invalidates().isEmpty())
        && (rights == null || rights.invalidates().isEmpty())
        && custom == null) {
      return CompletableFuture.completedFuture(0L); // the common case, without allocating
    }
    Set<String> patterns = new LinkedHashSet<>();
    if (r.owner != null) {
      r.owner.invalidates().forEach(p -> patterns.add(p.toString()));
    }
    if (rights != null) {
      rights.invalidates().forEach(p -> patterns.add(p.toString()));
    }
    if (custom != null) {
      patterns.addAll(custom.handleInvalidation(key));
    }
    if (patterns.isEmpty()) {
      return CompletableFuture.completedFuture(0L);
    }
    List<KeyPattern> parsed = new ArrayList<>();
    for (String p : patterns) {
      parsed.add(KeyPattern.parse(p));
    }
    if (RedisStore.onIoThread()) {
      // The in-process part walks the local entries: not on the thread that reads Redis replies.
      return CompletableFuture.supplyAsync(
              () -> invalidateAll(parsed, key), java.util.concurrent.ForkJoinPool.commonPool())
          .thenCompose(f -> f);
    }
    return invalidateAll(parsed, key);
  }

  public CompletableFuture<Long> invalidatePattern(Rights rights, String text) {
    java.util.Objects.requireNonNull(text, "pattern");
    checkOpen();
    KeyPattern pattern = KeyPattern.parse(text);
    throwIfErrors(AccessRules.check(rights, Operation.INVALIDATE, KeyShape.of(pattern), null));
    Set<String> seen = new TreeSet<>();
    seen.add(pattern.toString());
    List<KeyPattern> all = new ArrayList<>();
    all.add(pattern);
    if (custom != null) {
      for (String more : custom.handleInvalidation(text)) {
        if (seen.add(more)) {
          all.add(KeyPattern.parse(more));
        }
      }
    }
    return invalidateAll(all, null);
  }

  /** Invalidates patterns; {@code written}, the key whose write caused it, is kept. */
  private CompletableFuture<Long> invalidateAll(List<KeyPattern> patterns, String written) {
    CompletableFuture<Long> total = CompletableFuture.completedFuture(0L);
    for (KeyPattern p : patterns) {
      total = total.thenCombine(invalidateOne(p, written), Long::sum);
    }
    return total;
  }

  /**
   * Drops every key a pattern matches in every layer: in-process by a walk of the entries, in Redis
   * through each overlapping owner's key index, then one event per owner whose keys it may touch.
   * The events go out even when a deletion step fails: keys already gone must not stay copied on
   * other nodes.
   */
  private CompletableFuture<Long> invalidateOne(KeyPattern p, String written) {
    epoch.incrementAndGet();
    long local = 0;
    for (Store s : stores) {
      if (s instanceof LocalStore) {
        local += ((LocalStore) s).removeMatching(p, written);
      }
    }
    CompletableFuture<Long> total = CompletableFuture.completedFuture(local);
    boolean shared = false;
    for (Store s : stores) {
      if (s instanceof RedisStore) {
        shared = true;
        RedisStore redis = (RedisStore) s;
        List<String> owners = ownersOverlapping(p);
        CompletableFuture<Long> deleted = CompletableFuture.completedFuture(0L);
        for (String owner : owners) {
          deleted =
              deleted.thenCompose(
                  n -> redis.deleteMatching(owner, p, written).thenApply(m -> n + m));
        }
        CompletableFuture<Long> published =
            deleted
                .handle((n, failure) -> publishPattern(redis, p, owners).thenApply(v -> n))
                .thenCompose(f -> f)
                .thenCombine(deleted, (n, m) -> m); // a deletion failure wins over success
        total = total.thenCombine(published, Long::sum);
      }
    }
    if (!shared) {
      return total;
    }
    // Fills that read Redis before its keys were gone may have installed copies: drop them, off
    // the I/O thread (the walk is as long as the in-process layers are large).
    return total.whenCompleteAsync(
        (n, t) -> {
          epoch.incrementAndGet();
          for (Store s : stores) {
            if (s instanceof LocalStore) {
              ((LocalStore) s).removeMatching(p, written);
            }
          }
          epoch.incrementAndGet();
        },
        java.util.concurrent.ForkJoinPool.commonPool());
  }

  public void countSent(Store s) {
    if (((RedisStore) s).publishes()) {
      metrics.invalidationsSent.increment();
    }
  }

  /** The owners whose keys a pattern may match, and null for the keys nobody owns. */
  private List<String> ownersOverlapping(KeyPattern p) {
    List<String> owners = new ArrayList<>();
    for (Component c : manifest.components()) {
      for (KeyPattern owned : c.owns()) {
        if (owned.overlaps(p)) {
          owners.add(c.name());
          break;
        }
      }
    }
    owners.add(null);
    return owners;
  }

  private CompletableFuture<Void> publishPattern(
      RedisStore redis, KeyPattern p, List<String> owners) {
    if (!redis.publishes()) {
      return CompletableFuture.completedFuture(null);
    }
    List<CompletableFuture<Long>> sent = new ArrayList<>();
    for (String owner : owners) {
      sent.add(redis.publishPattern(owner, p.toString()));
      metrics.invalidationsSent.increment();
    }
    return CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0]));
  }

  // ---- events from other nodes ----

  @Override
  public void onKey(String owner, String key) {
    metrics.invalidationsReceived.increment();
    Route r = route(key);
    dropCopies(r, r.primary, key);
  }

  @Override
  public void onPattern(String owner, String pattern) {
    metrics.invalidationsReceived.increment();
    KeyPattern p;
    try {
      p = KeyPattern.parse(pattern);
    } catch (StatelessException e) {
      onLost(owner, 1);
      return;
    }
    epoch.incrementAndGet();
    for (int l = 0; l < LAYERS.length; l++) {
      if (stores[l] instanceof LocalStore) {
        ((LocalStore) stores[l]).removeMatching(p, null);
      }
    }
    epoch.incrementAndGet();
  }

  @Override
  public void onLost(String owner, long missed) {
    metrics.invalidationsMissed.add(Math.max(1, missed));
    epoch.incrementAndGet();
    for (Store s : stores) {
      if (s instanceof LocalStore) {
        ((LocalStore) s).dropCopiesOf(owner);
      }
    }
    epoch.incrementAndGet();
  }

  @Override
  public void onReplayed() {
    metrics.invalidationsReplayed.increment();
  }

  // ---- warm-up ----

  /** How many keys one warm-up step lists (SCAN COUNT) and reads (one script call). */
  public static final int PREFETCH_PAGE = 500;

  /**
   * Loads the keys of every {@code @Prefetch} pattern from their owner's Redis layer into the
   * nearest in-process layer nearer than it where the manifest allows copies ({@code @Backfill}, or
   * the strategy's layer), as copies carrying the owner's remaining TTL, so the first reads after
   * the start are local (reads look in every in-process layer). An owner with no such layer (e.g.
   * {@code @Layer(EDGE)} data without {@code @Backfill}, which must not be copied into the client)
   * is not prefetched: a warning at build names it. Streamed values are never copied, so
   * {@code @Streaming} owners are skipped. A bounded region ({@code @MaxSize}, {@code
   * Stores.inProcess(size)}) is filled up to its bound and no further, so the warm-up evicts
   * nothing. In-process owner layers start empty (a store serves one cache), so there is nothing to
   * load for them.
   */
  private void prefetch() {
    Set<String> done = new java.util.HashSet<>();
    for (Component c : manifest.components()) {
      for (KeyPattern p : c.prefetch()) {
        for (Component owner : manifest.components()) {
          for (KeyPattern owned : owner.owns()) {
            if (owned.overlaps(p) && done.add(owner.name() + '\n' + p)) {
              prefetch(owner, p);
            }
          }
        }
      }
    }
  }

  /** Loads one owner's keys that a prefetch pattern matches, a page at a time. */
  private void prefetch(Component owner, KeyPattern pattern) {
    Route r = routes.get(owner.name())[0];
    if (r.strategy == Strategy.GLOBAL_CONSISTENT || r.primaryRedis == null || owner.isStreaming()) {
      return; // never copied, or nothing stored yet
    }
    if (!r.primaryRedis.connected()) {
      return; // started while Redis was down (warned): nothing to read
    }
    int target = -1;
    boolean local = false;
    for (int l = 0; l < r.primary.ordinal() && target < 0; l++) {
      local |= stores[l] instanceof LocalStore;
      target = stores[l] instanceof LocalStore && r.copies[l] ? l : -1;
    }
    if (target < 0) {
      if (local) {
        System.getLogger(StatelessCache.class.getName())
            .log(
                System.Logger.Level.WARNING,
                "cache {0}: @Prefetch of component \"{1}\" ({2}) is skipped: the manifest allows"
                    + " no copies of its data nearer than {3}; add @Backfill to allow them",
                name,
                owner.name(),
                pattern,
                r.primary);
      }
      return;
    }
    Cache<String, LocalStore.Entry> region = r.regions[target];
    long[] left = {Long.MAX_VALUE};
    region
        .policy()
        .eviction()
        .ifPresent(e -> left[0] = e.getMaximum() - e.weightedSize().orElse(0L));
    r.primaryRedis.scanPages(
        pattern.toRedisGlob(),
        PREFETCH_PAGE,
        page -> {
          List<String> keys = new ArrayList<>(page.size());
          List<Long> tokens = new ArrayList<>(page.size());
          for (String key : page) {
            Component o = manifest.ownerOf(key).orElse(null);
            if (pattern.matches(key) && o != null && o.name().equals(owner.name())) {
              keys.add(key);
              tokens.add(token(key)); // before the read, as in every fill
            }
          }
          if (keys.isEmpty()) {
            return true;
          }
          List<Object[]> read = Futures.join(r.primaryRedis.getAllWithTtl(keys));
          for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            byte[] bytes = (byte[]) read.get(i)[0];
            long millis = (Long) read.get(i)[1];
            if (bytes == null || (millis <= 0 && millis != -1) || StreamedValues.isPointer(bytes)) {
              continue; // gone or expiring as it was read, or a streamed value (never copied)
            }
            Object value;
            try {
              value = codec.decode(bytes);
            } catch (IllegalArgumentException e) {
              continue; // not ours to decode: a read of it reports the error
            }
            int weight = LocalStore.weigh(key, bytes.length);
            if (weight > left[0]) {
              return false; // the region is full: stop rather than evict what came before
            }
            long ttl = millis > 0 ? TimeUnit.MILLISECONDS.toNanos(millis) : Long.MAX_VALUE;
            if (installCopy(
                region,
                key,
                new LocalStore.Entry(value, weight, ttl, route(key), true),
                tokens.get(i))) {
              left[0] -= weight;
            }
          }
          return true;
        });
  }

  // ---- scans ----

  /** Keys matching a Redis glob in every layer's primaries (copies are not listed twice). */
  public CompletableFuture<List<String>> scan(String glob) {
    checkOpen();
    Set<String> keys = ConcurrentHashMap.newKeySet();
    List<CompletableFuture<Void>> parts = new ArrayList<>();
    for (Store s : stores) {
      if (s instanceof LocalStore) {
        ((LocalStore) s)
            .forEachPrimaryKey(
                k -> {
                  if (RedisGlob.matches(glob, k)) {
                    keys.add(k);
                  }
                });
      } else if (s instanceof RedisStore) {
        parts.add(((RedisStore) s).scan(glob, keys::addAll));
      }
    }
    return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]))
        .thenApply(
            v -> {
              List<String> sorted = new ArrayList<>(keys);
              sorted.sort(null);
              return sorted;
            });
  }

  public long localEntries(CacheLayer layer) {
    Store s = stores[layer.ordinal()];
    if (!(s instanceof LocalStore)) {
      return -1;
    }
    long n = ((LocalStore) s).estimatedSize();
    return negativeNanos > 0 ? n - ((LocalStore) s).absentMarkers() : n; // markers hold no value
  }

  // ---- CLIENT_FIRST offline queue ----

  /** Opens the file queue at start (draining what an earlier run left); warns when in memory. */
  private void startOffline() {
    if (offlineFile != null) {
      offline =
          new OfflineWrites(this, new OfflineQueue(offlineFile, removalCommitNanos), onConflict);
      offline.start();
      return;
    }
    for (Route[] variants : routes.values()) {
      Route r = variants[0];
      if (r.strategy == Strategy.CLIENT_FIRST
          && r.primaryRedis != null
          && r.regions[CacheLayer.CLIENT.ordinal()] != null) {
        System.getLogger(StatelessCache.class.getName())
            .log(
                System.Logger.Level.WARNING,
                "cache {0}: CLIENT_FIRST writes to Redis go through an in-memory queue, which"
                    + " survives Redis outages but not a restart of this process; make it durable"
                    + " with StatelessCache.builder().offlineQueue(Path.of(\"...\"))",
                name);
        return;
      }
    }
  }

  private OfflineWrites offline() {
    OfflineWrites o = offline;
    if (o != null) {
      return o;
    }
    synchronized (this) {
      checkOpen();
      if (offline == null) {
        OfflineWrites o2 =
            new OfflineWrites(this, new OfflineQueue(null, removalCommitNanos), onConflict);
        offline = o2;
        o2.start();
      }
      return offline;
    }
  }

  /** Completes when every CLIENT_FIRST write queued before the call has been drained. */
  public CompletableFuture<Void> flushOffline() {
    checkOpen();
    OfflineWrites o = offline;
    return o == null ? CompletableFuture.completedFuture(null) : o.flush();
  }

  public long pendingWrites() {
    OfflineWrites o = offline;
    return o == null ? 0 : o.pendingWrites();
  }

  /** The offline writes, for tests; null when none were made. */
  public OfflineWrites offlineWrites() {
    return offline;
  }

  public long keyToken(String key) {
    return token(key);
  }

  public void bumpKey(String key) {
    bump(key);
  }

  /** After a queued write reached Redis: the dependents an online write would have dropped. */
  public CompletableFuture<Long> dependentsOfQueued(Route r, String key) {
    return invalidateDependents(r, null, key);
  }

  /**
   * Closes as a killed process would, for tests: the queue stops without committing or draining
   * anything more, then the stores close.
   */
  public void crash() {
    OfflineWrites o;
    synchronized (this) {
      o = offline;
      closed = true;
    }
    if (o != null) {
      o.crash();
    }
    close();
  }

  @Override
  public void close() {
    closed = true;
    streamingPool.shutdown();
    atomics.close();
    OfflineWrites o;
    synchronized (this) {
      o = offline;
      closed = true;
    }
    if (o != null) {
      o.close(); // before the stores: the drainer may be using them
    }
    if (decodingPool != null) {
      decodingPool.shutdown();
    }
    for (Store s : stores) {
      if (s != null) {
        s.close();
      }
    }
  }
}
