package dev.stateless.faults;

import dev.stateless.annotation.Backfill;
import dev.stateless.annotation.CacheManifest;
import dev.stateless.annotation.Owns;
import dev.stateless.annotation.Strategy;
import dev.stateless.annotation.UseStrategy;
import dev.stateless.annotation.ValueType;

/**
 * The fault suite's manifest: three layers (client, edge, server), owners in Redis whose copies may
 * live in both in-process layers.
 */
@CacheManifest
final class FaultManifest {
  /** Plain owner writes in Redis; copies in the client and the edge. */
  @Owns("user:*")
  @Backfill
  Object users;

  /** {@code CLIENT_FIRST}: written to the client at once, drained to Redis by the offline queue. */
  @Owns("hot:*")
  @Backfill
  @UseStrategy(Strategy.CLIENT_FIRST)
  Object hot;

  /** Counters: {@code increment} and {@code atomicUpdate}, never copied. */
  @Owns("count:*")
  @ValueType
  Long counters;

  /** The records the child JVM queues and is killed while draining ({@link DrainChild}). */
  @Owns("drain:*")
  @UseStrategy(Strategy.CLIENT_FIRST)
  Object drained;

  private FaultManifest() {}
}
