package dev.stateless.edge;

import static dev.stateless.edge.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.StatelessCache;
import dev.stateless.Stores;
import dev.stateless.SyncCache;
import dev.stateless.core.Manifest;
import dev.stateless.edge.testing.LatencyProxy;
import dev.stateless.edge.testing.RegionsManifest;
import dev.stateless.testing.RedisServerExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two regions, a and b, each an edge node following one real Redis (the server layer) and two SDK
 * nodes on {@code Stores.edge(region, nodes)}: where each strategy's writes are seen and how soon
 * ({@code docs/regions.md}), and what the SDK nodes of a region do when its node is killed (they
 * move to the other region's, serve no value older than a write they saw, and come back).
 */
class RegionsIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** The SDK nodes' timeout on a node call; with the 1 s PINGs, the liveness window is 2.5 s. */
  private static final String NODE_TIMEOUT = "500ms";

  /** The documented cross-region bound of EDGE_OPTIMIZED copies: 2 s + the node timeout. */
  private static final Duration CROSS_REGION_BOUND = Duration.ofMillis(2500);

  @RegisterExtension static final RedisServerExtension redis = new RedisServerExtension();

  static final Manifest MANIFEST = RegionsManifest.MANIFEST;

  private final List<AutoCloseable> closing = new ArrayList<>();
  private LatencyProxy upstreamA;
  private LatencyProxy upstreamB;
  private EdgeNode nodeA;
  private EdgeNode nodeB;

  @BeforeEach
  void startNodes() {
    upstreamA = LatencyProxy.start(redis.port(), Duration.ZERO, Duration.ZERO);
    upstreamB = LatencyProxy.start(redis.port(), Duration.ZERO, Duration.ZERO);
    nodeA = startNode(0, upstreamA);
    nodeB = startNode(0, upstreamB);
  }

  private static EdgeNode startNode(int port, LatencyProxy upstream) {
    return EdgeNode.builder()
        .port(port)
        .manifest(MANIFEST)
        .defaultUserActsForAllOwners(true)
        .upstream("redis://127.0.0.1:" + upstream.port() + "?timeout=10s")
        .start();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    nodeA.close();
    nodeB.close();
    upstreamA.close();
    upstreamB.close();
  }

  private static String uri(EdgeNode node, String timeout) {
    return "redis://127.0.0.1:" + node.port() + "?timeout=" + timeout;
  }

  private StatelessCache sdk(String region) {
    return sdk(region, NODE_TIMEOUT);
  }

  private StatelessCache sdk(String region, String timeout) {
    Map<String, List<String>> nodes =
        Map.of("a", List.of(uri(nodeA, timeout)), "b", List.of(uri(nodeB, timeout)));
    StatelessCache cache =
        StatelessCache.builder()
            .manifest(MANIFEST)
            .edge(Stores.edge(region, nodes))
            .server(Stores.redis(redis.uri()))
            .build();
    closing.add(cache);
    return cache;
  }

  /** The edge node an SDK node uses right now, as its status tells. */
  private static String using(StatelessCache cache) {
    String store = cache.status().layers().get(1).store();
    return store.substring(store.indexOf(", using ") + 8);
  }

  private static boolean uses(StatelessCache cache, int port) {
    return using(cache).endsWith(":" + port);
  }

  private RedisCommands<String, String> lettuce(EdgeNode node) {
    RedisClient client = RedisClient.create("redis://127.0.0.1:" + node.port());
    closing.add(client::shutdown);
    return client.connect().sync();
  }

  @Test
  void eachSdkNode_usesItsOwnRegionsNode() throws Exception {
    StatelessCache a = sdk("a");
    StatelessCache b = sdk("b");

    assertThat(uses(a, nodeA.port())).as(using(a)).isTrue();
    assertThat(uses(b, nodeB.port())).as(using(b)).isTrue();
    a.sync().set("cart:1", "a's");
    assertThat(lettuce(nodeA).get("cart:1")).isEqualTo("a's");
    assertThat(lettuce(nodeB).get("cart:1")).as("regional: not in b's node").isNull();
  }

  @Test
  void aWriteInA_isSeenInAAtOnce_andInBWithinTheBound_perStrategy() throws Exception {
    SyncCache a1 = sdk("a").sync();
    SyncCache a2 = sdk("a").sync();
    SyncCache b1 = sdk("b").sync();
    SyncCache b2 = sdk("b").sync();

    // @Layer(EDGE): the region's node holds the primary; a's SDK nodes see it at once, b never
    for (int i = 0; i < 50; i++) {
      a1.set("cart:7", "a" + i);
      assertThat(a2.get("cart:7")).isEqualTo("a" + i);
    }
    b1.set("cart:7", "b");
    assertThat(b2.get("cart:7")).isEqualTo("b");
    assertThat(a2.get("cart:7")).as("each region its own").isEqualTo("a49");

    // GLOBAL_CONSISTENT: never stale, in any region, at once
    for (int i = 0; i < 50; i++) {
      a1.set("ledger:1", Integer.toString(i));
      assertThat(b1.get("ledger:1")).isEqualTo(Integer.toString(i));
      assertThat(b2.get("ledger:1")).isEqualTo(Integer.toString(i));
    }

    // EDGE_OPTIMIZED: the writer at once; b, which holds copies (client and node), within the bound
    a1.set("user:1", "v0");
    await("b copies v0", WAIT, () -> "v0".equals(b1.get("user:1")));
    assertThat(lettuce(nodeB).get("user:1")).as("b's node holds a copy").isEqualTo("v0");
    for (int i = 1; i <= 5; i++) {
      String v = "v" + i;
      a1.set("user:1", v);
      assertThat(a1.get("user:1")).isEqualTo(v);
      await("b1 sees " + v, CROSS_REGION_BOUND, () -> v.equals(b1.get("user:1")));
      await("b2 sees " + v, CROSS_REGION_BOUND, () -> v.equals(b2.get("user:1")));
      await("a2 sees " + v, CROSS_REGION_BOUND, () -> v.equals(a2.get("user:1")));
    }

    // CLIENT_FIRST, as with one region: the writer at once, the others once the queue drains
    a1.set("note:1", "n");
    assertThat(a1.get("note:1")).isEqualTo("n");
    await("b1 sees the drained note", WAIT, () -> "n".equals(b1.get("note:1")));
  }

  @Test
  void aRegionsNodeKilled_itsSdkNodesFailOverToTheOtherRegion_withNoStaleRead_andComeBack()
      throws Exception {
    // a long timeout: a read through b's lagging node would answer, with the old value
    StatelessCache a1 = sdk("a", "10s");
    StatelessCache a2 = sdk("a", "10s");
    SyncCache b1 = sdk("b").sync();
    int portA = nodeA.port();

    // b's node holds user:9 = v0, then falls behind the server's log
    a1.sync().set("user:9", "v0");
    await("b's node copies v0", WAIT, () -> "v0".equals(b1.get("user:9")));
    assertThat(lettuce(nodeB).get("user:9")).isEqualTo("v0");
    upstreamB.delay(Duration.ofSeconds(3), Duration.ZERO);

    // a writes v1: a's node applies it and tells a's SDK nodes; b's node will not for 3 s
    a2.sync().set("user:9", "v1");
    RedisCommands<String, String> onA = lettuce(nodeA);
    await("a's node applied v1", WAIT, () -> "v1".equals(onA.get("user:9")));
    await("a1 reads v1 through a's node", WAIT, () -> "v1".equals(a1.sync().get("user:9")));

    nodeA.close();

    await("a1 on b's node", WAIT, () -> uses(a1, nodeB.port()));
    await("a2 on b's node", WAIT, () -> uses(a2, nodeB.port()));
    assertThat(lettuce(nodeB).get("user:9"))
        .as("b's node still serves the value before the write a saw")
        .isEqualTo("v0");
    assertThat(a1.sync().get("user:9")).as("no stale read after the switch").isEqualTo("v1");
    assertThat(a2.sync().get("user:9")).isEqualTo("v1");

    // while failed over, a's edge data goes to b's node
    a1.sync().set("cart:2", "on b");
    assertThat(lettuce(nodeB).get("cart:2")).isEqualTo("on b");

    upstreamB.delay(Duration.ZERO, Duration.ZERO);
    nodeA = startNode(portA, upstreamA);

    await("a1 back on a's node", WAIT, () -> uses(a1, portA));
    await("a2 back on a's node", WAIT, () -> uses(a2, portA));
    a1.sync().set("cart:3", "on a");
    assertThat(lettuce(nodeA).get("cart:3")).isEqualTo("on a");
    assertThat(a2.sync().get("cart:3")).isEqualTo("on a");
    a2.sync().set("user:9", "v2");
    await("b1 sees v2", CROSS_REGION_BOUND, () -> "v2".equals(b1.get("user:9")));
    assertThat(a1.sync().get("user:9")).isEqualTo("v2");
  }
}
