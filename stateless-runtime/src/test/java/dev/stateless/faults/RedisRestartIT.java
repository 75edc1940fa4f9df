package dev.stateless.faults;

import static dev.stateless.faults.FaultSuite.LOAD_MILLIS;
import static dev.stateless.faults.FaultSuite.PACE;
import static dev.stateless.faults.FaultSuite.SETTLE;
import static dev.stateless.faults.FaultSuite.ledger;
import static dev.stateless.faults.FaultSuite.report;
import static dev.stateless.faults.FaultSuite.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.CacheNetworkException;
import dev.stateless.StatelessCache;
import dev.stateless.SyncCache;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.core.StatelessException;
import dev.stateless.faults.TwoNodeLoad.Node;
import dev.stateless.testing.Await;
import dev.stateless.testing.RedisServerExtension;
import dev.stateless.testing.RedisServerExtension.Persistence;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * redis-server killed with {@code kill -9} and started again on its port: empty, from an RDB
 * snapshot older than the last writes, or from its AOF; under a two-node load, and with one node's
 * invalidation reader cut off.
 */
class RedisRestartIT {
  @RegisterExtension static final FaultSuite suite = new FaultSuite();

  private static final long OUTAGE_MILLIS = 1_200;

  @Test
  void killAndEmptyRestart_underTwoNodeLoad_losesNoAcknowledgedWrite(@TempDir Path dir)
      throws Exception {
    restartUnderLoad("(a) kill -9, empty restart", Persistence.NONE, dir);
  }

  @Test
  void killAndRdbRestart_underTwoNodeLoad_losesNoAcknowledgedWrite(@TempDir Path dir)
      throws Exception {
    restartUnderLoad("(b) kill -9, RDB restart (older)", Persistence.RDB, dir);
  }

  @Test
  void killAndAofRestart_underTwoNodeLoad_losesNoAcknowledgedWrite(@TempDir Path dir)
      throws Exception {
    restartUnderLoad("(c) kill -9, AOF restart", Persistence.AOF, dir);
  }

  /**
   * Two nodes write and read (copies in every layer); redis-server is killed with SIGKILL (with
   * RDB: after a SAVE and more writes, so it comes back older), stays down while the nodes go on
   * ({@code CLIENT_FIRST} writes are acknowledged from the durable queue, owner writes fail with a
   * code), and comes back on the same port: empty, from the snapshot, or from its AOF.
   *
   * <p>What must survive: with AOF every acknowledged write; with RDB those acknowledged before the
   * SAVE; always those issued after the kill (the {@code CLIENT_FIRST} writes acknowledged during
   * the outage, and everything after the restart). Counters: those of the epoch after the kill;
   * with AOF every epoch. And whenever it was acknowledged, a {@code CLIENT_FIRST} write the drain
   * discards as a conflict is lost: no other node writes these keys, so no conflict is legitimate.
   */
  private void restartUnderLoad(String fault, Persistence mode, Path dir) throws Exception {
    long start = System.nanoTime();
    Ledger ledger = ledger(fault);
    RedisServerExtension redis = suite.server(mode);
    FaultTable.Row row;
    try (TwoNodeLoad load = new TwoNodeLoad(redis, dir, ledger)) {
      List<Node> both = List.of(load.node("A"), load.node("B"));
      ledger.mark("built");
      load.warmUp(both, both);
      ledger.mark("warm");
      load.start(both, both, PACE, 12);
      sleep(LOAD_MILLIS);
      if (mode == Persistence.RDB) {
        ledger.mark("save");
        assertThat(redis.command("SAVE")).isEqualTo("OK");
        sleep(LOAD_MILLIS / 2); // writes the snapshot will not have
      }
      ledger.mark("kill");
      redis.crash();
      ledger.mark("killed");
      load.nextEpoch();
      sleep(OUTAGE_MILLIS);
      redis.start(mode);
      ledger.mark("restarted");
      sleep(LOAD_MILLIS);
      long killed = ledger.at("killed");
      long save = ledger.at("save");
      long restarted = ledger.at("restarted");
      ledger.detail(
          ledger.writes(
                  w ->
                      w.kind == Ledger.Kind.CLIENT_FIRST
                          && w.acked()
                          && w.issued > killed
                          && w.ended < restarted)
              + " CLIENT_FIRST writes acknowledged while Redis was down");
      Predicate<Ledger.Write> mustSurvive =
          switch (mode) {
            case AOF -> w -> true;
            // A CLIENT_FIRST write acknowledged before the SAVE may have been drained after it.
            case RDB -> w -> w.issued > killed || (w.kind == Ledger.Kind.OWNER && w.ended < save);
            case NONE -> w -> w.issued > killed;
          };
      row = load.verify(mustSurvive, epoch -> mode == Persistence.AOF || epoch >= 1, SETTLE, start);
    } finally {
      redis.close();
    }
    report(row);
  }

  // ---------------------------------------------------------------- a node's reader down

  private static final int DIVERGENT_KEYS = 4;

  /**
   * A node whose invalidation reader is cut off (its user loses {@code XREAD}; its command
   * connection still works) reads values written after a SAVE; redis-server is killed and comes
   * back from the snapshot, without those values. Once the reader is back, the node must not serve
   * copies Redis no longer holds: its copies were made while no invalidation could reach it, and
   * the restart lost the events of those writes.
   */
  @Test
  void rdbRestartWhileANodesReaderIsDown_leavesNoCopyRedisNoLongerHolds(@TempDir Path dir)
      throws Exception {
    long start = System.nanoTime();
    Ledger ledger =
        ledger("(h) kill -9, RDB restart, a node's stream reader down (nodes disagree)");
    RedisServerExtension redis = suite.server(Persistence.RDB);
    String user = "node-b";
    createUser(redis, user);
    String query = FaultSuite.uri(redis).substring(redis.uri().length());
    long stale = 0;
    FaultTable.Row row;
    try (StatelessCache a = FaultSuite.node(FaultSuite.uri(redis)).build();
        StatelessCache b =
            FaultSuite.node(
                    "redis://" + user + ":secret@" + redis.host() + ":" + redis.port() + query)
                .build()) {
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < DIVERGENT_KEYS; i++) {
        String k = "user:divergent:" + i;
        keys.add(k);
        ledger.call("set " + k, () -> a.set(k, "saved"));
        Await.until(
            "B's copies of " + k,
            Duration.ofSeconds(5),
            () -> "saved".equals(b.sync().get(k)) && copied(b.sync(), k));
      }
      assertThat(redis.command("SAVE")).isEqualTo("OK");
      ledger.mark("save");
      // B's reader fails from its next XREAD on; B stops trusting its copies (SL104 on a view).
      redis.command("ACL", "SETUSER", user, "-xread");
      Await.until(
          "B's reader down",
          Duration.ofSeconds(10),
          () -> {
            try {
              b.sync().layer(CacheLayer.CLIENT).get(keys.get(0));
              return false;
            } catch (StatelessException e) {
              return true;
            }
          });
      for (String k : keys) {
        ledger.call("set " + k, () -> a.set(k, "lost"));
        ledger.call("get " + k, () -> b.get(k)); // from Redis, leaving copies in B
      }
      ledger.mark("kill");
      redis.crash();
      redis.start(Persistence.RDB);
      createUser(redis, user); // ACL users are not in the snapshot
      ledger.mark("restarted");
      Await.until(
          "B trusts its copies again",
          Duration.ofSeconds(20),
          () -> {
            try {
              b.sync().layer(CacheLayer.CLIENT).get(keys.get(0));
              return true;
            } catch (StatelessException e) {
              return false;
            }
          });
      Map<String, @Nullable String> held = new HashMap<>();
      for (String k : keys) {
        held.put(k, TwoNodeLoad.inRedis(redis, k));
      }
      Map<String, StatelessCache> nodes = Map.of("A", a, "B", b);
      List<String> disagreeing =
          Await.value(() -> disagreements(nodes, held), List::isEmpty, SETTLE);
      ledger.operations.add(2L * keys.size());
      stale = disagreeing.size();
      disagreeing.forEach(ledger::detail);
      row =
          ledger.staleOnlyRow(
              stale, start, ledger.marks() + "; " + String.join("; ", ledger.details()));
    } finally {
      redis.close();
    }
    report(row);
  }

  /** Each node's reads of the keys that disagree with what Redis holds, with their copies. */
  private static List<String> disagreements(
      Map<String, StatelessCache> nodes, Map<String, @Nullable String> held) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, StatelessCache> n : new TreeMap<>(nodes).entrySet()) {
      SyncCache node = n.getValue().sync();
      for (Map.Entry<String, @Nullable String> k : new TreeMap<>(held).entrySet()) {
        Object read;
        try {
          read = node.get(k.getKey());
        } catch (CacheNetworkException e) {
          // the node's connection is still coming back after the restart: not settled yet
          out.add(n.getKey() + " get(" + k.getKey() + ") failed: " + e.getMessage());
          continue;
        }
        if (!Objects.equals(read, k.getValue())) {
          out.add(
              n.getKey()
                  + " get("
                  + k.getKey()
                  + ") = "
                  + read
                  + ", Redis holds "
                  + k.getValue()
                  + " (client copy "
                  + node.layer(CacheLayer.CLIENT).get(k.getKey())
                  + ", edge copy "
                  + node.layer(CacheLayer.EDGE).get(k.getKey())
                  + ")");
        }
      }
    }
    return out;
  }

  private static boolean copied(SyncCache node, String key) {
    return node.layer(CacheLayer.CLIENT).get(key) != null
        && node.layer(CacheLayer.EDGE).get(key) != null;
  }

  /** An ACL user with every right, for a node whose rights the test takes away later. */
  private static void createUser(RedisServerExtension redis, String user) {
    assertThat(redis.command("ACL", "SETUSER", user, "reset", "on", ">secret", "~*", "&*", "+@all"))
        .isEqualTo("OK");
  }
}
