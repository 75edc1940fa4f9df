package dev.stateless.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stateless.core.Manifest;
import dev.stateless.testing.Await;
import dev.stateless.testing.RedisServerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol.Command;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.args.ExpiryOption;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.csc.Cache;
import redis.clients.jedis.csc.CacheConfig;
import redis.clients.jedis.csc.DefaultCache;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.GetExParams;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Jedis, the other Java client nobody here wrote, against a live node and, with the same test
 * bodies where it is cheap, a real redis-server: its handshake ({@code HELLO 2|3 [AUTH ...]}, then
 * {@code CLIENT SETINFO}) in RESP2 and RESP3, the string and keyspace commands with its parameter
 * objects, a {@link Pipeline}, a {@link Transaction} with {@code WATCH}, {@link JedisPubSub}, its
 * error mapping, a pooled {@link RedisClient} shared by several threads, and its client-side cache
 * (RESP3). On the node only: {@code requirepass}, and component users with their {@code NOPERM
 * SL002}/{@code SL003}.
 */
class JedisIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final int TIMEOUT_MILLIS = (int) TIMEOUT.toMillis();

  private static final Manifest MANIFEST =
      Manifest.parse(
          "shop.yaml",
          String.join(
              "\n",
              "components:",
              "  users:",
              "    owns: user:*",
              "  analytics:",
              "    borrows: user:*",
              ""));

  @RegisterExtension static final RedisServerExtension redis = new RedisServerExtension();

  private static EdgeNode node;
  private static EdgeNode secured;
  private static EdgeNode shop;

  /** Where a test body runs: the node, or redis-server for the reference. */
  enum Target {
    NODE,
    REDIS;

    int port() {
      return this == NODE ? node.port() : redis.port();
    }
  }

  @BeforeAll
  static void start() {
    node = EdgeNode.builder().port(0).start();
    secured = EdgeNode.builder().port(0).requirepass("s3cret").start();
    shop =
        EdgeNode.builder()
            .port(0)
            .manifest(MANIFEST)
            .user("users", "users-pw")
            .user("analytics", "analytics-pw")
            .start();
  }

  @AfterAll
  static void stop() {
    node.close();
    secured.close();
    shop.close();
  }

  static Stream<Arguments> targetsAndProtocols() {
    List<Arguments> all = new ArrayList<>();
    for (Target t : Target.values()) {
      for (RedisProtocol p : RedisProtocol.values()) {
        all.add(Arguments.of(t, p));
      }
    }
    return all.stream();
  }

  private static DefaultJedisClientConfig.Builder config(RedisProtocol protocol) {
    return DefaultJedisClientConfig.builder().protocol(protocol).timeoutMillis(TIMEOUT_MILLIS);
  }

  private static Jedis jedis(int port, DefaultJedisClientConfig.Builder config) {
    return new Jedis(new HostAndPort("127.0.0.1", port), config.build());
  }

  /** Runs {@code body} on a Jedis connected to {@code target}, whose keys are deleted first. */
  private static void with(Target target, RedisProtocol protocol, Consumer<Jedis> body) {
    try (Jedis jedis = jedis(target.port(), config(protocol))) {
      assertThat(jedis.flushDB()).isEqualTo("OK");
      body.accept(jedis);
    }
  }

  private static String resp(RedisProtocol protocol) {
    return "resp=" + protocol.version();
  }

  // ---------------------------------------------------------------- connection

  @ParameterizedTest
  @MethodSource("targetsAndProtocols")
  void connection_helloPingAndClientName(Target target, RedisProtocol protocol) {
    try (Jedis jedis = jedis(target.port(), config(protocol).clientName("jedis-at-connect"))) {
      // Jedis took the protocol from HELLO's reply, and sent CLIENT SETNAME and SETINFO after it.
      Connection connection = jedis.getConnection();
      assertThat(connection.getRedisProtocol()).isEqualTo(protocol);
      assertThat(jedis.clientInfo()).contains(resp(protocol), "name=jedis-at-connect");
      if (target == Target.NODE) {
        // CLIENT SETINFO came with Redis 7.2 (Jedis ignores its error on the 7.0 here).
        assertThat(jedis.clientInfo()).contains("lib-name=jedis ", "lib-ver=");
      }
      assertThat(jedis.ping()).isEqualTo("PONG");
      assertThat(jedis.ping("héllo")).isEqualTo("héllo");
      assertThat(jedis.echo("wörld")).isEqualTo("wörld");
      assertThat(jedis.clientSetname("jedis-it")).isEqualTo("OK");
      assertThat(jedis.clientGetname()).isEqualTo("jedis-it");
      assertThat(jedis.clientInfo()).contains("name=jedis-it ");
      assertThat(jedis.info("server")).contains("redis_version:");
    }
  }

  @ParameterizedTest
  @EnumSource(RedisProtocol.class)
  void auth_requirepass_rightPasswordConnects_othersAreRefused(RedisProtocol protocol) {
    try (Jedis jedis = jedis(secured.port(), config(protocol).password("s3cret"))) {
      assertThat(jedis.ping()).isEqualTo("PONG");
      assertThat(jedis.clientInfo()).contains(resp(protocol), " user=default ");
      assertThat(jedis.set("secured:k", "v")).isEqualTo("OK");
      assertThat(jedis.get("secured:k")).isEqualTo("v");
    }
    // HELLO 2|3 AUTH default wrong: refused during the handshake.
    assertThatThrownBy(() -> jedis(secured.port(), config(protocol).password("wrong")).close())
        .isInstanceOf(JedisAccessControlException.class)
        .hasMessageStartingWith("WRONGPASS invalid username-password pair");
    // No password: HELLO without AUTH is refused as Redis refuses it.
    assertThatThrownBy(() -> jedis(secured.port(), config(protocol)).close())
        .isInstanceOf(JedisAccessControlException.class)
        .hasMessageStartingWith(
            "NOAUTH HELLO must be called with the client already authenticated");
  }

  @ParameterizedTest
  @EnumSource(RedisProtocol.class)
  void auth_componentUser_writesWhatItOwns_andIsRefusedTheRest(RedisProtocol protocol) {
    try (Jedis users = jedis(shop.port(), config(protocol).user("users").password("users-pw"));
        Jedis analytics =
            jedis(shop.port(), config(protocol).user("analytics").password("analytics-pw"))) {
      assertThat(users.clientInfo()).contains(" user=users ");
      assertThat(users.set("user:1", "Ada")).isEqualTo("OK");
      assertThatThrownBy(() -> users.set("order:1", "x"))
          .isInstanceOf(JedisDataException.class)
          .hasMessageStartingWith("NOPERM SL003 ");
      assertThat(users.ping()).isEqualTo("PONG");

      assertThat(analytics.get("user:1")).isEqualTo("Ada");
      assertThatThrownBy(() -> analytics.set("user:1", "Eve"))
          .isInstanceOf(JedisDataException.class)
          .hasMessageStartingWith("NOPERM SL002 ")
          .hasMessageContaining("(key \"user:1\")")
          .hasMessageContaining("help: ");
      assertThatThrownBy(() -> analytics.incr("user:1")).hasMessageStartingWith("NOPERM SL002 ");
      assertThat(analytics.get("user:1")).isEqualTo("Ada");

      // AUTH on an open connection switches its user, as on Redis.
      assertThat(analytics.auth("users", "users-pw")).isEqualTo("OK");
      assertThat(analytics.set("user:1", "Grace")).isEqualTo("OK");
      assertThatThrownBy(() -> analytics.auth("users", "wrong"))
          .isInstanceOf(JedisAccessControlException.class)
          .hasMessageStartingWith("WRONGPASS");
      assertThat(users.get("user:1")).isEqualTo("Grace");
    }
  }

  @ParameterizedTest
  @EnumSource(RedisProtocol.class)
  void auth_defaultUserOfANodeWithAManifest_getsNoperm(RedisProtocol protocol) {
    try (Jedis jedis = jedis(shop.port(), config(protocol))) {
      assertThatThrownBy(() -> jedis.get("user:1"))
          .isInstanceOf(JedisAccessControlException.class)
          .hasMessageStartingWith("NOPERM SL003 user default has no rights on this node's keys");
      assertThat(jedis.ping()).isEqualTo("PONG");
    }
  }

  // ---------------------------------------------------------------- strings

  @ParameterizedTest
  @MethodSource("targetsAndProtocols")
  void strings_setWithParams_andTheReadModifyWriteCommands(Target target, RedisProtocol protocol) {
    with(
        target,
        protocol,
        jedis -> {
          assertThat(jedis.set("s", "v1")).isEqualTo("OK");
          assertThat(jedis.set("s", "v2", SetParams.setParams().nx())).isNull();
          assertThat(jedis.set("s", "v2", SetParams.setParams().xx())).isEqualTo("OK");
          assertThat(jedis.set("absent", "x", SetParams.setParams().xx())).isNull();
          assertThat(jedis.exists("absent")).isFalse();
          assertThat(jedis.set("fresh", "x", SetParams.setParams().nx())).isEqualTo("OK");
          assertThat(jedis.setGet("s", "v3")).isEqualTo("v2");
          assertThat(jedis.setGet("none", "v")).isNull();
          assertThat(jedis.get("s")).isEqualTo("v3");
          assertThat(jedis.get("missing")).isNull();

          assertThat(jedis.set("s", "ex", SetParams.setParams().ex(100))).isEqualTo("OK");
          assertThat(jedis.ttl("s")).isBetween(1L, 100L);
          assertThat(jedis.set("s", "px", SetParams.setParams().px(100_000))).isEqualTo("OK");
          assertThat(jedis.pttl("s")).isBetween(1L, 100_000L);
          assertThat(jedis.set("s", "kept", SetParams.setParams().keepTtl())).isEqualTo("OK");
          assertThat(jedis.pttl("s")).isBetween(1L, 100_000L);
          assertThat(jedis.setGet("s", "again", SetParams.setParams().keepTtl())).isEqualTo("kept");
          assertThat(jedis.pttl("s")).isBetween(1L, 100_000L);
          assertThat(jedis.set("s", "plain")).isEqualTo("OK");
          assertThat(jedis.ttl("s")).isEqualTo(-1L);
          assertThat(jedis.setGet("s", "nx", SetParams.setParams().nx())).isEqualTo("plain");
          assertThat(jedis.get("s")).isEqualTo("plain");
          assertThatThrownBy(() -> jedis.set("s", "v", SetParams.setParams().ex(0)))
              .isInstanceOf(JedisDataException.class)
              .hasMessage("ERR invalid expire time in 'set' command");

          assertThat(jedis.mset("a", "1", "b", "2", "c", "3")).isEqualTo("OK");
          assertThat(jedis.mget("a", "b", "nope", "c")).containsExactly("1", "2", null, "3");
          assertThat(jedis.msetnx("a", "x", "d", "4")).isZero();
          assertThat(jedis.msetnx("d", "4", "e", "5")).isOne();

          assertThat(jedis.incr("n")).isEqualTo(1L);
          assertThat(jedis.incrBy("n", 10)).isEqualTo(11L);
          assertThat(jedis.decr("n")).isEqualTo(10L);
          assertThat(jedis.decrBy("n", 15)).isEqualTo(-5L);
          assertThat(jedis.incrByFloat("f", 2.5)).isEqualTo(2.5);
          assertThat(jedis.get("n")).isEqualTo("-5");
          assertThat(jedis.incrBy("a", 41)).isEqualTo(42L);

          assertThat(jedis.append("ap", "Hello")).isEqualTo(5L);
          assertThat(jedis.append("ap", " World")).isEqualTo(11L);
          assertThat(jedis.strlen("ap")).isEqualTo(11L);
          assertThat(jedis.strlen("missing")).isZero();
          assertThat(jedis.getrange("ap", 0, 4)).isEqualTo("Hello");
          assertThat(jedis.getrange("ap", -5, -1)).isEqualTo("World");
          assertThat(jedis.getrange("ap", 20, 30)).isEmpty();
          assertThat(jedis.setrange("ap", 6, "Redis")).isEqualTo(11L);
          assertThat(jedis.get("ap")).isEqualTo("Hello Redis");
          assertThat(jedis.setrange("pad", 3, "x")).isEqualTo(4L);
          assertThat(jedis.get("pad")).isEqualTo("\0\0\0x");

          assertThat(jedis.getDel("ap")).isEqualTo("Hello Redis");
          assertThat(jedis.getDel("ap")).isNull();
          assertThat(jedis.exists("ap")).isFalse();

          assertThat(jedis.set("g", "v")).isEqualTo("OK");
          assertThat(jedis.getEx("g", GetExParams.getExParams().ex(100))).isEqualTo("v");
          assertThat(jedis.ttl("g")).isBetween(1L, 100L);
          assertThat(jedis.getEx("g", GetExParams.getExParams().px(50_000))).isEqualTo("v");
          assertThat(jedis.pttl("g")).isBetween(1L, 50_000L);
          assertThat(jedis.getEx("g", GetExParams.getExParams().persist())).isEqualTo("v");
          assertThat(jedis.ttl("g")).isEqualTo(-1L);
          assertThat(jedis.getEx("missing", GetExParams.getExParams().ex(10))).isNull();
        });
  }

  // ---------------------------------------------------------------- keyspace

  @ParameterizedTest
  @MethodSource("targetsAndProtocols")
  void keyspace_delExistsExpiryAndType(Target target, RedisProtocol protocol) {
    with(
        target,
        protocol,
        jedis -> {
          jedis.mset("k1", "a", "k2", "b", "k3", "c");
          assertThat(jedis.exists("k1")).isTrue();
          assertThat(jedis.exists("k1", "k2", "nope", "k1")).isEqualTo(3L);
          assertThat(jedis.del("k1", "nope", "k2")).isEqualTo(2L);
          assertThat(jedis.del("k1")).isZero();
          assertThat(jedis.exists("k1", "k2")).isZero();

          assertThat(jedis.ttl("k3")).isEqualTo(-1L);
          assertThat(jedis.ttl("nope")).isEqualTo(-2L);
          assertThat(jedis.pttl("nope")).isEqualTo(-2L);
          assertThat(jedis.expire("k3", 100)).isOne();
          assertThat(jedis.expire("nope", 100)).isZero();
          assertThat(jedis.ttl("k3")).isBetween(1L, 100L);
          assertThat(jedis.pexpire("k3", 90_000)).isOne();
          assertThat(jedis.pttl("k3")).isBetween(1L, 90_000L);
          assertThat(jedis.persist("k3")).isOne();
          assertThat(jedis.persist("k3")).isZero();
          assertThat(jedis.ttl("k3")).isEqualTo(-1L);
          assertThat(jedis.expire("k3", 0)).isOne();
          assertThat(jedis.exists("k3")).isFalse();

          jedis.set("t", "v");
          assertThat(jedis.type("t")).isEqualTo("string");
          assertThat(jedis.type("nope")).isEqualTo("none");
          assertThat(jedis.dbSize()).isOne();
        });
  }

  @ParameterizedTest
  @MethodSource("targetsAndProtocols")
  void keyspace_expiryOptionsAndAbsoluteTimes(Target target, RedisProtocol protocol) {
    with(
        target,
        protocol,
        jedis -> {
          jedis.set("e", "v");
          assertThat(jedis.expire("e", 100, ExpiryOption.XX)).isZero();
          assertThat(jedis.expire("e", 100, ExpiryOption.NX)).isOne();
          assertThat(jedis.expire("e", 200, ExpiryOption.NX)).isZero();
          assertThat(jedis.expire("e", 50, ExpiryOption.GT)).isZero();
          assertThat(jedis.expire("e", 200, ExpiryOption.GT)).isOne();
          assertThat(jedis.pexpire("e", 10_000, ExpiryOption.LT)).isOne();
          assertThat(jedis.ttl("e")).isBetween(1L, 10L);
          assertThatThrownBy(() -> jedis.sendCommand(Command.EXPIRE, "e", "10", "NX", "XX"))
              .isInstanceOf(JedisDataException.class)
              .hasMessage("ERR NX and XX, GT or LT options at the same time are not compatible");

          // Absolute times an hour ahead: what is left is an hour, give or take this test's run.
          long inAnHour = Instant.now().plus(Duration.ofHours(1)).getEpochSecond();
          assertThat(jedis.expireAt("e", inAnHour)).isOne();
          assertThat(jedis.ttl("e")).isBetween(3_000L, 3_600L);
          assertThat(jedis.pexpireAt("e", inAnHour * 1_000, ExpiryOption.LT)).isZero();
          assertThat(jedis.set("x", "v", SetParams.setParams().exAt(inAnHour))).isEqualTo("OK");
          assertThat(jedis.ttl("x")).isBetween(3_000L, 3_600L);
          assertThat(jedis.set("x", "v", SetParams.setParams().pxAt(inAnHour * 1_000)))
              .isEqualTo("OK");
          assertThat(jedis.pttl("x")).isBetween(3_000_000L, 3_600_000L);
          // An expiry in the past deletes the key.
          assertThat(jedis.expireAt("e", 1)).isOne();
          assertThat(jedis.exists("e")).isFalse();
          assertThat(jedis.unlink("x", "e")).isOne();
          assertThat(jedis.dbSize()).isZero();
        });
  }

  @ParameterizedTest
  @MethodSource("targetsAndProtocols")
  @SuppressWarnings("deprecation") // Jedis deprecates these forms; clients still send them
  void strings_legacyForms(Target target, RedisProtocol protocol) {
    with(
        target,
        protocol,
        jedis -> {
          assertThat(jedis.setnx("l", "1")).isOne();
          assertThat(jedis.setnx("l", "2")).isZero();
          assertThat(jedis.getSet("l", "3")).isEqualTo("1");
          assertThat(jedis.getSet("none", "v")).isNull();
          assertThat(jedis.setex("l", 100, "4")).isEqualTo("OK");
          assertThat(jedis.ttl("l")).isBetween(1L, 100L);
          assertThat(jedis.psetex("l", 50_000, "5")).isEqualTo("OK");
          assertThat(jedis.pttl("l")).isBetween(1L, 50_000L);
          assertThat(jedis.get("l")).isEqualTo("5");
          assertThatThrownBy(() -> jedis.setex("l", -1, "6"))
              .isInstanceOf(JedisDataException.class)
              .hasMessage("ERR invalid expire time in 'setex' command");
          assertThat(jedis.configGet("maxmemory")).containsOnlyKeys("maxmemory");
        });
  }

  @ParameterizedTest
  @MethodSource("targetsAndProtocols")
  void keyspace_scanToTheEnd_keysAndDbsize(Target target, RedisProtocol protocol) {
    with(
        target,
        protocol,
        jedis -> {
          Set<String> wanted = new HashSet<>();
          List<String> keysAndValues = new ArrayList<>();
          for (int i = 0; i < 250; i++) {
            wanted.add("scan:" + i);
            keysAndValues.add("scan:" + i);
            keysAndValues.add(Integer.toString(i));
          }
          for (int i = 0; i < 30; i++) {
            keysAndValues.add("other:" + i);
            keysAndValues.add("x");
          }
          assertThat(jedis.mset(keysAndValues.toArray(new String[0]))).isEqualTo("OK");
          assertThat(jedis.dbSize()).isEqualTo(280L);

          List<String> seen = new ArrayList<>();
          String cursor = ScanParams.SCAN_POINTER_START;
          ScanParams params = new ScanParams().match("scan:*").count(20);
          int calls = 0;
          do {
            ScanResult<String> page = jedis.scan(cursor, params);
            seen.addAll(page.getResult());
            cursor = page.getCursor();
            calls++;
            assertThat(calls).as("SCAN ends").isLessThan(1_000);
          } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
          // Every key present throughout is returned at least once, nothing else.
          assertThat(new HashSet<>(seen)).isEqualTo(wanted);

          List<String> all = new ArrayList<>();
          cursor = ScanParams.SCAN_POINTER_START;
          do {
            ScanResult<String> page = jedis.scan(cursor);
            all.addAll(page.getResult());
            cursor = page.getCursor();
          } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
          assertThat(new HashSet<>(all)).hasSize(280);

          assertThat(jedis.keys("scan:*")).isEqualTo(wanted);
          assertThat(jedis.keys("other:1?")).hasSize(10);
          assertThat(jedis.keys("nothing:*")).isEmpty();
        });
  }

  // ---------------------------------------------------------------- pipeline and transactions

  @ParameterizedTest
  @MethodSource("targetsAndProtocols")
  void pipeline_severalHundredCommands_answerInOrder(Target target, RedisProtocol protocol) {
    with(
        target,
        protocol,
        jedis -> {
          int n = 200;
          List<Response<String>> sets = new ArrayList<>();
          List<Response<Long>> incrs = new ArrayList<>();
          List<Response<String>> gets = new ArrayList<>();
          try (Pipeline pipeline = jedis.pipelined()) {
            for (int i = 0; i < n; i++) {
              sets.add(pipeline.set("p:" + i, "v" + i));
              incrs.add(pipeline.incr("p:counter"));
              gets.add(pipeline.get("p:" + i));
            }
            Response<List<String>> mget = pipeline.mget("p:0", "p:199", "p:none");
            Response<String> getDel = pipeline.getDel("p:0");
            pipeline.sync();
            for (int i = 0; i < n; i++) {
              assertThat(sets.get(i).get()).isEqualTo("OK");
              assertThat(incrs.get(i).get()).isEqualTo(i + 1L);
              assertThat(gets.get(i).get()).isEqualTo("v" + i);
            }
            assertThat(mget.get()).containsExactly("v0", "v199", null);
            assertThat(getDel.get()).isEqualTo("v0");
          }
          assertThat(jedis.get("p:counter")).isEqualTo(Integer.toString(n));
          assertThat(jedis.dbSize()).isEqualTo(n);
        });
  }

  @ParameterizedTest
  @MethodSource("targetsAndProtocols")
  void transaction_multiExec_appliesInOrder(Target target, RedisProtocol protocol) {
    with(
        target,
        protocol,
        jedis -> {
          jedis.set("tx:a", "1");
          Transaction tx = jedis.multi();
          Response<String> set = tx.set("tx:b", "2");
          Response<Long> incr = tx.incr("tx:a");
          Response<String> get = tx.get("tx:a");
          Response<List<String>> mget = tx.mget("tx:a", "tx:b", "tx:c");
          Response<Long> del = tx.del("tx:b");
          List<Object> replies = tx.exec();
          assertThat(replies).hasSize(5);
          assertThat(set.get()).isEqualTo("OK");
          assertThat(incr.get()).isEqualTo(2L);
          assertThat(get.get()).isEqualTo("2");
          assertThat(mget.get()).containsExactly("2", "2", null);
          assertThat(del.get()).isOne();
          assertThat(jedis.mget("tx:a", "tx:b")).containsExactly("2", null);

          // A command's own error takes its place in EXEC's reply; the others apply.
          jedis.set("tx:text", "abc");
          Transaction mixed = jedis.multi();
          mixed.incr("tx:text");
          mixed.set("tx:after", "yes");
          List<Object> mixedReplies = mixed.exec();
          assertThat(mixedReplies.get(0))
              .isInstanceOfSatisfying(
                  JedisDataException.class,
                  e -> assertThat(e).hasMessage("ERR value is not an integer or out of range"));
          assertThat(mixedReplies.get(1)).isEqualTo("OK");
          assertThat(jedis.get("tx:after")).isEqualTo("yes");

          // DISCARD drops the queue.
          Transaction dropped = jedis.multi();
          dropped.set("tx:dropped", "x");
          assertThat(dropped.discard()).isEqualTo("OK");
          assertThat(jedis.exists("tx:dropped")).isFalse();
        });
  }

  @ParameterizedTest
  @MethodSource("targetsAndProtocols")
  void transaction_watch_conflictingWriteMakesExecNull(Target target, RedisProtocol protocol) {
    with(
        target,
        protocol,
        jedis -> {
          try (Jedis other = jedis(target.port(), config(protocol))) {
            jedis.set("w:k", "0");
            assertThat(jedis.watch("w:k")).isEqualTo("OK");
            assertThat(other.set("w:k", "theirs")).isEqualTo("OK");
            Transaction tx = jedis.multi();
            tx.set("w:k", "mine");
            assertThat(tx.exec()).isNull();
            assertThat(jedis.get("w:k")).isEqualTo("theirs");

            // No conflicting write: EXEC applies.
            assertThat(jedis.watch("w:k")).isEqualTo("OK");
            Transaction clean = jedis.multi();
            clean.set("w:k", "mine");
            assertThat(clean.exec()).containsExactly("OK");
            assertThat(other.get("w:k")).isEqualTo("mine");

            // UNWATCH forgets the watch: a later write no longer aborts.
            assertThat(jedis.watch("w:k")).isEqualTo("OK");
            assertThat(jedis.unwatch()).isEqualTo("OK");
            other.set("w:k", "theirs-again");
            Transaction unwatched = jedis.multi();
            unwatched.incr("w:n");
            assertThat(unwatched.exec()).containsExactly(1L);
          }
        });
  }

  // ---------------------------------------------------------------- pub/sub

  @ParameterizedTest
  @MethodSource("targetsAndProtocols")
  void pubSub_subscriberOnItsOwnThread_receivesAPublish_andUnsubscribeEndsIt(
      Target target, RedisProtocol protocol) throws InterruptedException {
    String channel = "jedis:news:" + target + ":" + protocol;
    BlockingQueue<String> received = new LinkedBlockingQueue<>();
    CountDownLatch subscribed = new CountDownLatch(1);
    CountDownLatch unsubscribed = new CountDownLatch(1);
    JedisPubSub subscriber =
        new JedisPubSub() {
          @Override
          public void onSubscribe(String ch, int count) {
            received.add("subscribe " + ch + " " + count);
            subscribed.countDown();
          }

          @Override
          public void onMessage(String ch, String message) {
            received.add("message " + ch + " " + message);
          }

          @Override
          public void onPMessage(String pattern, String ch, String message) {
            received.add("pmessage " + pattern + " " + ch + " " + message);
          }

          @Override
          public void onUnsubscribe(String ch, int count) {
            received.add("unsubscribe " + ch + " " + count);
            unsubscribed.countDown();
          }
        };
    List<Throwable> failures = new ArrayList<>();
    try (Jedis subscriberConnection = jedis(target.port(), config(protocol));
        Jedis publisher = jedis(target.port(), config(protocol))) {
      Thread thread =
          new Thread(
              () -> {
                try {
                  subscriberConnection.subscribe(subscriber, channel);
                } catch (RuntimeException | AssertionError e) {
                  synchronized (failures) {
                    failures.add(e);
                  }
                }
              },
              "jedis-subscriber");
      thread.start();
      assertThat(subscribed.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      assertThat(received.take()).isEqualTo("subscribe " + channel + " 1");

      assertThat(publisher.publish(channel, "hello")).isOne();
      assertThat(received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
          .isEqualTo("message " + channel + " hello");
      assertThat(publisher.pubsubNumSub(channel)).containsEntry(channel, 1L);
      assertThat(publisher.publish("jedis:elsewhere", "not for it")).isZero();

      subscriber.unsubscribe();
      assertThat(unsubscribed.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      thread.join(TIMEOUT.toMillis());
      assertThat(thread.isAlive()).as("subscribe() returned").isFalse();
      synchronized (failures) {
        assertThat(failures).isEmpty();
      }
      assertThat(received.take()).isEqualTo("unsubscribe " + channel + " 0");
      assertThat(received).isEmpty();
      assertThat(subscriber.isSubscribed()).isFalse();
      // The connection left subscriber mode: any command runs again.
      assertThat(subscriberConnection.ping()).isEqualTo("PONG");
      assertThat(publisher.publish(channel, "after")).isZero();
    }
  }

  // ---------------------------------------------------------------- errors

  /** A command no server here has. */
  private static final ProtocolCommand NO_SUCH_COMMAND =
      () -> "NOSUCHCMD".getBytes(StandardCharsets.UTF_8);

  @ParameterizedTest
  @MethodSource("targetsAndProtocols")
  void unknownCommand_throwsJedisDataException_andTheConnectionStaysUsable(
      Target target, RedisProtocol protocol) {
    with(
        target,
        protocol,
        jedis -> {
          assertThatThrownBy(() -> jedis.sendCommand(NO_SUCH_COMMAND, "a", "b"))
              .isExactlyInstanceOf(JedisDataException.class)
              .hasMessage("ERR unknown command 'NOSUCHCMD', with args beginning with: 'a' 'b' ");
          assertThat(jedis.ping()).isEqualTo("PONG");
          if (target == Target.NODE) {
            // Jedis's own list command, on a node that serves strings only.
            assertThatThrownBy(() -> jedis.lpush("list", "v"))
                .isExactlyInstanceOf(JedisDataException.class)
                .hasMessage("ERR unknown command 'LPUSH', with args beginning with: 'list' 'v' ");
            assertThat(jedis.ping()).isEqualTo("PONG");
          }
          assertThatThrownBy(() -> jedis.set("s", "v", SetParams.setParams().px(-1)))
              .isExactlyInstanceOf(JedisDataException.class)
              .hasMessage("ERR invalid expire time in 'set' command");
          assertThat(jedis.set("s", "v")).isEqualTo("OK");
          assertThat(jedis.get("s")).isEqualTo("v");
        });
  }

  // ---------------------------------------------------------------- a pool shared by threads

  @ParameterizedTest
  @MethodSource("targetsAndProtocols")
  void pooledClient_severalThreadsIncrOneKey_noIncrementIsLost(
      Target target, RedisProtocol protocol) throws Exception {
    int threads = 6;
    int perThread = 500;
    GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
    pool.setMaxTotal(threads);
    String key = "pool:counter";
    try (RedisClient client =
            RedisClient.builder()
                .hostAndPort("127.0.0.1", target.port())
                .clientConfig(config(protocol).build())
                .poolConfig(pool)
                .build();
        Jedis check = jedis(target.port(), config(protocol))) {
      check.del(key);
      ExecutorService executor = Executors.newFixedThreadPool(threads);
      try {
        List<Future<Long>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          done.add(
              executor.submit(
                  () -> {
                    long last = 0;
                    for (int i = 0; i < perThread; i++) {
                      long next = client.incr(key);
                      assertThat(next).isGreaterThan(last);
                      last = next;
                    }
                    return last;
                  }));
        }
        long highest = 0;
        for (Future<Long> f : done) {
          highest = Math.max(highest, f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        }
        assertThat(highest).isEqualTo((long) threads * perThread);
      } finally {
        executor.shutdownNow();
      }
      assertThat(client.get(key)).isEqualTo(Integer.toString(threads * perThread));
      assertThat(check.get(key)).isEqualTo(Integer.toString(threads * perThread));
      assertThat(client.getPool().getCreatedCount()).isBetween(1L, (long) threads);
    }
  }

  // ---------------------------------------------------------------- client-side caching

  /**
   * A Jedis client-side cache that skips Jedis's server check: Jedis 8 enables its cache only on a
   * server whose {@code HELLO} says {@code redis} at version 7.4 or later, and both the node (which
   * follows Redis 7.2) and the redis-server 7.0 of these tests say less. The tracking it relies on,
   * {@code CLIENT TRACKING on} and RESP3 invalidation pushes, both serve.
   */
  private static Cache compatibleCache() {
    return new DefaultCache(1_000) {
      @Override
      public boolean compatibilityMode() {
        return true;
      }
    };
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void clientSideCache_servesARepeatedRead_andAnotherConnectionsWriteInvalidatesIt(Target target) {
    Cache cache = compatibleCache();
    String key = "csc:" + target;
    try (Jedis writer = jedis(target.port(), config(RedisProtocol.RESP3));
        RedisClient cached =
            RedisClient.builder()
                .hostAndPort("127.0.0.1", target.port())
                .clientConfig(config(RedisProtocol.RESP3).build())
                .cache(cache)
                .build()) {
      assertThat(writer.set(key, "v1")).isEqualTo("OK");
      assertThat(cached.get(key)).isEqualTo("v1");
      assertThat(cached.get(key)).isEqualTo("v1");
      assertThat(cache.getStats().getMissCount()).isOne();
      assertThat(cache.getStats().getHitCount()).isOne();
      assertThat(cache.getSize()).isOne();

      // The node pushes "invalidate [key]" to the tracking connection; Jedis reads it before it
      // serves the next hit, so the next read after the push goes to the server.
      assertThat(writer.set(key, "v2")).isEqualTo("OK");
      assertThat(Await.value(() -> cached.get(key), "v2"::equals, TIMEOUT)).isEqualTo("v2");
      assertThat(cache.getStats().getInvalidationCount()).isPositive();
      assertThat(cached.get(key)).isEqualTo("v2");

      assertThat(writer.del(key)).isOne();
      assertThat(Await.value(() -> cached.get(key), v -> v == null, TIMEOUT)).isNull();
    }
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void clientSideCache_withJedisDefaults_isRefusedBelowRedis7_4(Target target) {
    // Jedis's own check, on HELLO's version: the node says 7.2.0, redis-server here 7.0.
    try (RedisClient cached =
        RedisClient.builder()
            .hostAndPort("127.0.0.1", target.port())
            .clientConfig(config(RedisProtocol.RESP3).build())
            .cacheConfig(CacheConfig.builder().maxSize(100).build())
            .build()) {
      assertThatThrownBy(() -> cached.get("csc:refused"))
          .isInstanceOf(JedisException.class)
          .satisfies(
              e ->
                  assertThat(messages(e))
                      .anySatisfy(
                          m ->
                              assertThat(m)
                                  .isEqualTo(
                                      "Client side caching is only supported with 'Redis 7.4'"
                                          + " or later.")));
    }
  }

  private static List<String> messages(Throwable e) {
    List<String> all = new ArrayList<>();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.add(String.valueOf(t.getMessage()));
    }
    return all;
  }
}
