/**
 * Test harness: a real redis-server per test class ({@link
 * dev.stateless.testing.RedisServerExtension}, which also injects faults: a crash, a restart with
 * or without persistence, a pause), a Redis Sentinel deployment ({@link
 * dev.stateless.testing.RedisSentinelExtension}: failover on request, {@code kill -9} of the
 * master), either behind {@link dev.stateless.testing.RedisDeployment}, a real six-node Redis
 * Cluster ({@link dev.stateless.testing.RedisClusterExtension}: a master crashed and failed over, a
 * slot migrated with its keys), one suite over every store kind ({@link
 * dev.stateless.testing.StoreMatrix}, {@link dev.stateless.testing.StoreKind}), child JVMs on the
 * test class path ({@link dev.stateless.testing.ChildJvm}) and polling with a deadline ({@link
 * dev.stateless.testing.Await}).
 */
package dev.stateless.testing;
