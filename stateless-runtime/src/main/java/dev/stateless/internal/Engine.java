package dev.stateless.internal;

import dev.stateless.CacheStatus;
import dev.stateless.CacheStrategy;
import dev.stateless.OfflineConflict;
import dev.stateless.ValueCodec;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Strategy;
import dev.stateless.core.Component;
import dev.stateless.core.Manifest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cache's engine: builds its parts once, each given what it needs ({@link Routes}, {@link
 * Generations}, {@link Copies}, {@link Reads}, {@link Writes}, {@link Invalidations}, {@link
 * Streams}, {@link AtomicUpdates}, {@link AtomicBatches}, {@link Loads}, {@link Offline}, warm-up),
 * starts the stores in order, and closes everything. The API's views call the parts directly.
 */
public final class Engine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

  /** What a cache is built with; see {@code StatelessCache.Builder}. */
  @SuppressWarnings("ArrayRecordComponent") // an internal carrier, never compared or hashed
  public record Settings(
      Manifest manifest,
      @Nullable CaffeineStore[] local,
      @Nullable RemoteStore[] remote,
      ValueCodec codec,
      Map<String, ValueCodec> codecs,
      @Nullable CacheStrategy custom,
      Strategy defaultStrategy,
      LongSupplier nanoTime,
      boolean metered,
      double ttlJitter,
      long negativeNanos,
      @Nullable Path offlineFile,
      @Nullable Consumer<OfflineConflict> onConflict,
      long removalCommitNanos,
      long closeTimeoutNanos) {}

  private final Manifest manifest;
  private final String name;
  private final String nodeId = UUID.randomUUID().toString();
  private final Layers layers;
  private final LongSupplier nanoTime;
  private final long closeTimeoutNanos;
  private final Lifecycle lifecycle = new Lifecycle();
  private final Metrics metrics;
  private final Routes routes;
  private final ValueTypes values;
  private final Generations generations = new Generations();
  private final Offline offline;
  private final Copies copies;
  private final Reads reads;
  private final Invalidations invalidations;
  private final Writes writes;
  private final Streams streams;
  private final AtomicUpdates atomicUpdates;
  private final AtomicBatches atomicBatches;
  private final Loads loads;
  private final WarmUp warmUp;
  private final AccessScopes accessScopes;
  private final LocalSizes sizes;

  /** Decodes custom-codec values off the stores' I/O threads; null when all codecs are JSON. */
  private final @Nullable ExecutorService decodingPool;

  public Engine(Settings s) {
    this.manifest = s.manifest();
    this.name = manifest.name();
    this.nanoTime = s.nanoTime();
    this.metrics = new Metrics(s.metered());
    this.closeTimeoutNanos = s.closeTimeoutNanos();
    int n = CacheLayer.values().length;
    @Nullable CaffeineStore[] local = new CaffeineStore[n];
    @Nullable RemoteStore[] remote = new RemoteStore[n];
    for (CacheLayer layer : CacheLayer.values()) {
      int l = layer.ordinal();
      if (manifest.layers().contains(layer)) {
        local[l] = s.local()[l];
        remote[l] = s.remote()[l];
        if (local[l] == null && remote[l] == null) {
          local[l] = new CaffeineStore(Long.MAX_VALUE); // a layer left unset is in-process
        }
      }
    }
    this.layers = new Layers(local, remote);
    ValueTypes values = new ValueTypes(manifest, s.codec(), s.codecs());
    this.values = values;
    Executor decoding;
    if (values.onlyJson()) {
      this.decodingPool = null;
      decoding = Runnable::run;
    } else {
      this.decodingPool = Threads.cached("stateless-decode");
      decoding = decodingPool;
    }
    this.routes = new Routes(manifest, layers, s.custom(), s.defaultStrategy(), values, metrics);
    this.offline = new Offline(lifecycle, s.offlineFile(), s.onConflict(), s.removalCommitNanos());
    this.copies = new Copies(generations, metrics, offline, s.negativeNanos());
    this.reads =
        new Reads(lifecycle, routes, layers, generations, copies, offline, metrics, decoding);
    this.invalidations =
        new Invalidations(
            lifecycle, manifest, s.custom(), routes, layers, generations, copies, metrics);
    this.writes =
        new Writes(
            lifecycle, routes, generations, copies, invalidations, offline, metrics, s.ttlJitter());
    offline.factory(
        (queue, onConflict) ->
            new OfflineWrites(routes, generations, invalidations, metrics, queue, onConflict));
    this.streams = new Streams(lifecycle, routes, writes, metrics);
    this.atomicUpdates = new AtomicUpdates(lifecycle, writes, offline, metrics, nodeId);
    this.atomicBatches =
        new AtomicBatches(lifecycle, layers, writes, generations, copies, invalidations, metrics);
    this.loads = new Loads(lifecycle, reads, writes, values, nodeId);
    invalidations.keyEvents(loads::keyChanged);
    this.warmUp = new WarmUp(name, manifest, routes, layers, generations, copies);
    this.accessScopes = new AccessScopes(manifest);
    this.sizes = new LocalSizes(layers, routes);
    if (metrics.metered) {
      for (int l = 0; l < n; l++) {
        CaffeineStore store = local[l];
        if (store != null) {
          int layer = l;
          store.onEvicted(e -> metrics.evicted(e, layer));
        }
      }
    }
  }

  /**
   * Attaches the in-process stores, builds the routes, connects the remote stores (their
   * invalidation readers route every event, so routes come first), warms up, then opens the offline
   * queue (after the warm-up: this node's own queued writes replace any copy it made). Closes what
   * was started if a step fails.
   */
  public void start() {
    try {
      for (CacheLayer layer : CacheLayer.values()) {
        Store s = layers.store(layer);
        if (s != null) {
          s.attach(nanoTime);
        }
      }
      routes.build();
      for (Route r : routes.all()) {
        if (r.strategy == Strategy.CLIENT_FIRST && r.regions[CacheLayer.CLIENT.ordinal()] != null) {
          OfflineWrites.checkQueues(r, r.ownerName == null ? "keys nobody owns" : r.ownerName);
        }
      }
      List<String> owners = new ArrayList<>();
      Set<String> streaming = new HashSet<>();
      for (Component c : manifest.components()) {
        owners.add(c.name());
        if (c.isStreaming()) {
          streaming.add(c.name());
        }
      }
      for (CacheLayer layer : CacheLayer.values()) {
        RemoteStore remote = layers.remote(layer);
        if (remote == null) {
          continue;
        }
        @Nullable InvalidationListener listener =
            layers.nearerThan(layer) ? invalidations.from(layer) : null;
        if (!remote.connect(nodeId, listener, owners, streaming, queuesFor(remote))) {
          warnStartedDown(remote);
        }
      }
      // After the connect: the invalidation readers are live, so the copies it makes are trusted.
      // A store that started disconnected is skipped (see warnStartedDown).
      warmUp.run();
      startOffline();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Whether a remote store may start disconnected: this node has a durable offline queue (it may
   * hold writes queued by an earlier run, served from the client layer and drained once the store
   * is back) and some owner in the store is CLIENT_FIRST. Otherwise a store that cannot connect
   * fails the build: a node with nothing queued has no reason to start blind.
   */
  private boolean queuesFor(RemoteStore remote) {
    if (offline.file() == null) {
      return false;
    }
    for (Route r : routes.all()) {
      if (r.primaryRemote == remote
          && r.strategy == Strategy.CLIENT_FIRST
          && r.regions[CacheLayer.CLIENT.ordinal()] != null) {
        return true;
      }
    }
    return false;
  }

  private void warnStartedDown(RemoteStore remote) {
    LOG.warn(
        "cache {}: {} is unreachable; starting anyway with the offline queue {}: this"
            + " node's queued CLIENT_FIRST writes are served from the client layer and"
            + " drained once Redis is back, other calls to it fail with SL100 until then, and"
            + " the warm-up (@Prefetch) of its keys is skipped",
        name,
        remote.describe(),
        offline.file());
  }

  /** Opens the file queue at start (draining what an earlier run left); warns when in memory. */
  private void startOffline() {
    if (offline.file() != null) {
      offline.startWithFile();
      return;
    }
    for (Route r : routes.owners()) {
      if (r.strategy == Strategy.CLIENT_FIRST
          && r.primaryRemote != null
          && r.regions[CacheLayer.CLIENT.ordinal()] != null) {
        LOG.warn(
            "cache {}: CLIENT_FIRST writes to Redis go through an in-memory queue, which"
                + " survives Redis outages but not a restart of this process; make it durable"
                + " with StatelessCache.builder().offlineQueue(Path.of(\"...\"))",
            name);
        return;
      }
    }
  }

  public Manifest manifest() {
    return manifest;
  }

  public String name() {
    return name;
  }

  public Lifecycle lifecycle() {
    return lifecycle;
  }

  public AccessScopes accessScopes() {
    return accessScopes;
  }

  public Metrics metrics() {
    return metrics;
  }

  /** The entries of each component in each in-process layer, for the size gauges. */
  public LocalSizes sizes() {
    return sizes;
  }

  /** Whether the cache has the layer (the manifest's, with a store). */
  public boolean hasLayer(CacheLayer layer) {
    return layers.has(layer);
  }

  /** Whether the layer is kept in this process. */
  public boolean inProcess(CacheLayer layer) {
    return layers.local(layer.ordinal()) != null;
  }

  public Routes routes() {
    return routes;
  }

  public Reads reads() {
    return reads;
  }

  public ValueTypes values() {
    return values;
  }

  public Writes writes() {
    return writes;
  }

  public Invalidations invalidations() {
    return invalidations;
  }

  public Streams streams() {
    return streams;
  }

  public AtomicUpdates atomicUpdates() {
    return atomicUpdates;
  }

  public AtomicBatches atomicBatches() {
    return atomicBatches;
  }

  public Loads loads() {
    return loads;
  }

  public Offline offline() {
    return offline;
  }

  /**
   * Tells {@code listener} of every key change from now on ({@link KeyChanges#observe}): writes and
   * drops ({@link Copies}), patterns and lost events ({@link Invalidations}), expiries and
   * evictions of the in-process layers' primary entries.
   */
  void keyChanges(KeyChangeListener listener) {
    KeyChangeListener guarded = guarded(listener);
    copies.changes(guarded);
    for (CacheLayer layer : CacheLayer.values()) {
      CaffeineStore local = layers.local(layer.ordinal());
      if (local != null) {
        local.onGone(guarded::keyChanged);
      }
    }
  }

  /**
   * The listener, its failures logged and swallowed: it is told from writes, reads and the event
   * reader, none of which may fail (or drop every copy) because a listener did.
   */
  private static KeyChangeListener guarded(KeyChangeListener listener) {
    return new KeyChangeListener() {
      @Override
      public void keyChanged(String key) {
        run(() -> listener.keyChanged(key));
      }

      @Override
      public void patternChanged(String pattern) {
        run(() -> listener.patternChanged(pattern));
      }

      @Override
      public void everythingChanged() {
        run(listener::everythingChanged);
      }

      private void run(Runnable call) {
        try {
          call.run();
        } catch (RuntimeException e) {
          LOG.warn("a key change listener failed", e);
        }
      }
    };
  }

  /**
   * Entries held in-process by a layer (copies too, not negative-caching markers); -1 if remote.
   */
  public long localEntries(CacheLayer layer) {
    CaffeineStore s = layers.local(layer.ordinal());
    if (s == null) {
      return -1;
    }
    long n = s.estimatedSize();
    return copies.negativeCaching() ? n - s.absentMarkers() : n; // markers hold no value
  }

  /** The cache's health now, from what its stores last saw (no I/O). */
  public CacheStatus status() {
    List<CacheStatus.LayerStatus> out = new ArrayList<>();
    boolean healthy = true;
    for (CacheLayer layer : CacheLayer.values()) {
      Store store = layers.store(layer);
      if (store == null) {
        continue;
      }
      RemoteStore remote = layers.remote(layer);
      boolean reachable = remote == null || remote.reachable();
      boolean live = remote == null || (reachable && remote.live());
      healthy &= reachable && live;
      out.add(
          new CacheStatus.LayerStatus(layer, store.describe(), remote != null, reachable, live));
    }
    return new CacheStatus(out, offline.pendingWrites(), healthy);
  }

  /**
   * Closes as a killed process would, for tests: the queue stops without committing or draining
   * anything more, then the stores close.
   */
  public void crash() {
    synchronized (this) {
      lifecycle.close();
    }
    offline.crash();
    close();
  }

  /**
   * Closes everything; the offline queue first drains for up to its close timeout.
   *
   * @throws dev.stateless.core.StatelessException when queued writes in memory were lost (after
   *     everything is closed)
   */
  @Override
  public void close() {
    lifecycle.close();
    streams.close();
    atomicUpdates.close();
    loads.close();
    try {
      offline.close(closeTimeoutNanos); // before the stores: the drainer may be using them
    } finally {
      if (decodingPool != null) {
        decodingPool.shutdown();
      }
      layers.closeAll();
    }
  }
}
