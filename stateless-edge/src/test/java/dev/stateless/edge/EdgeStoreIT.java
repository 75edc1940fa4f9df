package dev.stateless.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stateless.CacheNetworkException;
import dev.stateless.CacheStatus;
import dev.stateless.CapacityException;
import dev.stateless.StaleDataException;
import dev.stateless.StatelessCache;
import dev.stateless.Stores;
import dev.stateless.SyncCache;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Strategy;
import dev.stateless.core.Manifest;
import dev.stateless.core.StatelessException;
import dev.stateless.testing.RedisServerExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SDK nodes whose edge layer is a real edge node ({@code Stores.edge}), with a real Redis as both
 * their server layer and the node's upstream: where writes land, what reads return, how copies are
 * dropped when another client writes (the node's tracking pushes), and what callers see when the
 * node goes away and comes back.
 */
class EdgeStoreIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @RegisterExtension static final RedisServerExtension redis = new RedisServerExtension();

  static final Manifest MANIFEST =
      Manifest.parse(
          "shop.yaml",
          String.join(
              "\n",
              "components:",
              "  catalog:", // seed 003 §2: edge-primary, borrowers keep no client copy
              "    owns: products:*",
              "    layer: edge",
              "    max-size: 1MB",
              "  prices:", // edge data that SDK nodes also copy into their client layer
              "    owns: price:*",
              "    layer: edge",
              "    backfill: true",
              "  users:", // server data, read through the node
              "    owns: user:*",
              "    backfill: true",
              "    strategy: edge_optimized",
              "  video:", // seed 003 §4: streamed from the node
              "    owns: video:*",
              "    layer: edge",
              "    streaming: 64KB",
              "    max-size: 512KB",
              "  player:",
              "    borrows: video:*",
              "  storefront:",
              "    borrows: [products:*, price:*]",
              ""));

  private EdgeNode node;
  private final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeEach
  void startNode() {
    node = startNode(0);
  }

  private static EdgeNode startNode(int port) {
    return EdgeNode.builder()
        .port(port)
        .manifest(MANIFEST)
        .defaultUserActsForAllOwners(true)
        .upstream(redis.uri())
        .user("catalog", "cat-pw")
        .start();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    node.close();
  }

  private String nodeUri() {
    return "redis://127.0.0.1:" + node.port() + "?timeout=2s";
  }

  private SyncCache sdk() {
    return sdk(nodeUri());
  }

  private SyncCache sdk(String edgeUri) {
    StatelessCache cache =
        StatelessCache.builder()
            .manifest(MANIFEST)
            .edge(Stores.edge(edgeUri))
            .server(Stores.redis(redis.uri()))
            .build();
    closing.add(cache);
    return cache.sync();
  }

  private RedisCommands<String, String> lettuce(String uri) {
    RedisClient client = RedisClient.create(uri);
    StatefulRedisConnection<String, String> c = client.connect();
    closing.add(client::shutdown);
    return c.sync();
  }

  private static void await(String what, Supplier<Boolean> condition) throws InterruptedException {
    Await.await(what, WAIT, condition);
  }

  @Test
  void edgeOwnedWrites_landOnTheNodeOnly_andBorrowersReadThemWithoutAClientCopy() {
    SyncCache writer = sdk();
    SyncCache reader = sdk();

    assertThat(writer.set("products:1", "shoe")).isTrue();

    assertThat(lettuce(nodeUri()).get("products:1")).isEqualTo("shoe");
    assertThat(lettuce(redis.uri()).get("products:1")).as("never in Redis").isNull();
    SyncCache storefront = reader.component("storefront");
    assertThat(storefront.get("products:1")).isEqualTo("shoe");
    assertThat(reader.layer(CacheLayer.CLIENT).get("products:1"))
        .as("no redundant client copy of edge-primary data")
        .isNull();
    assertThatThrownBy(() -> storefront.set("products:1", "boot"))
        .isInstanceOf(StatelessException.class)
        .satisfies(e -> assertThat(((StatelessException) e).code()).isEqualTo("SL002"));
  }

  @Test
  void aClientCopy_isDropped_whenAnotherSdkNodeOrAPlainRedisClientWritesTheKey() throws Exception {
    SyncCache a = sdk();
    SyncCache b = sdk();
    b.set("price:1", "10");
    // A read may race the node's push of b's write (then it leaves no copy): read until copied.
    await(
        "a copies the value",
        () ->
            "10".equals(a.get("price:1"))
                && "10".equals(a.layer(CacheLayer.CLIENT).get("price:1")));

    b.set("price:1", "11");
    await("a's copy dropped", () -> a.layer(CacheLayer.CLIENT).get("price:1") == null);
    assertThat(a.get("price:1")).isEqualTo("11");

    lettuce(nodeUri()).set("price:1", "12");
    await("a's copy dropped again", () -> a.layer(CacheLayer.CLIENT).get("price:1") == null);
    assertThat(a.get("price:1")).isEqualTo("12");

    b.del("price:1");
    await("a's copy dropped on delete", () -> a.layer(CacheLayer.CLIENT).get("price:1") == null);
    assertThat(a.get("price:1")).isNull();
  }

  @Test
  void aWriterReadsItsOwnWrite_andKeepsNoCopyOfAValueItReplaced() {
    SyncCache a = sdk();
    for (int i = 0; i < 200; i++) {
      a.set("price:own", Integer.toString(i));
      assertThat(a.get("price:own")).isEqualTo(Integer.toString(i));
    }
  }

  @Test
  void aWriterReadsItsOwnWriteOfServerData_thoughTheNodeHasNotAppliedItYet() {
    SyncCache a = sdk();
    SyncCache b = sdk();
    for (int i = 0; i < 100; i++) {
      String v = Integer.toString(i);
      a.set("user:ryw", v);
      // The node learns of the write from its upstream's log, a moment later; the reads that
      // would go through it go to Redis until it tells it caught up.
      assertThat(a.get("user:ryw")).isEqualTo(v);
      assertThat(lettuce(redis.uri()).get("user:ryw")).isEqualTo(v);
    }
    assertThat(b.get("user:ryw")).isEqualTo("99");
  }

  @Test
  void serverOwnedData_isReadThroughTheNode_andItsCopiesFollowTheServersWrites() throws Exception {
    SyncCache a = sdk();
    SyncCache b = sdk();
    a.set("user:1", "ann");
    assertThat(lettuce(redis.uri()).get("user:1")).as("the owner's layer").isEqualTo("ann");

    assertThat(b.get("user:1")).isEqualTo("ann");
    assertThat(lettuce(nodeUri()).get("user:1")).as("read through the node").isEqualTo("ann");

    a.set("user:1", "bob");
    await("b sees the server's new value", () -> "bob".equals(b.get("user:1")));
    await("so does the node", () -> "bob".equals(lettuce(nodeUri()).get("user:1")));
  }

  @Test
  void whenTheNodeStops_callsFailFastWithSL100_neverAStaleCopy_andRecoverWhenItIsBack()
      throws Exception {
    SyncCache a = sdk();
    a.set("price:9", "90");
    // the node's push of a's own write may race the first read's copy: read until copied
    await(
        "a copies the value",
        () ->
            "90".equals(a.get("price:9"))
                && "90".equals(a.layer(CacheLayer.CLIENT).get("price:9")));
    int port = node.port();

    node.close();

    await(
        "the copy is no longer served",
        () -> {
          try {
            a.get("price:9");
            return false;
          } catch (CacheNetworkException e) {
            assertThat(e.code()).isEqualTo("SL100");
            return true;
          }
        });
    long start = System.nanoTime();
    assertThatThrownBy(() -> a.set("price:9", "91")).isInstanceOf(CacheNetworkException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("fails fast, not after the timeout")
        .isLessThan(Duration.ofSeconds(2));

    node = startNode(port); // a new node: its memory starts empty
    await(
        "served again",
        () -> {
          try {
            return a.get("price:9") == null;
          } catch (CacheNetworkException e) {
            return false;
          }
        });
    assertThat(a.set("price:9", "92")).isTrue();
    assertThat(lettuce(nodeUri()).get("price:9")).isEqualTo("92");
  }

  @Test
  void status_showsTheNodeUnreachable_whileItIsDown_andHealthyWhenItIsBack() throws Exception {
    StatelessCache cache =
        StatelessCache.builder()
            .manifest(MANIFEST)
            .edge(Stores.edge(nodeUri()))
            .server(Stores.redis(redis.uri()))
            .build();
    closing.add(cache);
    await("healthy", () -> cache.status().healthy());
    CacheStatus.LayerStatus edge = cache.status().layers().get(1);
    assertThat(edge.layer()).isEqualTo(CacheLayer.EDGE);
    assertThat(edge.remote()).isTrue();
    assertThat(edge.store()).contains(String.valueOf(node.port()));
    int port = node.port();

    node.close();

    await("the edge layer unreachable", () -> !cache.status().layers().get(1).reachable());
    CacheStatus down = cache.status();
    assertThat(down.healthy()).isFalse();
    assertThat(down.layers().get(1).invalidationsLive()).isFalse();
    assertThat(down.layers().get(2).reachable()).as("Redis is still up").isTrue();

    node = startNode(port);
    await("healthy again", () -> cache.status().healthy());
    assertThat(cache.status().layers().get(1).reachable()).isTrue();
  }

  @Test
  void theNodesRefusal_reachesTheCallerWithItsCode() {
    SyncCache asCatalog = sdk("redis://catalog:cat-pw@127.0.0.1:" + node.port());
    assertThat(asCatalog.set("products:2", "hat")).isTrue();

    assertThatThrownBy(() -> asCatalog.set("price:2", "5"))
        .isInstanceOf(StatelessException.class)
        .satisfies(
            e -> {
              StatelessException s = (StatelessException) e;
              assertThat(s.code()).isEqualTo("SL003");
              assertThat(s.getMessage()).contains("catalog").contains("help:");
            });
    assertThat(lettuce(nodeUri()).get("price:2")).isNull();
  }

  @Test
  void atomicUpdatesFromTwoSdkNodes_loseNoUpdate() throws Exception {
    List<SyncCache> caches = List.of(sdk(), sdk());
    int threads = 4;
    int each = 40;
    ExecutorService pool = Executors.newFixedThreadPool(threads * caches.size());
    try {
      List<Future<?>> done = new ArrayList<>();
      for (SyncCache c : caches) {
        for (int t = 0; t < threads; t++) {
          done.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < each; i++) {
                      c.<String>atomicUpdate(
                          "price:counter",
                          v -> Long.toString(v == null ? 1 : Long.parseLong(v) + 1));
                    }
                    return null;
                  }));
        }
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(lettuce(nodeUri()).get("price:counter"))
        .isEqualTo(Integer.toString(threads * each * caches.size()));
  }

  @Test
  void theNodesLeaseCommands_refuseOtherTokensWhileALeaseIsHeld() {
    try (RespSocket s = new RespSocket(node.port())) {
      assertThat(s.call("SET", "price:l", "1")).isEqualTo("+OK\r\n");
      assertThat(s.call("STATELESS.LOCK", "price:l", "t1", "60000"))
          .isEqualTo("*2\r\n:1\r\n$1\r\n1\r\n");
      assertThat(s.call("STATELESS.LOCK", "price:l", "t2", "60000")).isEqualTo("*1\r\n:0\r\n");
      // t2's compare-and-set is refused while t1 holds the lease, though the value matches
      assertThat(s.call("STATELESS.CAS", "price:l", "t2", "=", "1", "s", "2", "0", "r"))
          .isEqualTo("*2\r\n:0\r\n$1\r\n1\r\n");
      assertThat(s.call("STATELESS.CAS", "price:l", "t1", "=", "0", "s", "2", "0", "r"))
          .as("a value that does not match")
          .isEqualTo("*2\r\n:0\r\n$1\r\n1\r\n");
      assertThat(s.call("STATELESS.CAS", "price:l", "t1", "=", "1", "s", "2", "0", "r"))
          .isEqualTo("*1\r\n:1\r\n");
      assertThat(s.call("GET", "price:l")).isEqualTo("$1\r\n2\r\n");
      // t1's write released its lease
      assertThat(s.call("STATELESS.LOCK", "price:l", "t2", "60000"))
          .isEqualTo("*2\r\n:1\r\n$1\r\n2\r\n");
      assertThat(s.call("STATELESS.UNLOCK", "price:l", "t1")).isEqualTo(":0\r\n");
      assertThat(s.call("STATELESS.UNLOCK", "price:l", "t2")).isEqualTo(":1\r\n");
      assertThat(s.call("STATELESS.CAS", "price:l", "", "=", "2", "d", "", "0", "r"))
          .isEqualTo("*1\r\n:1\r\n");
      assertThat(s.call("EXISTS", "price:l")).isEqualTo(":0\r\n");
      assertThat(s.call("STATELESS.CAS", "price:l", "", "?", "2", "d", "", "0", "r"))
          .startsWith("-ERR syntax error");
      assertThat(s.call("MULTI")).isEqualTo("+OK\r\n");
      assertThat(s.call("STATELESS.LOCK", "price:l", "t1", "100")).startsWith("-ERR");
    }
  }

  @Test
  void aConnectionThatGoesSilent_stopsItsCopiesBeingServed_andRecovers() throws Exception {
    try (FreezingProxy proxy = new FreezingProxy(node.port())) {
      SyncCache a = sdk("redis://127.0.0.1:" + proxy.port() + "?timeout=1s");
      a.set("price:h", "1");
      await(
          "a copies the value",
          () ->
              "1".equals(a.get("price:h"))
                  && "1".equals(a.layer(CacheLayer.CLIENT).get("price:h")));

      proxy.freeze(); // no FIN, no RST: a partition, as the node sees none of it
      lettuce(nodeUri()).set("price:h", "2"); // its push to a is lost in the proxy
      await(
          "the copy is no longer trusted",
          () -> {
            try {
              a.layer(CacheLayer.CLIENT).get("price:h");
              return false;
            } catch (StaleDataException e) {
              return true;
            }
          });

      proxy.thaw();
      await(
          "served again, the new value",
          () -> {
            try {
              return "2".equals(a.get("price:h"));
            } catch (CacheNetworkException | StaleDataException e) {
              return false;
            }
          });
    }
  }

  @Test
  void aClientFirstWriteOfAKeyOnTheNode_isRefusedWithACode() {
    SyncCache a = sdk();
    assertThatThrownBy(() -> a.setWithStrategy("price:cf", "1", Strategy.CLIENT_FIRST))
        .isInstanceOf(StatelessException.class)
        .satisfies(
            e -> {
              StatelessException s = (StatelessException) e;
              assertThat(s.code()).isEqualTo("SL105");
              assertThat(s.getMessage()).contains("price:cf").contains("help:");
            });
    assertThat(a.pendingWrites()).isZero();
    assertThat(lettuce(nodeUri()).get("price:cf")).isNull();
  }

  @Test
  void anAtomicBatch_appliesAllItsWritesOnTheNode() {
    SyncCache a = sdk();
    a.set("price:b", "old");
    a.atomicBatch(
        tx -> {
          tx.set("price:a", "1");
          tx.del("price:b");
          tx.set("products:a", "x");
        });
    RedisCommands<String, String> direct = lettuce(nodeUri());
    assertThat(direct.get("price:a")).isEqualTo("1");
    assertThat(direct.exists("price:b")).isZero();
    assertThat(direct.get("products:a")).isEqualTo("x");
    assertThat(a.increment("price:n", 5)).isEqualTo(5);
    assertThat(a.increment("price:n", -2)).isEqualTo(3);
    assertThat(direct.get("price:n")).isEqualTo("3");
  }

  @Test
  void aPatternInvalidation_deletesTheNodesMatchingKeys() throws Exception {
    SyncCache a = sdk();
    SyncCache b = sdk();
    for (int i = 0; i < 30; i++) {
      a.set("price:p:" + i, "v" + i);
    }
    a.set("price:q", "stays");
    assertThat(b.get("price:p:3")).isEqualTo("v3");

    // The count is not asserted: the server layer's pattern event reaches the node through its
    // upstream too, and the node may drop the keys before this store's DEL finds them.
    a.invalidatePattern("price:p:*");

    RedisCommands<String, String> direct = lettuce(nodeUri());
    assertThat(direct.keys("price:p:*")).isEmpty();
    assertThat(direct.get("price:q")).isEqualTo("stays");
    await("b's copy dropped", () -> b.layer(CacheLayer.CLIENT).get("price:p:3") == null);
    assertThat(b.get("price:p:3")).isNull();
  }

  @Test
  void streamedValues_areKeptOnTheNode_andReadBackChunkByChunk_evenWhileReplaced()
      throws Exception {
    SyncCache a = sdk();
    SyncCache b = sdk();
    byte[] first = new byte[5 * 64 * 1024 + 123]; // six chunks of 64KB, the last one short
    new Random(7).nextBytes(first);
    a.setStream("video:1", new ByteArrayInputStream(first));

    try (InputStream in = b.component("player").stream("video:1")) {
      byte[] head = in.readNBytes(64 * 1024);
      // replaced while b reads: b goes on reading the version it opened
      byte[] second = "short".getBytes(StandardCharsets.UTF_8);
      a.setStream("video:1", new ByteArrayInputStream(second));
      byte[] rest = in.readAllBytes();
      ByteArrayOutputStream whole = new ByteArrayOutputStream();
      whole.write(head);
      whole.write(rest);
      assertThat(whole.toByteArray()).isEqualTo(first);
    }
    try (InputStream in = b.stream("video:1")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("short");
    }
    assertThat(lettuce(redis.uri()).exists("video:1")).as("never in Redis").isZero();
    assertThatThrownBy(() -> lettuce(nodeUri()).get("video:1"))
        .as("a plain GET of a streamed value on the node")
        .hasMessageContaining("SL009");

    assertThatThrownBy(() -> a.setStream("video:2", new ByteArrayInputStream(new byte[600_000])))
        .as("over the owner's @MaxSize, enforced by the node")
        .isInstanceOf(CapacityException.class);
    assertThat(b.stream("video:2")).isNull();

    assertThat(a.del("video:1")).isTrue();
    assertThat(b.stream("video:1")).isNull();
  }

  @Test
  void aStreamingCommandOnAKeyThatDoesNotStream_isRefusedWithACode() {
    try (RespSocket s = new RespSocket(node.port())) {
      assertThat(s.call("STATELESS.STREAMOPEN", "price:1")).startsWith("-ERR SL105");
      assertThat(s.call("STATELESS.CHUNKGET", "video:1", "no-such-version", "0"))
          .isEqualTo("$-1\r\n");
      assertThat(s.call("STATELESS.STREAMSWAP", "video:1", "no-such-version", "1"))
          .startsWith("-STALE chunk 0");
    }
  }

  @Test
  void malformedEdgeUris_areRefusedWithoutRepeatingThePassword() {
    for (String bad :
        List.of(
            "redis://:secret@127.0.0.1:6380,127.0.0.1:6381",
            "redis-sentinel://:secret@127.0.0.1:26379#m",
            "redis://:secret@127.0.0.1:6380/2",
            "redis://:secret@127.0.0.1:70000",
            "http://:secret@127.0.0.1:6380")) {
      assertThatThrownBy(() -> Stores.edge(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Stores.edge")
          .satisfies(
              e -> assertThat(Objects.requireNonNull(e.getMessage())).doesNotContain("secret"));
    }
  }
}
