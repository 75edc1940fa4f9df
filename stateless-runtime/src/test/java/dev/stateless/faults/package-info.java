/**
 * The fault-injection suite ({@link dev.stateless.faults.FaultSuiteIT}): a real redis-server killed
 * ({@code SIGKILL}) and restarted empty, from an RDB snapshot or from its AOF, paused ({@code
 * SIGSTOP}/{@code SIGCONT}), its connections cut ({@code CLIENT KILL}); a child JVM killed while it
 * drains its durable offline queue; the fill race of a drop between two layers made deterministic.
 * Each scenario counts stale reads, lost and duplicated writes, hangs and calls past their timeout
 * ({@link dev.stateless.faults.Ledger}) and adds a row to the suite's table ({@link
 * dev.stateless.faults.FaultTable}), written to {@code target/fault-suite.md}.
 */
@NullMarked
package dev.stateless.faults;

import org.jspecify.annotations.NullMarked;
