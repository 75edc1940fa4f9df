package dev.stateless.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stateless.core.Manifest;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The string and keyspace commands through Lettuce against a live node whose keys live in its
 * embedded cache: Redis's replies and errors, TTLs, binary values, pipelining; and a node with a
 * manifest file, whose TTLs and sizes the node enforces.
 */
@SuppressWarnings(
    "deprecation") // SETNX, SETEX, PSETEX: Redis deprecates them, clients still send them
class EdgeKeysIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static EdgeNode node;
  private RedisClient client;
  private StatefulRedisConnection<String, String> connection;
  private RedisCommands<String, String> redis;

  @BeforeAll
  static void start() {
    node = EdgeNode.builder().port(0).start();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  /** A Lettuce client of {@code target} speaking {@code protocol}, not reconnecting. */
  static RedisClient client(EdgeNode target, ProtocolVersion protocol) {
    return client(target.port(), protocol);
  }

  /**
   * A Lettuce client of the server on {@code port} (a node, or redis-server) speaking {@code
   * protocol}.
   */
  static RedisClient client(int port, ProtocolVersion protocol) {
    RedisClient c =
        RedisClient.create(
            RedisURI.builder().withHost("127.0.0.1").withPort(port).withTimeout(TIMEOUT).build());
    c.setOptions(ClientOptions.builder().protocolVersion(protocol).autoReconnect(false).build());
    return c;
  }

  @BeforeEach
  void connect() {
    client = client(node, ProtocolVersion.RESP2);
    connection = client.connect();
    redis = connection.sync();
    List<String> left = redis.keys("*");
    if (!left.isEmpty()) {
      redis.del(left.toArray(new String[0]));
    }
  }

  @AfterEach
  void disconnect() {
    connection.close();
    client.shutdown(Duration.ZERO, TIMEOUT);
  }

  @ParameterizedTest
  @EnumSource(ProtocolVersion.class)
  void setAndGet_roundTripText_andAMissingKeyIsNil(ProtocolVersion protocol) {
    RedisClient c = client(node, protocol);
    try (StatefulRedisConnection<String, String> conn = c.connect()) {
      RedisCommands<String, String> sync = conn.sync();
      assertThat(sync.set("user:1", "Ada Lovelace — ünïcode")).isEqualTo("OK");
      assertThat(sync.get("user:1")).isEqualTo("Ada Lovelace — ünïcode");
      assertThat(sync.strlen("user:1"))
          .isEqualTo("Ada Lovelace — ünïcode".getBytes(StandardCharsets.UTF_8).length);
      assertThat(sync.get("user:missing")).isNull();
      assertThat(sync.type("user:1")).isEqualTo("string");
      assertThat(sync.type("user:missing")).isEqualTo("none");
    } finally {
      c.shutdown(Duration.ZERO, TIMEOUT);
    }
  }

  @Test
  void set_nxAndXx_writeOnlyWhenTheKeyIsAbsentOrPresent() {
    assertThat(redis.set("k", "1", SetArgs.Builder.xx())).isNull();
    assertThat(redis.get("k")).isNull();
    assertThat(redis.set("k", "1", SetArgs.Builder.nx())).isEqualTo("OK");
    assertThat(redis.set("k", "2", SetArgs.Builder.nx())).isNull();
    assertThat(redis.set("k", "3", SetArgs.Builder.xx())).isEqualTo("OK");
    assertThat(redis.get("k")).isEqualTo("3");
    assertThat(redis.setnx("k", "4")).isFalse();
    assertThat(redis.setnx("other", "4")).isTrue();
    assertThat(redis.get("other")).isEqualTo("4");
  }

  @Test
  void expiries_setByEveryForm_readByTtlAndPttl() {
    redis.set("ex", "v", SetArgs.Builder.ex(100));
    redis.set("px", "v", SetArgs.Builder.px(100_000));
    redis.set("exat", "v", SetArgs.Builder.exAt(System.currentTimeMillis() / 1000 + 100));
    redis.set("pxat", "v", SetArgs.Builder.pxAt(System.currentTimeMillis() + 100_000));
    redis.setex("setex", 100, "v");
    redis.psetex("psetex", 100_000, "v");
    for (String k : List.of("ex", "px", "exat", "pxat", "setex", "psetex")) {
      assertThat(redis.ttl(k)).as(k).isBetween(95L, 100L);
      assertThat(redis.pttl(k)).as(k).isBetween(95_000L, 100_000L);
    }
    redis.set("forever", "v");
    assertThat(redis.ttl("forever")).isEqualTo(-1);
    assertThat(redis.pttl("missing")).isEqualTo(-2);
    assertThat(redis.expire("forever", 50)).isTrue();
    assertThat(redis.ttl("forever")).isBetween(45L, 50L);
    assertThat(redis.pexpire("forever", 20_000)).isTrue();
    assertThat(redis.pttl("forever")).isBetween(15_000L, 20_000L);
    assertThat(redis.expire("missing", 50)).isFalse();
    assertThat(redis.expire("forever", 0)).isTrue(); // a past expiry deletes, as on Redis
    assertThat(redis.exists("forever")).isZero();
  }

  @Test
  void aKeyExpires_andIsGone() throws InterruptedException {
    redis.set("short", "v", SetArgs.Builder.px(50));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (redis.get("short") != null && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(redis.get("short")).isNull();
    assertThat(redis.pttl("short")).isEqualTo(-2);
  }

  @Test
  void badArguments_getRedissErrors_andTheConnectionGoesOn() {
    assertThatThrownBy(() -> redis.set("k", "v", SetArgs.Builder.nx().xx()))
        .isInstanceOf(RedisCommandExecutionException.class)
        .hasMessage("ERR syntax error");
    assertThatThrownBy(() -> redis.set("k", "v", SetArgs.Builder.ex(0)))
        .hasMessage("ERR invalid expire time in 'set' command");
    assertThatThrownBy(() -> redis.setex("k", -1, "v"))
        .hasMessage("ERR invalid expire time in 'setex' command");
    assertThatThrownBy(() -> redis.set("k", "v", SetArgs.Builder.keepttl().ex(10)))
        .hasMessage("ERR syntax error");
    redis.set("text", "abc");
    assertThatThrownBy(() -> redis.incr("text"))
        .isInstanceOf(RedisCommandExecutionException.class)
        .hasMessageStartingWith("ERR SL");
    assertThat(redis.get("k")).isNull(); // nothing above wrote it
    assertThat(redis.ping()).isEqualTo("PONG");
  }

  @Test
  void severalKeys_msetMgetDelExists_countAsRedisDoes() {
    assertThat(redis.mset(Map.of("a", "1", "b", "2", "c", "3"))).isEqualTo("OK");
    assertThat(redis.mget("a", "missing", "c"))
        .containsExactly(
            KeyValue.just("a", "1"), KeyValue.empty("missing"), KeyValue.just("c", "3"));
    assertThat(redis.exists("a", "a", "missing", "b")).isEqualTo(3);
    assertThat(redis.keys("*")).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(redis.keys("[ab]")).containsExactlyInAnyOrder("a", "b");
    assertThat(redis.dbsize()).isEqualTo(3);
    assertThat(redis.del("a", "missing", "b")).isEqualTo(2);
    assertThat(redis.unlink("c", "c")).isEqualTo(1);
    assertThat(redis.dbsize()).isZero();
  }

  @Test
  void counters_incrementAndDecrement_textTheyFind() {
    assertThat(redis.incr("n")).isEqualTo(1);
    assertThat(redis.incrby("n", 41)).isEqualTo(42);
    assertThat(redis.decr("n")).isEqualTo(41);
    assertThat(redis.decrby("n", 51)).isEqualTo(-10);
    assertThat(redis.get("n")).isEqualTo("-10");
    redis.set("t", "100");
    assertThat(redis.incr("t")).isEqualTo(101);
    assertThat(redis.get("t")).isEqualTo("101");
  }

  @Test
  void binaryValues_roundTrip_andAKeyThatIsNoTextIsRefused() {
    RedisClient c = client(node, ProtocolVersion.RESP3);
    try (StatefulRedisConnection<byte[], byte[]> conn = c.connect(ByteArrayCodec.INSTANCE)) {
      byte[] bytes = {0, (byte) 0xff, (byte) 0xfe, 10, 13, (byte) 0xc3};
      conn.sync().set("bin".getBytes(StandardCharsets.UTF_8), bytes);
      assertThat(conn.sync().get("bin".getBytes(StandardCharsets.UTF_8))).isEqualTo(bytes);
      assertThat(conn.sync().strlen("bin".getBytes(StandardCharsets.UTF_8))).isEqualTo(6);
      assertThatThrownBy(() -> conn.sync().set(new byte[] {(byte) 0xff}, bytes))
          .isInstanceOf(RedisCommandExecutionException.class)
          .hasMessageStartingWith("ERR SL012 key is not UTF-8 text");
      assertThat(conn.sync().ping()).isEqualTo("PONG");
    } finally {
      c.shutdown(Duration.ZERO, TIMEOUT);
    }
  }

  @Test
  void pipelinedWrites_thenReads_answerInOrder() {
    RedisAsyncCommands<String, String> async = connection.async();
    connection.setAutoFlushCommands(false);
    List<RedisFuture<?>> all = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      all.add(async.set("p:" + i, "v" + i));
      all.add(async.incr("p:count"));
    }
    List<RedisFuture<String>> reads = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      reads.add(async.get("p:" + i));
    }
    connection.flushCommands();
    connection.setAutoFlushCommands(true);
    assertThat(LettuceFutures.awaitAll(TIMEOUT, all.toArray(new RedisFuture<?>[0]))).isTrue();
    assertThat(LettuceFutures.awaitAll(TIMEOUT, reads.toArray(new RedisFuture<?>[0]))).isTrue();
    for (int i = 0; i < 2_000; i++) {
      assertThat(reads.get(i).toCompletableFuture().join()).isEqualTo("v" + i);
    }
    assertThat(redis.get("p:count")).isEqualTo("2000");
  }

  @Test
  void aManifestFile_setsTheTtlAndTheSizeLimitOfItsKeys() {
    Manifest manifest =
        Manifest.parse(
            "edge.yaml",
            String.join(
                "\n",
                "components:",
                "  sessions:",
                "    owns: session:*",
                "    ttl: 10m",
                "    max-size: 1KB",
                ""));
    try (EdgeNode managed =
        EdgeNode.builder().port(0).manifest(manifest).user("sessions", "pw").start()) {
      RedisClient c = client(managed, ProtocolVersion.RESP2);
      try (StatefulRedisConnection<String, String> conn = c.connect()) {
        RedisCommands<String, String> sync = conn.sync();
        sync.auth("sessions", "pw");
        sync.set("session:1", "token");
        assertThat(sync.pttl("session:1")).isBetween(590_000L, 600_000L);
        assertThatThrownBy(() -> sync.set("session:2", "x".repeat(4096)))
            .isInstanceOf(RedisCommandExecutionException.class)
            .hasMessageStartingWith("ERR SL102 ");
        assertThat(sync.get("session:2")).isNull();
      } finally {
        c.shutdown(Duration.ZERO, TIMEOUT);
      }
    }
  }
}
