/**
 * The fault-injection suite (issue 12). Faults: a real redis-server killed with {@code SIGKILL} and
 * started again empty, from an RDB snapshot or from its AOF ({@code RedisRestartIT}), stopped with
 * {@code SIGSTOP} and continued ({@code RedisPauseIT}), its connections cut with {@code CLIENT
 * KILL} ({@code ClientKillIT}); a node's JVM killed while it drains its durable offline queue
 * ({@code KillMidDrainIT}); the fill race of a copy drop between two layers, staged ({@code
 * CopyDropRaceIT}); a Redis Sentinel deployment failing over on request and after {@code kill -9}
 * of its master ({@code SentinelFailoverIT}).
 *
 * <p>Each IT class registers {@link dev.stateless.faults.FaultSuite} (the processes it starts,
 * stopped by PID; the suite's timeouts; the table). Each scenario counts stale reads, lost and
 * duplicated writes, hangs and calls past their timeout ({@link dev.stateless.faults.Ledger}) and
 * adds a row to the table ({@link dev.stateless.faults.FaultTable}), printed when the test run ends
 * and written to {@code target/fault-suite.md}.
 */
@NullMarked
package dev.stateless.faults;

import org.jspecify.annotations.NullMarked;
