package dev.stateless;

import dev.stateless.annotation.Backfill;
import dev.stateless.annotation.Borrows;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.CacheManifest;
import dev.stateless.annotation.Invalidates;
import dev.stateless.annotation.Layer;
import dev.stateless.annotation.MaxSize;
import dev.stateless.annotation.Owns;
import dev.stateless.annotation.Strategy;
import dev.stateless.annotation.Streaming;
import dev.stateless.annotation.Ttl;
import dev.stateless.annotation.UseStrategy;
import dev.stateless.annotation.ValueType;

/** One manifest with a component for every routing case the runtime tests exercise. */
@CacheManifest
final class TestManifest {
  @Owns("user:*")
  @Invalidates("profile:*")
  @Backfill
  Object users;

  @Owns("profile:*")
  Object profiles;

  @Layer(CacheLayer.CLIENT)
  @Owns("local:*")
  Object local;

  @Layer(CacheLayer.EDGE)
  @Owns("product:*")
  @MaxSize("1KB")
  Object products;

  @Owns("plain:*")
  Object plain;

  @Owns("hot:*")
  @UseStrategy(Strategy.CLIENT_FIRST)
  Object hot;

  @Owns("rt:*")
  @Backfill
  @UseStrategy(Strategy.GLOBAL_CONSISTENT)
  Object realtime;

  @Owns("ttl:*")
  @Ttl("10s")
  Object shortLived;

  @Layer(CacheLayer.EDGE)
  @Streaming(chunkSize = "1MB")
  @Owns("video:*")
  Object videos;

  @Borrows({"user:*", "product:*"})
  Object analytics;

  /** Counters: Longs in Redis as decimal text, read back as Longs. */
  @Owns("count:*")
  @ValueType
  Long counts;

  @Owns("hotcount:*")
  @UseStrategy(Strategy.CLIENT_FIRST)
  @ValueType
  Long hotCounts;

  private TestManifest() {}
}
