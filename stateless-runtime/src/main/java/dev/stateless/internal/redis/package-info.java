/**
 * Internal: may change without notice. The Redis store: transport (Lettuce), the wire format
 * (scripts, key layout, invalidation events) and the invalidation reader.
 */
package dev.stateless.internal.redis;
