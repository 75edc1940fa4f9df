package dev.stateless.testing;

import dev.stateless.StatelessCache;
import dev.stateless.Stores;

/**
 * Where a {@link StoreMatrix} test's server layer lives. Each constant says what it needs started
 * (once per test class, by {@link #start()}) and how a cache of this kind is built ({@link
 * StoreFixture#configure}).
 *
 * <p>Adding a store (the edge node, Redis Cluster, ...) is one constant here: its {@code start()}
 * starts what it needs (through {@link RedisServerExtension} for anything Redis) and returns a
 * fixture that points a builder's layer at it, empties it between tests and stops it at the end.
 * Every {@code @StoreMatrix} test then runs over it too; a test that holds only for some kinds
 * names them, {@code @StoreMatrix({StoreKind.REDIS})}.
 */
public enum StoreKind {
  /** The builder's default: every layer in-process (Caffeine). Nothing to start. */
  IN_PROCESS {
    @Override
    StoreFixture start() {
      return new StoreFixture() {
        @Override
        public void configure(StatelessCache.Builder builder) {}

        @Override
        public void reset() {}

        @Override
        public void close() {}
      };
    }
  },

  /** The server layer in a real redis-server on a free loopback port, one per test class. */
  REDIS {
    @Override
    StoreFixture start() {
      RedisServerExtension redis = new RedisServerExtension();
      redis.start();
      return new StoreFixture() {
        @Override
        public void configure(StatelessCache.Builder builder) {
          builder.server(Stores.redis(redis.uri()));
        }

        @Override
        public void reset() {
          redis.start(); // again, if an earlier test left it stopped
          redis.flushAll();
        }

        @Override
        public RedisServerExtension redis() {
          return redis;
        }

        @Override
        public void close() {
          redis.close();
        }
      };
    }
  },

  /**
   * The server layer in a real Redis Cluster (3 masters, 3 replicas) on loopback, one per test
   * class: every key's bookkeeping in its own hash slot, invalidations through 16384 logs.
   */
  REDIS_CLUSTER {
    @Override
    StoreFixture start() {
      RedisClusterExtension cluster = new RedisClusterExtension();
      cluster.start();
      return new StoreFixture() {
        @Override
        public void configure(StatelessCache.Builder builder) {
          builder.server(Stores.redis(cluster.uri()));
        }

        @Override
        public void reset() {
          cluster.flushAll();
        }

        @Override
        public RedisClusterExtension cluster() {
          return cluster;
        }

        @Override
        public void close() {
          cluster.close();
        }
      };
    }
  };

  /**
   * Starts what caches of this kind need. Called once per test class, before its first test of this
   * kind; the fixture is closed after the class's last test.
   */
  abstract StoreFixture start();
}
