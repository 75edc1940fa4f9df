/**
 * Internal: may change without notice. The Redis store, in layers:
 *
 * <ul>
 *   <li>{@link dev.stateless.internal.redis.RedisStore}: each operation as a command or a script,
 *       and its reply;
 *   <li>{@link dev.stateless.internal.redis.RedisConnection}: the transport (Lettuce client,
 *       connecting and reconnecting, flush batching, EVALSHA with the NOSCRIPT fallback);
 *   <li>the wire format: {@link dev.stateless.internal.redis.RedisKeys} (key layout), {@link
 *       dev.stateless.internal.redis.RedisScripts} (the Lua scripts, {@code *.lua} resources of
 *       this package) and {@link dev.stateless.internal.redis.InvalidationEvent} (the event
 *       format);
 *   <li>{@link dev.stateless.internal.redis.RedisExceptions}: Lettuce failures to coded exceptions;
 *   <li>{@link dev.stateless.internal.redis.StreamInvalidations}: the invalidation reader;
 *   <li>{@link dev.stateless.internal.redis.SentinelFollower}: a Sentinel store's failovers.
 * </ul>
 */
@NullMarked
package dev.stateless.internal.redis;

import org.jspecify.annotations.NullMarked;
