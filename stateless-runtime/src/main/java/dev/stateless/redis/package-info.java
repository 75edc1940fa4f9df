/**
 * {@link dev.stateless.redis.RedisAdapter}: Redis command names over a {@link
 * dev.stateless.StatelessCache}, for code migrating from plain Redis.
 */
package dev.stateless.redis;
