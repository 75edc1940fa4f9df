package dev.stateless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.core.Code;
import dev.stateless.core.StatelessException;
import dev.stateless.testing.Await;
import dev.stateless.testing.RedisClusterExtension;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two caches on a real Redis Cluster (3 masters, 3 replicas, on loopback) act as two application
 * nodes: every operation works across slots, an owner write on one drops the other's copies in
 * whatever slot its key lives, and a master killed or a slot moved under load leaves no stale copy.
 */
class ClusterIT {
  @RegisterExtension static final RedisClusterExtension cluster = new RedisClusterExtension();

  private static final Duration EVENTUALLY = Duration.ofSeconds(20);

  private final List<StatelessCache> open = new ArrayList<>();

  @BeforeEach
  void clean() {
    cluster.flushAll();
  }

  @AfterEach
  void closeAll() {
    open.forEach(StatelessCache::close);
  }

  private SyncCache node() {
    return node(cluster.uri());
  }

  private SyncCache node(String uri) {
    StatelessCache c =
        StatelessCache.builder().manifest(TestManifest.class).server(Stores.redis(uri)).build();
    open.add(c);
    return c.sync();
  }

  private static void eventually(String what, BooleanSupplier condition) {
    Await.until(
        what,
        EVENTUALLY,
        () -> {
          try {
            return condition.getAsBoolean();
          } catch (StatelessException e) {
            return false; // reconnecting, or copies not trusted yet
          }
        });
  }

  /** Keys of the component users, at least one in each of {@code slots} distinct slots. */
  private static List<String> keysInManySlots(int slots) {
    List<String> keys = new ArrayList<>();
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; seen.size() < slots; i++) {
      String k = "user:" + i;
      if (seen.add(SlotHash.getSlot(k))) {
        keys.add(k);
      }
    }
    return keys;
  }

  @Test
  void everyOperation_worksAcrossSlots() {
    SyncCache c = node();
    List<String> keys = keysInManySlots(100);
    for (String k : keys) {
      c.set(k, "v-" + k);
    }
    for (String k : keys) {
      assertThat(c.get(k)).isEqualTo("v-" + k);
    }
    c.set("ttl:1", "short", SetOptions.ttl(Duration.ofSeconds(30)));
    assertThat(cluster.command(cluster.masterOf("ttl:1"), "PTTL", "ttl:1"))
        .satisfies(ms -> assertThat(Long.parseLong(ms)).isBetween(1L, 30_000L));
    c.del(keys.get(0));
    assertThat(c.get(keys.get(0))).isNull();
    assertThat(c.increment("count:a", 5)).isEqualTo(5L);
    assertThat(c.increment("count:a", 2)).isEqualTo(7L);

    c.invalidatePattern("user:*");
    for (String k : keys) {
      assertThat(c.get(k)).as(k).isNull();
      assertThat(cluster.command(cluster.masterOf(k), "EXISTS", k)).isEqualTo("0");
    }

    // one slot: applied together
    c.atomicBatch(b -> b.set("user:{42}:a", "1").set("user:{42}:b", "2"));
    assertThat(c.get("user:{42}:a")).isEqualTo("1");
    assertThat(c.get("user:{42}:b")).isEqualTo("2");
    // two slots: refused, with the way out
    assertThatThrownBy(() -> c.atomicBatch(b -> b.set("user:1", "x").set("user:2", "y")))
        .isInstanceOfSatisfying(
            StatelessException.class,
            e -> {
              assertThat(e.code()).isEqualTo(Code.SL105.name());
              assertThat(e.getMessage()).contains("hash slot").contains("help:").contains("{");
            });
    assertThat(c.get("user:1")).isNull();
  }

  @Test
  void ownerWritesOnOneNode_dropTheOtherNodesCopies_inEverySlot() {
    SyncCache a = node();
    SyncCache b = node();
    List<String> keys = keysInManySlots(200);
    for (String k : keys) {
      b.set(k, "old");
    }
    for (String k : keys) {
      eventually(
          "a copy of " + k,
          () -> "old".equals(a.get(k)) && a.layer(CacheLayer.CLIENT).get(k) != null);
    }
    for (String k : keys) {
      b.set(k, "new");
    }
    for (String k : keys) {
      eventually("A sees " + k + " new", () -> "new".equals(a.get(k)));
    }
    // a pattern from B drops A's copies in every slot
    b.invalidatePattern("user:*");
    for (String k : keys) {
      eventually("A's copy of " + k + " dropped", () -> a.get(k) == null);
    }
  }

  @Test
  void dependentsInOtherSlots_areDropped() {
    SyncCache a = node();
    SyncCache b = node();
    // user:* invalidates profile:* (TestManifest): the dependents live in other slots
    List<String> profiles = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      profiles.add("profile:" + i);
    }
    for (String p : profiles) {
      b.set(p, "p");
      eventually("a copy of " + p, () -> "p".equals(a.get(p)));
    }
    b.set("user:1", "u");
    for (String p : profiles) {
      eventually(p + " dropped on A", () -> a.get(p) == null);
    }
  }

  @Test
  void clientFirstWrites_drainInOrderIntoEverySlot() {
    SyncCache a = node();
    // hot:* is CLIENT_FIRST: written locally, queued, drained to the cluster in order per slot
    List<String> keys = new ArrayList<>();
    Set<Integer> slots = new HashSet<>();
    for (int i = 0; slots.size() < 100; i++) {
      String k = "hot:" + i;
      if (slots.add(SlotHash.getSlot(k))) {
        keys.add(k);
      }
    }
    for (int round = 0; round < 3; round++) {
      for (String k : keys) {
        a.set(k, k + "-" + round);
      }
    }
    a.flush();
    for (String k : keys) {
      assertThat(cluster.command(cluster.masterOf(k), "GET", k)).as(k).isEqualTo(k + "-2");
    }
    SyncCache b = node();
    for (String k : keys) {
      assertThat(b.get(k)).isEqualTo(k + "-2");
    }
  }

  /**
   * Writes from both nodes (each to its own half of the keys, values numbered in order) while
   * {@code fault} runs; afterwards every key reads on both nodes as the cluster holds it, and holds
   * its last acknowledged write or a later one (a failed write may have been applied): a write is
   * acknowledged once a replica of its master has it (the cluster URI's default), so a killed
   * master loses none.
   */
  private void underLoad(Runnable fault) throws Exception {
    SyncCache a = node();
    SyncCache b = node();
    List<String> keys = keysInManySlots(300);
    Map<String, Integer> acked = new ConcurrentHashMap<>();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> writers = new ArrayList<>();
    for (SyncCache n : List.of(a, b)) {
      int half = n == a ? 0 : 1;
      Thread t =
          new Thread(
              () -> {
                Random r = new Random(half + 1);
                int i = 0;
                while (!stop.get()) {
                  String k = keys.get(2 * r.nextInt(keys.size() / 2) + half);
                  int v = i++;
                  try {
                    n.set(k, Integer.toString(v));
                    acked.put(k, v); // this writer's keys only: its values only grow
                    n.get(keys.get(r.nextInt(keys.size()))); // fills copies
                  } catch (StatelessException e) {
                    // the fault: a failed write is reported, and may or may not be applied
                  }
                }
              });
      t.start();
      writers.add(t);
    }
    // the load is under way: writes acknowledged in many slots (so on every master)
    eventually("30 keys written", () -> acked.size() >= 30);
    fault.run();
    Thread.sleep(1500);
    stop.set(true);
    for (Thread t : writers) {
      t.join(30_000);
    }
    List<String> lost = new ArrayList<>();
    for (String k : keys) {
      String held = cluster.command(cluster.masterOf(k), "GET", k);
      Integer last = acked.get(k);
      if (last != null && (held == null || Integer.parseInt(held) < last)) {
        lost.add(k + ": acknowledged " + last + ", the cluster holds " + held);
      }
    }
    assertThat(lost).as("acknowledged writes the cluster lost").isEmpty();
    assertThat(acked).as("acknowledged writes").isNotEmpty();
    for (String k : keys) {
      eventually(
          "both nodes read " + k + " as the cluster holds it",
          () -> {
            String held = cluster.command(cluster.masterOf(k), "GET", k);
            return java.util.Objects.equals(held, a.get(k))
                && java.util.Objects.equals(held, b.get(k));
          });
    }
  }

  /**
   * A write whose master's replica cannot confirm it (the replica stopped with SIGSTOP, shorter
   * than the cluster's node timeout) fails with SL100 after the WAIT, saying the master applied it;
   * writes to other masters go on; once the replica continues, writes are acknowledged again.
   */
  @Test
  void aWriteNoReplicaConfirms_failsWithSL100_whileOtherMastersAcknowledge() {
    // a 1.5 s WAIT: long enough for a healthy replica on a loaded machine, short enough to stay
    // under the cluster's node timeout while the replica is stopped
    SyncCache a = node(cluster.uri() + "?timeout=3s");
    String key = "user:0";
    int master = cluster.masterOf(key);
    String other =
        keysInManySlots(50).stream()
            .filter(k -> cluster.masterOf(k) != master)
            .findFirst()
            .orElseThrow();
    a.set(key, "before");
    int replica = cluster.replicasOf(master).get(0);
    Throwable failure;
    cluster.pause(replica);
    try {
      failure = org.assertj.core.api.Assertions.catchThrowable(() -> a.set(key, "during"));
      a.set(other, "elsewhere");
    } finally {
      cluster.resume(replica);
    }

    assertThat(failure)
        .isInstanceOf(CacheNetworkException.class)
        .hasMessageContaining("could not confirm 1 write on 1 replica of its master")
        .hasMessageContaining("the master applied it, but a failover may lose it");
    assertThat(Failures.code(failure)).isEqualTo("SL100");
    assertThat(cluster.command(master, "GET", key)).isEqualTo("during");
    assertThat(cluster.command(cluster.masterOf(other), "GET", other)).isEqualTo("elsewhere");
    eventually(
        "a write acknowledged again",
        () -> {
          a.set(key, "after");
          return true;
        });
    assertThat(a.get(key)).isEqualTo("after");
  }

  /** {@code replicas=2} where each master has one replica: no write is acknowledged. */
  @Test
  void replicas_moreThanTheMastersHave_failsEveryWrite() {
    SyncCache a = node(cluster.uri() + "?timeout=1s&replicas=2");

    assertThatThrownBy(() -> a.set("user:0", "v"))
        .isInstanceOf(CacheNetworkException.class)
        .hasMessageContaining("could not confirm 1 write on 2 replicas of its master");
    assertThat(cluster.command(cluster.masterOf("user:0"), "GET", "user:0")).isEqualTo("v");
  }

  @Test
  void aMasterKilledUnderLoad_leavesNoStaleCopy() throws Exception {
    underLoad(() -> cluster.crashMaster(cluster.masterOf("user:0")));
  }

  /**
   * The master's link to its replica dropped ({@code CLIENT KILL TYPE replica}, and its
   * reconnection refused: a wrong {@code masterauth}), then the master killed: what the master
   * applied in between never reached the replica that is promoted. Acknowledged on the master's
   * reply, those writes would be lost; confirmed by a replica, they fail instead, and no
   * acknowledged write is missing.
   */
  @Test
  void aMasterKilledWhileItsReplicaLagsUnderLoad_losesNoAcknowledgedWrite() throws Exception {
    underLoad(
        () -> {
          int master = cluster.masterOf("user:0");
          int replica = cluster.replicasOf(master).get(0);
          // the replica's reconnection fails (a password the master does not take)
          cluster.command(replica, "CONFIG", "SET", "masterauth", "not-the-password");
          cluster.command(master, "CLIENT", "KILL", "TYPE", "replica");
          try {
            Thread.sleep(500);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          cluster.crashMaster(master);
        });
  }

  @Test
  void aSlotMovedUnderLoad_leavesNoStaleCopy() throws Exception {
    int slot = SlotHash.getSlot("user:0");
    underLoad(
        () -> {
          int from = cluster.masterOf("user:0");
          int to = cluster.masters().stream().filter(p -> p != from).findFirst().orElseThrow();
          cluster.migrateSlot(slot, to);
        });
  }
}
