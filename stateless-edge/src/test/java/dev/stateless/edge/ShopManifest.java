package dev.stateless.edge;

import dev.stateless.annotation.CacheManifest;
import dev.stateless.annotation.Owns;

/** A manifest class the runnable jar loads with {@code --classpath} ({@link EdgeNodeJarIT}). */
@CacheManifest
public final class ShopManifest {
  /** The users component. */
  @Owns("user:*")
  Object users;

  private ShopManifest() {}
}
