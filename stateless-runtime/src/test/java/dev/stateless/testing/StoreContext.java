package dev.stateless.testing;

import dev.stateless.StatelessCache;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One {@link StoreMatrix} run's view of its store kind: builds caches whose server layer is of that
 * kind, and closes them after the test.
 */
public final class StoreContext {
  private final StoreKind kind;
  private final StoreFixture fixture;
  private final List<StatelessCache> open = new ArrayList<>();

  StoreContext(StoreKind kind, StoreFixture fixture) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.fixture = Objects.requireNonNull(fixture, "fixture");
  }

  /** The kind this run is of. */
  public StoreKind kind() {
    return kind;
  }

  /** A builder whose layers this kind has already set; the caller configures the rest. */
  public StatelessCache.Builder builder() {
    StatelessCache.Builder b = StatelessCache.builder();
    fixture.configure(b);
    return b;
  }

  /** Builds a cache of this kind, configured further by {@code config}; closed after the test. */
  public StatelessCache build(Consumer<StatelessCache.Builder> config) {
    StatelessCache.Builder b = builder();
    config.accept(b);
    return add(b.build());
  }

  /** Closes this cache with the others after the test. */
  public StatelessCache add(StatelessCache cache) {
    synchronized (open) {
      open.add(cache);
    }
    return cache;
  }

  /**
   * The redis-server behind this kind, for assertions on what Redis holds.
   *
   * @throws IllegalStateException if this kind runs no redis-server
   */
  public RedisServerExtension redis() {
    return fixture.redis();
  }

  /**
   * The Redis Cluster behind this kind, for assertions on what it holds.
   *
   * @throws IllegalStateException if this kind runs no cluster
   */
  public RedisClusterExtension cluster() {
    return fixture.cluster();
  }

  /** Closes every cache built or added, in order; the first failure is thrown after the rest. */
  void closeAll() {
    List<StatelessCache> caches;
    synchronized (open) {
      caches = new ArrayList<>(open);
      open.clear();
    }
    Closeables.closeEach(caches, StatelessCache::close);
  }

  @Override
  public String toString() {
    return kind.name();
  }
}
