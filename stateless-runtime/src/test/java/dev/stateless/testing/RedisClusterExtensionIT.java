package dev.stateless.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisClusterExtensionIT {

  @RegisterExtension static final RedisClusterExtension cluster = new RedisClusterExtension();

  private static RedisClusterClient client;
  private static StatefulRedisClusterConnection<String, String> connection;

  @BeforeAll
  static void connect() {
    // No periodic topology refresh: redirections lead the client; a crash test refreshes by hand.
    client = RedisClusterClient.create(cluster.uri());
    connection = client.connect();
  }

  @AfterAll
  static void disconnect() {
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }

  @BeforeEach
  void emptyTheCluster() {
    cluster.flushAll();
  }

  @Test
  void startsThreeMastersWithAReplicaEach_servingEverySlotOnce() {
    List<Integer> masters = cluster.masters();
    List<Integer> replicas = cluster.replicas();

    assertThat(masters).hasSize(3);
    assertThat(replicas).hasSize(3);
    assertThat(union(masters, replicas)).containsExactlyInAnyOrderElementsOf(cluster.ports());
    Set<Integer> served = new HashSet<>();
    int total = 0;
    for (int master : masters) {
      List<Integer> slots = cluster.slotsOf(master);
      assertThat(slots).isNotEmpty();
      served.addAll(slots);
      total += slots.size();
    }
    assertThat(served).hasSize(RedisClusterExtension.SLOTS);
    assertThat(total).isEqualTo(RedisClusterExtension.SLOTS);
    assertThat(replicas.stream().map(RedisClusterExtensionIT::masterPortOf))
        .containsExactlyInAnyOrderElementsOf(masters);
    for (int replica : replicas) {
      assertThat(cluster.slotsOf(replica)).isEmpty();
    }
    for (int port : cluster.ports()) {
      assertThat(cluster.command(port, "CLUSTER", "INFO"))
          .contains("cluster_state:ok", "cluster_slots_assigned:16384", "cluster_known_nodes:6");
    }
  }

  @Test
  void listensOnSixEphemeralLoopbackPorts_andNamesThemAllInItsUri() {
    List<Integer> ports = cluster.ports();

    assertThat(ports).hasSize(6).doesNotHaveDuplicates().doesNotContain(6379, 7000);
    assertThat(cluster.uri())
        .isEqualTo(
            ports.stream()
                .map(p -> "127.0.0.1:" + p)
                .collect(Collectors.joining(",", "redis://", "")));
  }

  @Test
  void runsTheBinaryRedisServerExtensionChooses() {
    String version = new RedisServerExtension().version();

    for (int port : cluster.ports()) {
      assertThat(cluster.command(port, "INFO", "server")).contains("redis_version:" + version);
    }
  }

  @Test
  void clusterClient_setsAndGetsKeysOnEveryMaster() {
    RedisAdvancedClusterCommands<String, String> redis = connection.sync();
    Set<Integer> owners = new HashSet<>();

    for (int i = 0; i < 100; i++) {
      assertThat(redis.set("key:" + i, "value " + i)).isEqualTo("OK");
    }

    for (int i = 0; i < 100; i++) {
      assertThat(redis.get("key:" + i)).isEqualTo("value " + i);
    }
    for (int i = 0; i < 100; i += 5) {
      int owner = cluster.masterOf("key:" + i);
      assertThat(cluster.command(owner, "GET", "key:" + i)).isEqualTo("value " + i);
      owners.add(owner);
    }
    assertThat(owners).containsExactlyInAnyOrderElementsOf(cluster.masters());
  }

  @Test
  void command_onAMasterNotServingTheKey_repliesMoved() {
    int owner = cluster.masterOf("k");
    int other = cluster.masters().stream().filter(p -> p != owner).findFirst().orElseThrow();

    assertThat(cluster.command(other, "GET", "k")).startsWith("-MOVED ").endsWith(":" + owner);
  }

  @Test
  void crashMaster_promotesItsReplica_whichStillHoldsAWriteThatWaitedForIt_andRestartRejoins() {
    String key = "crash:k";
    int master = cluster.masterOf(key);
    int replica =
        cluster.replicas().stream()
            .filter(r -> masterPortOf(r) == master)
            .findFirst()
            .orElseThrow();
    List<Integer> slots = cluster.slotsOf(master);
    long pid = cluster.pid(master);
    var node = connection.getConnection("127.0.0.1", master).sync();
    node.set(key, "kept");
    assertThat(node.waitForReplication(1, 5_000)).isEqualTo(1);

    int promoted = cluster.crashMaster(master);

    assertThat(promoted).isEqualTo(replica);
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
    assertThat(cluster.masters()).hasSize(3).contains(promoted).doesNotContain(master);
    assertThat(cluster.slotsOf(promoted)).isEqualTo(slots);
    assertThat(cluster.masterOf(key)).isEqualTo(promoted);
    client.refreshPartitions();
    assertThat(connection.sync().get(key)).isEqualTo("kept");

    cluster.restart(master);

    assertThat(cluster.pid(master)).isNotEqualTo(pid);
    assertThat(cluster.replicas()).contains(master);
    assertThat(masterPortOf(master)).isEqualTo(promoted);
    assertThat(connection.sync().get(key)).isEqualTo("kept");
  }

  @Test
  void migrateSlot_movesTheSlotWithItsKeys_whileAClientKeepsWriting() throws Exception {
    String tag = "{moving}";
    int slot = Integer.parseInt(cluster.command(cluster.ports().get(0), "CLUSTER", "KEYSLOT", tag));
    int from = cluster.masterOf(tag);
    int to = cluster.masters().stream().filter(p -> p != from).findFirst().orElseThrow();
    RedisAdvancedClusterCommands<String, String> redis = connection.sync();
    for (int i = 0; i < 200; i++) {
      redis.set(tag + i, "before " + i);
    }
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger writes = new AtomicInteger();
    CompletableFuture<Void> writer =
        CompletableFuture.runAsync(
            () -> {
              while (!stop.get()) {
                int i = writes.get();
                redis.set(tag + "during" + i, "during " + i);
                writes.incrementAndGet();
              }
            });
    Await.until("the writer writes", Duration.ofSeconds(10), () -> writes.get() >= 10);

    cluster.migrateSlot(slot, to);
    stop.set(true);
    writer.get();
    int written = writes.get();

    assertThat(cluster.slotsOf(to)).contains(slot);
    assertThat(cluster.slotsOf(from)).doesNotContain(slot);
    assertThat(cluster.masterOf(tag)).isEqualTo(to);
    assertThat(cluster.command(from, "CLUSTER", "COUNTKEYSINSLOT", Integer.toString(slot)))
        .isEqualTo("0");
    assertThat(cluster.command(to, "CLUSTER", "COUNTKEYSINSLOT", Integer.toString(slot)))
        .isEqualTo(Integer.toString(200 + written));
    for (int i = 0; i < 200; i++) {
      assertThat(redis.get(tag + i)).isEqualTo("before " + i);
    }
    for (int i = 0; i < written; i++) {
      assertThat(redis.get(tag + "during" + i)).isEqualTo("during " + i);
    }
  }

  @Test
  void migrateSlot_toAReplica_throwsNamingTheMasters() {
    int replica = cluster.replicas().get(0);

    assertThatThrownBy(() -> cluster.migrateSlot(0, replica))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(replica + " is not a running master");
  }

  @Test
  void startAndClose_byHand_onTheEmbeddedBinaryIfBundled_leaveNoProcessBehind() {
    RedisClusterExtension own =
        RedisServerExtension.embeddedResourceName() == null
            ? new RedisClusterExtension()
            : new RedisClusterExtension(
                RedisServerExtension.embeddedBinary(), RedisServerExtension.BinarySource.EMBEDDED);
    List<Long> pids = new ArrayList<>();
    List<Integer> ports;
    try {
      own.start();
      ports = own.ports();
      for (int port : ports) {
        pids.add(own.pid(port));
      }

      assertThat(ports).doesNotContainAnyElementsOf(cluster.ports());
      assertThat(own.masters()).hasSize(3);
      assertThat(own.replicas()).hasSize(3);
      if (RedisServerExtension.embeddedResourceName() != null) {
        assertThat(own.command(ports.get(0), "INFO", "server")).contains("redis_version:6.2");
      }
      assertThat(own.command(own.masterOf("k"), "SET", "k", "v")).isEqualTo("OK");
    } finally {
      own.close();
    }

    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
          .as("pid %d", pid)
          .isNotEqualTo(Optional.of(true));
    }
    for (int port : ports) {
      assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
          .isInstanceOf(ConnectException.class);
    }
    assertThatThrownBy(own::ports).isInstanceOf(IllegalStateException.class);
  }

  private static final Pattern MASTER_PORT = Pattern.compile("(?m)^master_port:(\\d+)\\s*$");

  /** The port of the master the replica on {@code port} replicates, per its INFO replication. */
  private static int masterPortOf(int port) {
    Matcher m = MASTER_PORT.matcher(cluster.command(port, "INFO", "replication"));
    assertThat(m.find()).as("%d is a replica", port).isTrue();
    return Integer.parseInt(m.group(1));
  }

  private static List<Integer> union(List<Integer> a, List<Integer> b) {
    List<Integer> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
