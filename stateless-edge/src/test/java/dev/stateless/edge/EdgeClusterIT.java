package dev.stateless.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.protocol.ProtocolVersion;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Cluster-mode clients against a node that answers {@code CLUSTER} as a cluster of one: Lettuce's
 * {@code RedisClusterClient} (its topology from {@code CLUSTER NODES}, keys of every slot sent to
 * the one node) and {@code redis-cli -c}; the replies' shapes are redis-server's.
 */
class EdgeClusterIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static EdgeNode node;

  @BeforeAll
  static void start() {
    node = EdgeNode.builder().port(0).start();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @ParameterizedTest
  @EnumSource(ProtocolVersion.class)
  void lettuceClusterClient_seesOneMasterWithEverySlot_andWritesKeysOfAnySlot(
      ProtocolVersion protocol) {
    RedisClusterClient client =
        RedisClusterClient.create(
            RedisURI.builder()
                .withHost("127.0.0.1")
                .withPort(node.port())
                .withTimeout(TIMEOUT)
                .build());
    client.setOptions(ClusterClientOptions.builder().protocolVersion(protocol).build());
    try (StatefulRedisClusterConnection<String, String> connection = client.connect()) {
      List<RedisClusterNode> nodes = client.getPartitions().getPartitions();
      assertThat(nodes).hasSize(1);
      RedisClusterNode only = nodes.get(0);
      assertThat(only.getUri().getPort()).isEqualTo(node.port());
      assertThat(only.getUri().getHost()).isEqualTo("127.0.0.1");
      assertThat(only.is(RedisClusterNode.NodeFlag.UPSTREAM)).isTrue();
      assertThat(only.getSlots()).hasSize(SlotHash.SLOT_COUNT);

      RedisAdvancedClusterCommands<String, String> sync = connection.sync();
      Map<String, String> values = new LinkedHashMap<>();
      for (int i = 0; i < 50; i++) {
        values.put("user:" + i, "v" + i); // keys of many slots
      }
      assertThat(sync.mset(values)).isEqualTo("OK"); // split by slot, all to the one node
      assertThat(sync.get("user:7")).isEqualTo("v7");
      assertThat(sync.mget(values.keySet().toArray(new String[0])))
          .extracting(kv -> kv.getValue())
          .containsExactlyElementsOf(values.values());
      assertThat(sync.clusterKeyslot("user:1")).isEqualTo(SlotHash.getSlot("user:1"));
      assertThat(sync.clusterKeyslot("{user}:1")).isEqualTo(SlotHash.getSlot("user"));
      assertThat(sync.clusterMyId()).isEqualTo(only.getNodeId()).hasSize(40);
    } finally {
      client.shutdown(Duration.ZERO, TIMEOUT);
    }
  }

  @Test
  void clusterInfoSlotsAndShards_haveRedisServersShape() {
    RedisClient client =
        RedisClient.create(
            RedisURI.builder()
                .withHost("127.0.0.1")
                .withPort(node.port())
                .withTimeout(TIMEOUT)
                .build());
    client.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP2).build());
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisCommands<String, String> sync = connection.sync();
      assertThat(sync.clusterInfo())
          .contains("cluster_state:ok", "cluster_slots_assigned:16384", "cluster_known_nodes:1");
      String id = sync.clusterMyId();
      assertThat(sync.clusterNodes())
          .isEqualTo(
              id
                  + " 127.0.0.1:"
                  + node.port()
                  + "@"
                  + (node.port() + 10000)
                  + " myself,master - 0 0 1 connected 0-16383\n");
      List<Object> slots = sync.clusterSlots();
      assertThat(slots)
          .containsExactly(
              List.of(0L, 16383L, List.of("127.0.0.1", (long) node.port(), id, List.of())));
      assertThat(sync.readOnly()).isEqualTo("OK");
      assertThat(sync.readWrite()).isEqualTo("OK");
    } finally {
      client.shutdown(Duration.ZERO, TIMEOUT);
    }
  }

  @Test
  void redisCliClusterMode_followsNothingAndGetsItsKeys() {
    String p = Integer.toString(node.port());
    RedisTools.Result set =
        RedisTools.run("redis-cli", "", 30, "-c", "-p", p, "SET", "{tag}:a", "1");
    assertThat(set.stdout()).isEqualTo("OK\n");
    RedisTools.Result shards = RedisTools.run("redis-cli", "", 30, "-p", p, "CLUSTER", "SHARDS");
    assertThat(shards.stdout())
        .isEqualTo(
            String.join(
                "\n",
                "slots",
                "0",
                "16383",
                "nodes",
                "id",
                RedisTools.run("redis-cli", "", 30, "-p", p, "CLUSTER", "MYID").stdout().strip(),
                "port",
                p,
                "ip",
                "127.0.0.1",
                "endpoint",
                "127.0.0.1",
                "role",
                "master",
                "replication-offset",
                "0",
                "health",
                "online",
                ""));
    RedisTools.Result unknown =
        RedisTools.run("redis-cli", "", 30, "-p", p, "CLUSTER", "MEET", "127.0.0.1", "1");
    assertThat(unknown.stdout().strip())
        .isEqualTo("ERR unknown subcommand 'MEET'. Try CLUSTER HELP.");
  }
}
