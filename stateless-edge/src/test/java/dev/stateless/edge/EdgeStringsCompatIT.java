package dev.stateless.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.core.Manifest;
import dev.stateless.testing.RedisServerExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The string, keyspace and transaction commands of issue 15 against a real redis-server 7 and a
 * live node, with the same test code: each scripted session's replies, as Lettuce reads them, must
 * be the same from both (RESP2 and RESP3), and each behaviour test passes against both. Then the
 * node's own guarantees: no lost update from several connections, {@code WATCH} conflicts, {@code
 * FLUSHDB} refused where it is not allowed.
 */
class EdgeStringsCompatIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @RegisterExtension static final RedisServerExtension redis = new RedisServerExtension();

  private static EdgeNode node;

  /** The two servers every behaviour test runs against. */
  enum Target {
    REDIS,
    NODE;

    int port() {
      return this == REDIS ? redis.port() : node.port();
    }
  }

  @BeforeAll
  static void start() {
    node = EdgeNode.builder().port(0).start();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static void with(
      Target target,
      ProtocolVersion protocol,
      Consumer<StatefulRedisConnection<String, String>> body) {
    RedisClient client = EdgeKeysIT.client(target.port(), protocol);
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      connection.sync().flushdb();
      body.accept(connection);
    } finally {
      client.shutdown(Duration.ZERO, TIMEOUT);
    }
  }

  // ---------------------------------------------------------------- same replies as redis-server

  /**
   * Every reply of a session on one connection, as the RESP it is: one line per command ({@code _}
   * in a word stands for a space; RESP3 after {@code HELLO 3}, whose own reply is not kept).
   */
  private static List<String> transcript(Target target, ProtocolVersion protocol, String script) {
    List<String> lines = new ArrayList<>();
    try (Socket socket = new Socket("127.0.0.1", target.port())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = new BufferedInputStream(socket.getInputStream());
      List<String> setup = new ArrayList<>(List.of("FLUSHALL"));
      if (protocol == ProtocolVersion.RESP3) {
        setup.add("HELLO 3");
      }
      for (String line : setup) {
        send(out, line);
        readReply(in);
      }
      for (String line : script.strip().split("\n")) {
        send(out, line.strip());
        lines.add(line.strip() + " -> " + readReply(in));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return lines;
  }

  private static void send(OutputStream out, String line) throws IOException {
    String[] words = line.split(" +");
    StringBuilder request = new StringBuilder("*" + words.length + "\r\n");
    for (String w : words) {
      byte[] arg = w.replace("_", " ").getBytes(StandardCharsets.UTF_8);
      request
          .append('$')
          .append(arg.length)
          .append("\r\n")
          .append(w.replace("_", " "))
          .append("\r\n");
    }
    out.write(request.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** One reply, its RESP type characters and contents kept, CRLFs dropped. */
  private static String readReply(InputStream in) throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new IOException("connection closed");
    }
    String line = readLine(in);
    switch (type) {
      case '$', '=', '!' -> {
        int n = Integer.parseInt(line);
        if (n < 0) {
          return "$-1";
        }
        byte[] body = in.readNBytes(n + 2);
        return (char) type + "\"" + new String(body, 0, n, StandardCharsets.UTF_8) + "\"";
      }
      case '*', '~', '>', '%' -> {
        int n = Integer.parseInt(line);
        StringBuilder sb = new StringBuilder().append((char) type).append(n).append('[');
        for (int i = 0; i < (type == '%' ? 2 * n : n); i++) {
          sb.append(i == 0 ? "" : ", ").append(readReply(in));
        }
        return sb.append(']').toString();
      }
      default -> {
        return (char) type + line;
      }
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int c = in.read(); c != '\r'; c = in.read()) {
      if (c < 0) {
        throw new IOException("connection closed");
      }
      sb.append((char) c);
    }
    in.read(); // \n
    return sb.toString();
  }

  private static void assertSameAsRedis(ProtocolVersion protocol, String script) {
    List<String> expected = transcript(Target.REDIS, protocol, script);
    List<String> actual = transcript(Target.NODE, protocol, script);
    assertThat(actual).containsExactlyElementsOf(expected);
  }

  private static final String STRINGS =
      """
      SET k v
      SET k v2 GET
      SET k v3 NX GET
      SET k v4 XX GET
      SET k v5 KEEPTTL GET EX 10
      SET k v NX XX
      SET missing v XX GET
      SET k v6 GET KEEPTTL
      GET k
      SET t x EX 100
      SET t y KEEPTTL
      TTL t
      SET t z GET
      TTL t
      GETSET k w
      GETSET nokey w
      GETDEL k
      GETDEL k
      SET e v EX 100
      GETEX e
      TTL e
      GETEX e PERSIST
      TTL e
      GETEX e EX 50
      TTL e
      GETEX e PX 20000
      TTL e
      GETEX e EX 0
      GETEX e EX -1
      GETEX e EX a
      GETEX e PERSIST EX 10
      GETEX e EX 10 PX 100
      GETEX e FOO
      GETEX nokey EX 10
      GETEX e EXAT 1
      EXISTS e
      APPEND a hello
      APPEND a _world
      GET a
      STRLEN a
      SET s abc
      SETRANGE s 5 X
      GET s
      SETRANGE s 0 Z
      GET s
      SETRANGE s -1 x
      SETRANGE s 536870912 x
      SETRANGE s a x
      SETRANGE s 1 _
      SETRANGE nokey 0 _
      EXISTS nokey
      GETRANGE a 0 4
      GETRANGE a -5 -1
      GETRANGE a -1 -5
      GETRANGE a 3 100
      GETRANGE a 100 200
      GETRANGE nokey 0 1
      GETRANGE a x 1
      SET f 10.5
      INCRBYFLOAT f 0.1
      INCRBYFLOAT f -5
      SET g 3
      INCRBYFLOAT g 1.5e3
      INCRBYFLOAT f abc
      INCRBYFLOAT f inf
      INCRBYFLOAT newf 3
      INCRBYFLOAT a 1
      MSETNX m1 1 m2 2
      MSETNX m1 1 m3 3
      MGET m1 m2 m3
      MSETNX m1
      SET n 9223372036854775807
      """;

  @ParameterizedTest
  @EnumSource(ProtocolVersion.class)
  void stringCommands_replyAsRedisServer7(ProtocolVersion protocol) {
    assertSameAsRedis(protocol, STRINGS);
    // and the replies are the ones Redis documents, not two matching failures
    List<String> node = transcript(Target.NODE, protocol, STRINGS);
    assertThat(node).contains("APPEND a _world -> :11", "GETRANGE a -5 -1 -> $\"world\"");
    assertThat(node).contains("INCRBYFLOAT f 0.1 -> $\"10.6\"", "SET k v2 GET -> $\"v\"");
  }

  private static final String KEYSPACE =
      """
      SET k v
      EXPIRE k 10 NX XX
      EXPIRE k 10 GT LT
      EXPIRE k 10 FOO
      EXPIRE k 10 GT
      TTL k
      EXPIRE k 100 NX
      TTL k
      EXPIRE k 50 GT
      EXPIRE k 200 GT
      TTL k
      EXPIRE k 10 lt
      TTL k
      EXPIRE k 20 LT
      EXPIRE k 10 NX
      PERSIST k
      PERSIST k
      PERSIST nokey
      TTL k
      EXPIRE k 10 XX
      EXPIRE k 10 LT
      TTL k
      EXPIRE nokey 10
      EXPIRE k -1 GT
      EXISTS k
      PEXPIRE k 20000 GT
      TTL k
      EXPIREAT k 4102444800
      EXISTS k
      PEXPIREAT k 1
      EXISTS k
      SET k v
      EXPIREAT k 1 NX
      EXISTS k
      EXPIREAT k a
      EXPIRE k 9223372036854775807
      SCAN 0 COUNT 0
      SCAN 0 COUNT a
      SCAN x
      SCAN 0 FOO 1
      SCAN 0 TYPE
      SCAN 18446744073709551616
      SCAN 0 TYPE hash
      FLUSHDB FOO
      FLUSHDB ASYNC
      DBSIZE
      """;

  @ParameterizedTest
  @EnumSource(ProtocolVersion.class)
  void keyspaceCommands_replyAsRedisServer7(ProtocolVersion protocol) {
    assertSameAsRedis(protocol, KEYSPACE);
    List<String> node = transcript(Target.NODE, protocol, KEYSPACE);
    assertThat(node)
        .contains(
            "EXPIRE k 50 GT -> :0", "EXPIRE k 200 GT -> :1", "PERSIST k -> :1", "DBSIZE -> :0");
  }

  private static final String TRANSACTIONS =
      """
      EXEC
      DISCARD
      MULTI
      MULTI
      WATCH x
      SET a 1
      FOO
      GET
      EXEC
      MULTI
      SET a 1
      INCR a
      SET b x
      INCR b
      SET c 1 BADOPT
      GET a
      APPEND a 0
      GETRANGE a 0 0
      EXPIRE a 100
      TTL a
      DEL b c
      EXISTS a b
      PING
      ECHO hi
      EXEC
      GET a
      TTL a
      MULTI
      SET d 1
      DISCARD
      GET d
      MULTI
      EXEC
      WATCH a
      UNWATCH
      MULTI
      INCRBY a 5
      EXEC
      """;

  @ParameterizedTest
  @EnumSource(ProtocolVersion.class)
  void transactions_replyAsRedisServer7(ProtocolVersion protocol) {
    assertSameAsRedis(protocol, TRANSACTIONS);
    List<String> node = transcript(Target.NODE, protocol, TRANSACTIONS);
    assertThat(node)
        .contains(
            "EXEC -> -EXECABORT Transaction discarded because of previous errors.",
            "GET a -> $\"20\"",
            "INCRBY a 5 -> +QUEUED");
  }

  // ---------------------------------------------------------------- behaviour, on both

  @ParameterizedTest
  @EnumSource(Target.class)
  void watch_keyWrittenByAnotherConnection_execAnswersNull_andWritesNothing(Target target) {
    with(
        target,
        ProtocolVersion.RESP3,
        connection -> {
          RedisCommands<String, String> sync = connection.sync();
          sync.set("w", "1");
          assertThat(sync.watch("w")).isEqualTo("OK");
          RedisClient other = EdgeKeysIT.client(target.port(), ProtocolVersion.RESP2);
          try (StatefulRedisConnection<String, String> second = other.connect()) {
            second.sync().set("w", "1"); // the same value: still a write
          } finally {
            other.shutdown(Duration.ZERO, TIMEOUT);
          }
          sync.multi();
          sync.set("w", "2");
          sync.set("x", "2");
          TransactionResult result = sync.exec();
          assertThat(result.wasDiscarded()).isTrue();
          assertThat(sync.get("w")).isEqualTo("1");
          assertThat(sync.exists("x")).isZero();
          // the watch ended with EXEC: the next transaction applies
          sync.multi();
          sync.set("w", "3");
          assertThat(sync.exec().wasDiscarded()).isFalse();
          assertThat(sync.get("w")).isEqualTo("3");
        });
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void watch_keyThatExpires_execAnswersNull(Target target) throws InterruptedException {
    with(
        target,
        ProtocolVersion.RESP2,
        connection -> {
          RedisCommands<String, String> sync = connection.sync();
          sync.set("short", "v", io.lettuce.core.SetArgs.Builder.px(50));
          sync.watch("short");
          while (sync.exists("short") == 1) {
            Thread.onSpinWait(); // waits for the expiry, bounded by the 50 ms TTL
          }
          sync.multi();
          sync.set("y", "1");
          assertThat(sync.exec().wasDiscarded()).isTrue();
        });
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void multiExec_async_pipelined_repliesInOrder(Target target) throws Exception {
    with(
        target,
        ProtocolVersion.RESP3,
        connection -> {
          RedisAsyncCommands<String, String> async = connection.async();
          connection.setAutoFlushCommands(false);
          try {
            RedisFuture<String> multi = async.multi();
            RedisFuture<String> set = async.set("p", "1");
            RedisFuture<Long> incr = async.incrby("p", 41);
            RedisFuture<String> get = async.get("p");
            RedisFuture<TransactionResult> exec = async.exec();
            RedisFuture<String> after = async.get("p");
            connection.flushCommands();
            TransactionResult result = exec.get(30, TimeUnit.SECONDS);
            assertThat(multi.get()).isEqualTo("OK");
            assertThat(result.wasDiscarded()).isFalse();
            assertThat(List.<Object>copyOf(result.stream().toList()))
                .containsExactly("OK", 42L, "42");
            assertThat(set.get()).isEqualTo("OK");
            assertThat(incr.get()).isEqualTo(42L);
            assertThat(get.get()).isEqualTo("42");
            assertThat(after.get()).isEqualTo("42");
          } catch (Exception e) {
            throw new AssertionError(e);
          } finally {
            connection.setAutoFlushCommands(true);
          }
        });
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void scan_fullIteration_returnsEveryKeyOnce_andEnds(Target target) {
    with(
        target,
        ProtocolVersion.RESP2,
        connection -> {
          RedisCommands<String, String> sync = connection.sync();
          Set<String> written = new HashSet<>();
          for (int i = 0; i < 300; i++) {
            written.add((i % 3 == 0 ? "a:" : "b:") + i);
          }
          for (String k : written) {
            sync.set(k, "v");
          }
          List<String> seen = new ArrayList<>();
          ScanCursor cursor = ScanCursor.INITIAL;
          int calls = 0;
          do {
            var page = sync.scan(cursor, ScanArgs.Builder.limit(7));
            seen.addAll(page.getKeys());
            cursor = page;
            calls++;
          } while (!cursor.isFinished() && calls < 10_000);
          assertThat(cursor.isFinished()).isTrue();
          assertThat(new HashSet<>(seen)).isEqualTo(written);
          List<String> matched = new ArrayList<>();
          cursor = ScanCursor.INITIAL;
          do {
            var page = sync.scan(cursor, ScanArgs.Builder.matches("a:*").limit(1000));
            matched.addAll(page.getKeys());
            cursor = page;
          } while (!cursor.isFinished());
          assertThat(matched).hasSize(100).allMatch(k -> k.startsWith("a:"));
        });
  }

  // ---------------------------------------------------------------- no lost update

  @ParameterizedTest
  @EnumSource(Target.class)
  void appendIncrbyfloatSetrange_fromSeveralConnections_loseNoUpdate(Target target)
      throws Exception {
    int connections = 4;
    int each = 100;
    with(target, ProtocolVersion.RESP2, connection -> {});
    ExecutorService pool = Executors.newFixedThreadPool(connections);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < connections; c++) {
        int me = c;
        done.add(
            pool.submit(
                () -> {
                  RedisClient client = EdgeKeysIT.client(target.port(), ProtocolVersion.RESP2);
                  try (StatefulRedisConnection<String, String> conn = client.connect()) {
                    RedisCommands<String, String> sync = conn.sync();
                    for (int i = 0; i < each; i++) {
                      sync.append("app", "x");
                      sync.incrbyfloat("flt", 0.5);
                      sync.setrange("rng", (long) i * connections + me, "#");
                    }
                  } finally {
                    client.shutdown(Duration.ZERO, TIMEOUT);
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    RedisClient reader = EdgeKeysIT.client(target.port(), ProtocolVersion.RESP2);
    try (StatefulRedisConnection<String, String> conn = reader.connect()) {
      RedisCommands<String, String> sync = conn.sync();
      assertThat(sync.strlen("app")).isEqualTo((long) connections * each);
      assertThat(sync.get("flt")).isEqualTo(Integer.toString(connections * each / 2));
      assertThat(sync.get("rng")).isEqualTo("#".repeat(connections * each));
    } finally {
      reader.shutdown(Duration.ZERO, TIMEOUT);
    }
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void watchMultiExecIncrement_fromSeveralConnections_loseNoUpdate(Target target) throws Exception {
    int connections = 4;
    int each = 40;
    RedisClient setup = EdgeKeysIT.client(target.port(), ProtocolVersion.RESP2);
    try (StatefulRedisConnection<String, String> conn = setup.connect()) {
      conn.sync().flushdb();
      conn.sync().set("counter", "0");
    }
    ExecutorService pool = Executors.newFixedThreadPool(connections);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int c = 0; c < connections; c++) {
        done.add(
            pool.submit(
                () -> {
                  int conflicts = 0;
                  RedisClient client = EdgeKeysIT.client(target.port(), ProtocolVersion.RESP2);
                  try (StatefulRedisConnection<String, String> conn = client.connect()) {
                    RedisCommands<String, String> sync = conn.sync();
                    for (int i = 0; i < each; ) {
                      sync.watch("counter");
                      long n = Long.parseLong(sync.get("counter"));
                      sync.multi();
                      sync.set("counter", Long.toString(n + 1));
                      if (sync.exec().wasDiscarded()) {
                        conflicts++;
                      } else {
                        i++;
                      }
                    }
                  } finally {
                    client.shutdown(Duration.ZERO, TIMEOUT);
                  }
                  return conflicts;
                }));
      }
      for (Future<Integer> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
      try (StatefulRedisConnection<String, String> conn = setup.connect()) {
        assertThat(conn.sync().get("counter")).isEqualTo(Integer.toString(connections * each));
      }
    } finally {
      pool.shutdownNow();
      setup.shutdown(Duration.ZERO, TIMEOUT);
    }
  }

  // ---------------------------------------------------------------- redis-cli, FLUSHDB rights

  @Test
  void redisCli_transaction_printsAsAgainstRedisServer() {
    String script = "MULTI\nSET a 1\nINCR a\nGETSET a x\nGETDEL a\nEXEC\n";
    RedisTools.Result expected =
        RedisTools.run("redis-cli", script, 30, "-p", Integer.toString(redis.port()));
    RedisTools.Result actual =
        RedisTools.run("redis-cli", script, 30, "-p", Integer.toString(node.port()));
    assertThat(actual.stdout()).isEqualTo(expected.stdout()).contains("QUEUED");
  }

  @Test
  void flushdb_onANodeWithAManifest_onlyTheDefaultUserActingForAllOwnersMay() {
    Manifest manifest =
        Manifest.parse(
            "shop.yaml", String.join("\n", "components:", "  users:", "    owns: user:*", ""));
    try (EdgeNode withManifest =
            EdgeNode.builder().port(0).manifest(manifest).user("users", "pw").start();
        EdgeNode all =
            EdgeNode.builder()
                .port(0)
                .manifest(manifest)
                .defaultUserActsForAllOwners(true)
                .start()) {
      RedisClient client = EdgeKeysIT.client(withManifest.port(), ProtocolVersion.RESP2);
      try (StatefulRedisConnection<String, String> conn = client.connect()) {
        RedisCommands<String, String> sync = conn.sync();
        assertThat(sync.auth("users", "pw")).isEqualTo("OK");
        sync.set("user:1", "x");
        try {
          sync.flushdb();
          throw new AssertionError("FLUSHDB was allowed");
        } catch (RedisCommandExecutionException e) {
          assertThat(e.getMessage())
              .startsWith("NOPERM SL003 user users may not flush")
              .contains("help:");
        }
        assertThat(sync.get("user:1")).isEqualTo("x");
      } finally {
        client.shutdown(Duration.ZERO, TIMEOUT);
      }
      RedisClient admin = EdgeKeysIT.client(all.port(), ProtocolVersion.RESP2);
      try (StatefulRedisConnection<String, String> conn = admin.connect()) {
        RedisCommands<String, String> sync = conn.sync();
        sync.set("user:1", "x");
        assertThat(sync.flushall()).isEqualTo("OK");
        assertThat(sync.dbsize()).isZero();
      } finally {
        admin.shutdown(Duration.ZERO, TIMEOUT);
      }
    }
  }
}
