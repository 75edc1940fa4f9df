package dev.stateless.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Lettuce, a client nobody here wrote, against live nodes: sync, async and pipelined, over RESP2
 * and RESP3 (its handshake: {@code HELLO 3 [AUTH ...]} or {@code AUTH}, then {@code CLIENT
 * SETINFO}), with and without {@code requirepass}. One suite, run once per protocol.
 */
class LettuceIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static EdgeNode node;
  private static EdgeNode secured;

  @BeforeAll
  static void start() {
    node = EdgeNode.builder().port(0).start();
    secured = EdgeNode.builder().port(0).requirepass("s3cret").start();
  }

  @AfterAll
  static void stop() {
    node.close();
    secured.close();
  }

  private static RedisClient client(EdgeNode target, ProtocolVersion protocol, String password) {
    RedisURI.Builder uri =
        RedisURI.builder().withHost("127.0.0.1").withPort(target.port()).withTimeout(TIMEOUT);
    if (!password.isEmpty()) {
      uri.withPassword(password.toCharArray());
    }
    RedisClient client = RedisClient.create(uri.build());
    client.setOptions(
        ClientOptions.builder().protocolVersion(protocol).autoReconnect(false).build());
    return client;
  }

  private static void shutdown(RedisClient client) {
    client.shutdown(Duration.ZERO, TIMEOUT);
  }

  @ParameterizedTest
  @EnumSource(ProtocolVersion.class)
  void sync_pingEchoAndClientName(ProtocolVersion protocol) {
    RedisClient client = client(node, protocol, "");
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisCommands<String, String> sync = connection.sync();
      assertThat(sync.ping()).isEqualTo("PONG");
      assertThat(sync.echo("héllo wörld")).isEqualTo("héllo wörld");
      assertThat(sync.clientSetname("lettuce-it")).isEqualTo("OK");
      assertThat(sync.clientGetname()).isEqualTo("lettuce-it");
      assertThat(sync.clientId()).isPositive();
      assertThat(sync.clientInfo()).contains("name=lettuce-it", "resp=" + protocolNumber(protocol));
      assertThat(sync.info("server")).contains("redis_version:");
    } finally {
      shutdown(client);
    }
  }

  @ParameterizedTest
  @EnumSource(ProtocolVersion.class)
  void unknownCommand_failsThatCommandOnly(ProtocolVersion protocol) {
    RedisClient client = client(node, protocol, "");
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisCommands<String, String> sync = connection.sync();
      assertThatThrownBy(() -> sync.lpush("k", "v"))
          .isInstanceOf(RedisCommandExecutionException.class)
          .hasMessage("ERR unknown command 'LPUSH', with args beginning with: 'k' 'v' ");
      assertThat(sync.ping()).isEqualTo("PONG");
    } finally {
      shutdown(client);
    }
  }

  @ParameterizedTest
  @EnumSource(ProtocolVersion.class)
  void async_repliesComeBackInOrder(ProtocolVersion protocol)
      throws InterruptedException, ExecutionException, TimeoutException {
    RedisClient client = client(node, protocol, "");
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisAsyncCommands<String, String> async = connection.async();
      List<RedisFuture<String>> replies = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        replies.add(async.echo("message-" + i));
      }
      for (int i = 0; i < replies.size(); i++) {
        assertThat(replies.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("message-" + i);
      }
    } finally {
      shutdown(client);
    }
  }

  @ParameterizedTest
  @EnumSource(ProtocolVersion.class)
  void pipelined_oneFlushManyCommands(ProtocolVersion protocol)
      throws InterruptedException, ExecutionException {
    RedisClient client = client(node, protocol, "");
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      connection.setAutoFlushCommands(false);
      RedisAsyncCommands<String, String> async = connection.async();
      List<RedisFuture<String>> replies = new ArrayList<>();
      for (int i = 0; i < 3_000; i++) {
        replies.add(i % 2 == 0 ? async.ping() : async.echo(Integer.toString(i)));
      }
      connection.flushCommands();
      assertThat(LettuceFutures.awaitAll(TIMEOUT, replies.toArray(new RedisFuture<?>[0]))).isTrue();
      for (int i = 0; i < replies.size(); i++) {
        assertThat(replies.get(i).get()).isEqualTo(i % 2 == 0 ? "PONG" : Integer.toString(i));
      }
    } finally {
      shutdown(client);
    }
  }

  @ParameterizedTest
  @EnumSource(ProtocolVersion.class)
  void requirepass_rightPasswordConnects(ProtocolVersion protocol) {
    RedisClient client = client(secured, protocol, "s3cret");
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      assertThat(connection.sync().ping()).isEqualTo("PONG");
    } finally {
      shutdown(client);
    }
  }

  @ParameterizedTest
  @EnumSource(ProtocolVersion.class)
  void requirepass_wrongOrNoPasswordIsRefused(ProtocolVersion protocol) {
    RedisClient wrong = client(secured, protocol, "wrong");
    try {
      assertThatThrownBy(wrong::connect)
          .isInstanceOf(RedisConnectionException.class)
          .hasStackTraceContaining("WRONGPASS invalid username-password pair");
    } finally {
      shutdown(wrong);
    }
    RedisClient none = client(secured, protocol, "");
    try {
      // Lettuce's handshake is HELLO 3 (RESP3), or PING (RESP2): refused before AUTH either way.
      assertThatThrownBy(none::connect)
          .isInstanceOf(RedisConnectionException.class)
          .hasStackTraceContaining(
              protocol == ProtocolVersion.RESP3
                  ? "NOAUTH HELLO must be called"
                  : "NOAUTH Authentication required.");
    } finally {
      shutdown(none);
    }
  }

  private static int protocolNumber(ProtocolVersion protocol) {
    return protocol == ProtocolVersion.RESP3 ? 3 : 2;
  }
}
