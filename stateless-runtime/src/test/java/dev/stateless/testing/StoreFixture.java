package dev.stateless.testing;

import dev.stateless.StatelessCache;

/**
 * What one {@link StoreKind} started for one test class: how caches of that kind are built, and the
 * servers behind them.
 */
public interface StoreFixture extends AutoCloseable {
  /** Points the builder's layers at this fixture's stores (before the test's own configuration). */
  void configure(StatelessCache.Builder builder);

  /** Empties the stores before a test (FLUSHALL for Redis), starting a server a test stopped. */
  void reset();

  /**
   * The redis-server behind this kind, for assertions on what Redis holds.
   *
   * @throws IllegalStateException if this kind runs no redis-server
   */
  default RedisServerExtension redis() {
    throw new IllegalStateException("this store kind runs no redis-server");
  }

  /**
   * The Redis Cluster behind this kind, for assertions on what it holds.
   *
   * @throws IllegalStateException if this kind runs no cluster
   */
  default RedisClusterExtension cluster() {
    throw new IllegalStateException("this store kind runs no Redis Cluster");
  }

  /** Stops what {@link StoreKind#start()} started. */
  @Override
  void close();
}
