package dev.stateless.examples.checked;

import dev.stateless.annotation.CacheManifest;
import dev.stateless.annotation.Invalidates;
import dev.stateless.annotation.Owns;
import dev.stateless.annotation.ValueType;
import org.jspecify.annotations.Nullable;

/** The manifest of the checked example: products and the listings built from them, and carts. */
@CacheManifest
public final class ShopCache {
  private ShopCache() {}

  /** Products; a product write drops the listings. */
  @Owns("product:*")
  @Invalidates("listing:*")
  @Nullable Object catalog;

  /** Listings built from products. */
  @Owns("listing:*")
  @Nullable Object listings;

  /** One counter per cart id: Longs, decimal text in Redis. */
  @Owns("cart:{id}")
  @ValueType
  @Nullable Long carts;
}
