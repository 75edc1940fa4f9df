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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code CLIENT KILL} of the nodes' command connections and invalidation readers, under load. */
class ClientKillIT {
  @RegisterExtension static final FaultSuite suite = new FaultSuite();

  /**
   * Node A writes, node B reads (copies in both its layers); every 30 ms connections are cut with
   * {@code CLIENT KILL ID}: the stream readers (the invalidation readers, in {@code XREAD}) as soon
   * as they are back, and every other time one of the nodes' command connections; 50 of each, in at
   * most 20 s. No invalidation may be lost: once writes stop, no copy is stale; no increment and no
   * queued record is lost or applied twice.
   */
  @Test
  void clientKillOfCommandAndStreamConnections_losesNoInvalidation(@TempDir Path dir)
      throws Exception {
    long start = System.nanoTime();
    Ledger ledger = ledger("(e) CLIENT KILL of command and stream connections");
    RedisServerExtension redis = suite.server(Persistence.NONE);
    FaultTable.Row row;
    try (TwoNodeLoad load = new TwoNodeLoad(redis, dir, ledger)) {
      Node a = load.node("A");
      Node b = load.node("B");
      load.warmUp(List.of(a), List.of(b));
      load.start(List.of(a), List.of(b), PACE, 14);
      Random random = new Random(14);
      long streamKills = 0;
      long commandKills = 0;
      // A reader cut comes back within a second (its backoff); the command connections at once.
      long killsEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(20); // bounded on a slow host
      int tick = 0;
      ledger.mark("cutting");
      for (;
          (streamKills < KILLS || commandKills < KILLS) && System.nanoTime() < killsEnd;
          tick++) {
        sleep(30);
        if (streamKills < KILLS) {
          for (String id : connections(redis, true)) {
            streamKills += killed(redis, id);
          }
        }
        if (tick % 2 == 1 && commandKills < KILLS) {
          List<String> commands = connections(redis, false);
          if (!commands.isEmpty()) {
            commandKills += killed(redis, commands.get(random.nextInt(commands.size())));
          }
        }
      }
      ledger.mark("cut");
      ledger.detail(
          "killed "
              + streamKills
              + " stream-reader and "
              + commandKills
              + " command connections in "
              + tick
              + " ticks of 30 ms");
      sleep(LOAD_MILLIS / 2);
      row = load.verify(w -> true, epoch -> true, SETTLE, start);
    } finally {
      redis.close();
    }
    report(row);
  }

  /** How many stream-reader connections, and how many command connections, are cut. */
  private static final int KILLS = 50;

  /**
   * The ids of the nodes' stream readers (blocked in, or last running, {@code XREAD}), or of their
   * other connections; never the connection asking.
   */
  private static List<String> connections(RedisServerExtension redis, boolean streamReaders) {
    List<String> ids = new ArrayList<>();
    for (Map<String, String> c : redis.clients()) {
      String cmd = c.getOrDefault("cmd", "");
      if (!cmd.startsWith("client") && cmd.startsWith("xread") == streamReaders) {
        ids.add(c.get("id"));
      }
    }
    return ids;
  }

  private static long killed(RedisServerExtension redis, @Nullable String id) {
    String reply = redis.command("CLIENT", "KILL", "ID", Objects.requireNonNull(id, "id"));
    return "1".equals(reply) ? 1 : 0;
  }
}
