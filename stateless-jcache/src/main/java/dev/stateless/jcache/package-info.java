/**
 * A JCache (JSR-107) provider over the stateless runtime: {@link
 * dev.stateless.jcache.StatelessCachingProvider}, found by {@code Caching.getCachingProvider()}
 * through {@code META-INF/services}. A cache is a manifest component; its values are stored by
 * value in the runtime's layers, in process or in Redis.
 */
@NullMarked
package dev.stateless.jcache;

import org.jspecify.annotations.NullMarked;
