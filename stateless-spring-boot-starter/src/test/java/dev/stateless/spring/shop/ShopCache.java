package dev.stateless.spring.shop;

import dev.stateless.annotation.Backfill;
import dev.stateless.annotation.Borrows;
import dev.stateless.annotation.CacheManifest;
import dev.stateless.annotation.Owns;
import dev.stateless.annotation.ValueType;

/** The test application's manifest: each component is a Spring cache of the same name. */
@CacheManifest
public final class ShopCache {
  /** Copied into the client layer on reads: another node's write must drop the copy. */
  @Owns("user:{id}")
  @Backfill
  @ValueType
  String users;

  @Owns("product:{id}")
  @ValueType
  Product products;

  /** Owns its own keys and only borrows the users'. */
  @Owns("session:{id}")
  @Borrows("user:{id}")
  Object sessions;

  /** Owns two patterns: a key matching neither becomes {@code stock:<key>}. */
  @Owns({"stock:{id}", "reserved:{id}"})
  @ValueType
  Long stock;

  private ShopCache() {}
}
