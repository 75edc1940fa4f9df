package dev.stateless.edge;

import static dev.stateless.edge.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.StatelessCache;
import dev.stateless.Stores;
import dev.stateless.SyncCache;
import dev.stateless.edge.testing.LatencyProxy;
import dev.stateless.testing.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regions under the simulated WAN ({@link LatencyProxy} on every link, one-way delays): SDK
 * node to its own region's edge node 2-5 ms, to another region's 40-60 ms, edge node to the server
 * 20-40 ms, SDK node to the server 30-50 ms. The nearest node is the one measured nearest, not the
 * first listed; the choice follows the measurements; a write crosses regions within the stated
 * bound; a killed node's SDK nodes carry on through the other region's.
 */
class RegionsWanIT {
  private static final Duration WAIT = Duration.ofSeconds(15);

  /** The documented cross-region bound: 2 s + the 1 s timeout of these SDK nodes. */
  private static final Duration CROSS_REGION_BOUND = Duration.ofSeconds(3);

  @RegisterExtension static final RedisServerExtension redis = new RedisServerExtension();

  private final List<AutoCloseable> caches = new ArrayList<>();
  private final List<AutoCloseable> links = new ArrayList<>();
  private EdgeNode nodeA;
  private EdgeNode nodeA2;
  private EdgeNode nodeB;
  private LatencyProxy toServerFromA;

  @BeforeEach
  void start() {
    toServerFromA = link(redis.port(), 20, 40);
    nodeA = startNode(0, toServerFromA);
    nodeA2 = startNode(0, link(redis.port(), 20, 40));
    nodeB = startNode(0, link(redis.port(), 20, 40));
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : caches) {
      c.close();
    }
    nodeA.close();
    nodeA2.close();
    nodeB.close();
    for (AutoCloseable c : links) {
      c.close();
    }
  }

  private LatencyProxy link(int port, int fromMillis, int toMillis) {
    LatencyProxy p =
        LatencyProxy.start(
            port, Duration.ofMillis(fromMillis), Duration.ofMillis(toMillis - fromMillis));
    links.add(p);
    return p;
  }

  private static EdgeNode startNode(int port, LatencyProxy upstream) {
    return EdgeNode.builder()
        .port(port)
        .manifest(RegionsIT.MANIFEST)
        .defaultUserActsForAllOwners(true)
        .upstream("redis://127.0.0.1:" + upstream.port() + "?timeout=5s")
        .start();
  }

  private static String via(LatencyProxy link) {
    return "redis://127.0.0.1:" + link.port() + "?timeout=1s";
  }

  private StatelessCache sdk(String region, Map<String, List<String>> nodes) {
    StatelessCache cache =
        StatelessCache.builder()
            .manifest(RegionsIT.MANIFEST)
            .edge(Stores.edge(region, nodes))
            .server(Stores.redis(via(link(redis.port(), 30, 50))))
            .build();
    caches.add(cache);
    return cache;
  }

  /** An SDK node of {@code region}: its node 2-5 ms away, the other region's 40-60 ms. */
  private StatelessCache sdkNear(String region, EdgeNode home, String otherRegion, EdgeNode other) {
    return sdk(
        region,
        Map.of(
            region, List.of(via(link(home.port(), 2, 5))),
            otherRegion, List.of(via(link(other.port(), 40, 60)))));
  }

  private static boolean uses(StatelessCache cache, LatencyProxy link) {
    return cache.status().layers().get(1).store().endsWith(":" + link.port());
  }

  @Test
  void theNearestNode_isTheOneMeasuredNearest_andTheChoiceFollowsTheMeasurements()
      throws Exception {
    LatencyProxy far = link(nodeA2.port(), 25, 30);
    LatencyProxy near = link(nodeA.port(), 2, 5);
    LatencyProxy other = link(nodeB.port(), 40, 60);
    // the far node first: the order breaks ties only
    StatelessCache a =
        sdk("a", Map.of("a", List.of(via(far), via(near)), "b", List.of(via(other))));
    assertThat(uses(a, near)).as(a.status().layers().get(1).store()).isTrue();

    near.delay(Duration.ofMillis(60), Duration.ZERO); // the near node drifts away
    await("moved to the nearer node", WAIT, () -> uses(a, far));
    a.sync().set("cart:1", "on the far node");
    assertThat(a.sync().get("cart:1")).isEqualTo("on the far node");

    near.delay(Duration.ofMillis(2), Duration.ofMillis(3));
    await("back to the near node", WAIT, () -> uses(a, near));
    assertThat(a.sync().get("cart:1")).as("each node its own edge data").isNull();
  }

  @Test
  void aWriteInA_reachesBWithinTheBound_underWanDelays() throws Exception {
    StatelessCache a = sdkNear("a", nodeA, "b", nodeB);
    StatelessCache b = sdkNear("b", nodeB, "a", nodeA);
    SyncCache as = a.sync();
    SyncCache bs = b.sync();
    as.set("user:1", "v0");
    await("b copies v0", WAIT, () -> "v0".equals(bs.get("user:1")));
    long worst = 0;
    for (int i = 1; i <= 5; i++) {
      String v = "v" + i;
      as.set("user:1", v);
      assertThat(as.get("user:1")).isEqualTo(v);
      worst =
          Math.max(
              worst, await("b sees " + v, CROSS_REGION_BOUND, () -> v.equals(bs.get("user:1"))));
    }
    System.out.println(
        "RegionsWanIT: the slowest of 5 writes reached region b in " + worst + " ms");
  }

  @Test
  void aKilledNode_itsSdkNodeCarriesOnThroughTheOtherRegion_andComesBack() throws Exception {
    LatencyProxy near = link(nodeA.port(), 2, 5);
    StatelessCache a =
        sdk("a", Map.of("a", List.of(via(near)), "b", List.of(via(link(nodeB.port(), 40, 60)))));
    SyncCache as = a.sync();
    as.set("user:5", "v0");
    assertThat(as.get("user:5")).isEqualTo("v0");
    int port = nodeA.port();

    nodeA.close();
    await("failed over", WAIT, () -> !uses(a, near));
    as.set("user:5", "v1");
    assertThat(as.get("user:5")).isEqualTo("v1");
    assertThat(as.get("ledger:5")).isNull();

    nodeA = startNode(port, toServerFromA);
    await("back on its region's node", WAIT, () -> uses(a, near));
    as.set("user:5", "v2");
    assertThat(as.get("user:5")).isEqualTo("v2");
  }
}
