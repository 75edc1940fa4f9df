package dev.stateless.faults;

import static dev.stateless.faults.FaultSuite.LOAD_MILLIS;
import static dev.stateless.faults.FaultSuite.PACE;
import static dev.stateless.faults.FaultSuite.SETTLE;
import static dev.stateless.faults.FaultSuite.ledger;
import static dev.stateless.faults.FaultSuite.report;
import static dev.stateless.faults.FaultSuite.sleep;

import dev.stateless.faults.TwoNodeLoad.Node;
import dev.stateless.testing.RedisServerExtension;
import dev.stateless.testing.RedisServerExtension.Persistence;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** redis-server stopped with {@code SIGSTOP} and continued with {@code SIGCONT}, under load. */
class RedisPauseIT {
  @RegisterExtension static final FaultSuite suite = new FaultSuite();

  /**
   * Two nodes write and read; redis-server is stopped with SIGSTOP for two seconds (its connections
   * stay open, nothing is answered) and continued. Calls in the pause fail with SL101 at their
   * timeout or complete; none hangs; afterwards no copy is stale and nothing is lost.
   */
  @Test
  void pauseAndContinue_underTwoNodeLoad_timesOutWithoutHangsOrStaleCopies(@TempDir Path dir)
      throws Exception {
    long start = System.nanoTime();
    Ledger ledger = ledger("(d) SIGSTOP 2 s, SIGCONT");
    RedisServerExtension redis = suite.server(Persistence.NONE);
    FaultTable.Row row;
    try (TwoNodeLoad load = new TwoNodeLoad(redis, dir, ledger)) {
      List<Node> both = List.of(load.node("A"), load.node("B"));
      load.warmUp(both, both);
      load.start(both, both, PACE, 13);
      sleep(LOAD_MILLIS);
      redis.pause();
      ledger.mark("paused");
      sleep(2_000);
      redis.resume();
      ledger.mark("resumed");
      sleep(LOAD_MILLIS);
      row = load.verify(w -> true, epoch -> true, SETTLE, start);
    } finally {
      redis.close();
    }
    report(row);
  }
}
