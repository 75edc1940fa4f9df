/**
 * {@link dev.stateless.redis.RedisAdapter}: Redis command names over a {@link
 * dev.stateless.StatelessCache}, for code migrating from plain Redis.
 */
@NullMarked
package dev.stateless.redis;

import org.jspecify.annotations.NullMarked;
