package dev.stateless.faults;

import static dev.stateless.faults.FaultSuite.LOAD_MILLIS;
import static dev.stateless.faults.FaultSuite.PACE;
import static dev.stateless.faults.FaultSuite.SETTLE;
import static dev.stateless.faults.FaultSuite.ledger;
import static dev.stateless.faults.FaultSuite.report;
import static dev.stateless.faults.FaultSuite.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.faults.TwoNodeLoad.Node;
import dev.stateless.testing.RedisSentinelExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Sentinel deployment ({@link RedisSentinelExtension}: a master, a replica, three sentinels) that
 * fails over under a two-node load, on request ({@code SENTINEL FAILOVER}) and after {@code kill
 * -9} of the master. Both nodes reach Redis through {@code redis-sentinel://}.
 *
 * <p>Redis replicates asynchronously, but a Sentinel URI acknowledges a write only once the replica
 * has it ({@code replicas=auto}, docs/redis.md): so no write acknowledged before the promotion is
 * missing on the new master, nor any increment. Also held: no copy serves a value the new master
 * does not hold once the readers have caught up (the old master's unconfirmed events may have been
 * read, and the new master numbers its own from where it was), and every write acknowledged after
 * the promotion survives (the nodes leave the old master, which a {@code SENTINEL FAILOVER} leaves
 * writable for about ten seconds).
 */
class SentinelFailoverIT {
  @RegisterExtension static final FaultSuite suite = new FaultSuite();

  @Test
  void sentinelFailover_underTwoNodeLoad_leavesNoStaleCopy_andTheNodesWriteToTheNewMaster(
      @TempDir Path dir) throws Exception {
    failOverUnderLoad("(s1) SENTINEL FAILOVER", RedisSentinelExtension::failover, dir, 31);
  }

  @Test
  void masterKilled_underTwoNodeLoad_replicaPromoted_leavesNoStaleCopy_andWritesResume(
      @TempDir Path dir) throws Exception {
    failOverUnderLoad(
        "(s2) kill -9 of the Sentinel master", RedisSentinelExtension::crashMaster, dir, 32);
  }

  /**
   * Two nodes write and read (copies in every layer) through the sentinels; the deployment fails
   * over ({@code failOver} returns once every sentinel names the new master and it takes writes).
   * The load stops there, to count what the new master lacks of what the old one acknowledged
   * before later writes hide it, and starts again. Counted against the suite: stale views, and any
   * write issued after the promotion, or increment of the epoch after it, that Redis lacks.
   */
  private void failOverUnderLoad(
      String fault, ToIntFunction<RedisSentinelExtension> failOver, Path dir, long seed)
      throws Exception {
    long start = System.nanoTime();
    Ledger ledger = ledger(fault);
    RedisSentinelExtension sentinel = suite.sentinel();
    FaultTable.Row row;
    List<Node> both;
    try (TwoNodeLoad load = new TwoNodeLoad(sentinel, dir, ledger)) {
      both = List.of(load.node("A"), load.node("B"));
      ledger.mark("built");
      load.warmUp(both, both);
      ledger.mark("warm");
      load.start(both, both, PACE, seed);
      sleep(LOAD_MILLIS);
      int old = sentinel.masterPort();
      ledger.mark("fault");
      int promoted = failOver.applyAsInt(sentinel);
      ledger.mark("promoted");
      load.nextEpoch();
      ledger.detail("master " + old + " -> " + promoted);
      load.stop();
      load.drain();
      ledger.mark("counted");
      countReplicationLosses(load, ledger, ledger.at("promoted"));
      load.start(both, both, PACE, seed + 1);
      sleep(LOAD_MILLIS);
      long promotedAt = ledger.at("promoted");
      row = load.verify(w -> w.issued > promotedAt, epoch -> epoch >= 1, SETTLE, start);
      for (Node n : both) {
        assertThat(
                ledger.writes(
                    w -> w.acked() && w.issued > promotedAt && w.key.contains(":" + n.name + ":")))
            .as("writes of %s acknowledged after the promotion", n)
            .isPositive();
      }
    } finally {
      sentinel.close();
    }
    report(row);
  }

  /**
   * What the new master lacks of what was acknowledged before the promotion: per key, the last such
   * write (a lower bound: a key written again since hides its loss), and the increments of the
   * epoch before it. Reported, and held to none: a write is acknowledged once the replica has it.
   */
  private static void countReplicationLosses(TwoNodeLoad load, Ledger ledger, long promoted) {
    long writes =
        ledger.lostWrites(
            load.truth(),
            w -> w.issued < promoted,
            "acknowledged before the promotion, not on the new master");
    Map<String, Long> values = load.counterValues();
    long increments = 0;
    long acked = 0;
    for (Ledger.Counter c : ledger.counters()) {
      if (c.epoch == 0) {
        acked += c.acked.sum();
        increments += Math.max(0, c.acked.sum() - values.getOrDefault(c.key, 0L));
      }
    }
    String figures =
        "missing on the new master (acknowledged before the promotion): "
            + writes
            + " of "
            + ledger.writes(w -> w.acked() && w.issued < promoted)
            + " writes (keys' last writes; at least), "
            + increments
            + " of "
            + acked
            + " increments";
    ledger.detail(figures);
    System.out.println("[fault-suite] " + ledger.fault + ": " + figures);
    assertThat(writes).as("acknowledged writes missing on the new master: " + figures).isZero();
    assertThat(increments).as("acknowledged increments missing: " + figures).isZero();
  }
}
