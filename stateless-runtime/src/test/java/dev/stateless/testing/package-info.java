/**
 * Test harness: a real redis-server per test class ({@link
 * dev.stateless.testing.RedisServerExtension}), one suite over every store kind ({@link
 * dev.stateless.testing.StoreMatrix}, {@link dev.stateless.testing.StoreKind}) and polling with a
 * deadline ({@link dev.stateless.testing.Await}).
 */
package dev.stateless.testing;
