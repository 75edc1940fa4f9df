package dev.stateless.jcache;

import dev.stateless.annotation.CacheManifest;
import dev.stateless.annotation.Owns;

/** A manifest for JCache caches: a cache is the component of its name, owning its keys. */
@CacheManifest
final class JCacheManifest {
  @Owns("users:*")
  Object users;
}
