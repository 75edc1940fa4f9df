package dev.stateless.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisServerExtensionIT {

  @RegisterExtension static final RedisServerExtension redis = new RedisServerExtension();

  @RegisterExtension static final RedisServerExtension other = new RedisServerExtension();

  @BeforeEach
  void emptyBothServers() {
    redis.flushAll();
    other.flushAll();
  }

  @Test
  void answersPing() {
    assertThat(redis.command("PING")).isEqualTo("PONG");
  }

  @Test
  void returnsTheValueItWasGiven() {
    assertThat(redis.command("SET", "k", "v")).isEqualTo("OK");

    assertThat(redis.command("GET", "k")).isEqualTo("v");
  }

  @Test
  void sendsAndReceivesUtf8() {
    redis.command("SET", "k", "ключ ✓");

    assertThat(redis.command("GET", "k")).isEqualTo("ключ ✓");
  }

  @Test
  void listensOnAnEphemeralLoopbackPortNotTheDefaultOne() {
    assertThat(redis.port()).isPositive().isNotEqualTo(6379);
    assertThat(redis.host()).isEqualTo("127.0.0.1");
    assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + redis.port());
  }

  @Test
  void stopRefusesConnectionsAndStartServesAnEmptyServerOnTheSamePort() {
    int port = redis.port();
    long pid = redis.pid();
    redis.command("SET", "k", "v");

    redis.stop();

    assertThat(redis.isRunning()).isFalse();
    assertThatThrownBy(() -> new Socket(redis.host(), port).close())
        .isInstanceOf(ConnectException.class);
    assertThatThrownBy(() -> redis.command("PING")).isInstanceOf(UncheckedIOException.class);

    redis.start();

    assertThat(redis.port()).isEqualTo(port);
    assertThat(redis.pid()).isNotEqualTo(pid);
    assertThat(redis.command("PING")).isEqualTo("PONG");
    assertThat(redis.command("GET", "k")).isNull();
    assertThat(redis.command("DBSIZE")).isEqualTo("0");
  }

  @Test
  void twoExtensionsInOneClassRunSeparateServersOnDifferentPorts() {
    redis.command("SET", "k", "first");
    other.command("SET", "k", "second");

    assertThat(other.port()).isNotEqualTo(redis.port());
    assertThat(other.pid()).isNotEqualTo(redis.pid());
    assertThat(redis.command("GET", "k")).isEqualTo("first");
    assertThat(other.command("GET", "k")).isEqualTo("second");
  }

  @Test
  void reportsTheVersionOfTheBinaryItRuns() {
    assertThat(redis.version())
        .matches("\\d+\\.\\d+\\.\\d+")
        .satisfiesAnyOf(v -> assertThat(v).startsWith("6."), v -> assertThat(v).startsWith("7."));
    assertThat(redis.command("INFO", "server")).contains("redis_version:" + redis.version());
  }

  @Test
  void reportsThePidOfTheServingProcess() {
    assertThat(redis.command("INFO", "server")).contains("process_id:" + redis.pid() + "\r\n");
  }

  @Test
  void usesTheBinaryFromThePropertyThenThePathThenTheEmbeddedJar() {
    assertThat(redis.binary()).isExecutable();
    String property = System.getProperty(RedisServerExtension.BINARY_PROPERTY);
    if (property != null && !property.isBlank()) {
      assertThat(redis.binarySource()).isEqualTo(RedisServerExtension.BinarySource.SYSTEM_PROPERTY);
      assertThat(redis.binary()).isEqualTo(Path.of(property));
    } else if (redis.binarySource() == RedisServerExtension.BinarySource.PATH) {
      assertThat(redis.binary().getFileName()).hasToString("redis-server");
    } else {
      assertThat(redis.binarySource()).isEqualTo(RedisServerExtension.BinarySource.EMBEDDED);
      assertThat(redis.version()).startsWith("6.2");
    }
  }

  @Test
  void runsWithoutPersistence() {
    assertThat(redis.command("CONFIG", "GET", "save")).isEqualTo("save\n");
    assertThat(redis.command("CONFIG", "GET", "appendonly")).isEqualTo("appendonly\nno");
  }

  @Test
  void rendersIntegersAsText() {
    redis.command("SET", "a", "1");

    assertThat(redis.command("DBSIZE")).isEqualTo("1");
    assertThat(redis.command("INCR", "a")).isEqualTo("2");
  }

  @Test
  void rendersAMissingValueAsNull() {
    assertThat(redis.command("GET", "missing")).isNull();
  }

  @Test
  void rendersArraysOneElementPerLineWithNilForMissingElements() {
    redis.command("SET", "a", "1");
    redis.command("SET", "b", "2");

    assertThat(redis.command("MGET", "a", "missing", "b")).isEqualTo("1\n(nil)\n2");
    assertThat(redis.command("KEYS", "nothing*")).isEmpty();
  }

  @Test
  void rendersErrorsWithTheirLeadingMinus() {
    redis.command("SET", "a", "not a list");

    assertThat(redis.command("NOSUCHCOMMAND")).startsWith("-ERR unknown command");
    assertThat(redis.command("LPUSH", "a", "x")).startsWith("-WRONGTYPE");
  }

  @Test
  void flushAllEmptiesTheServer() {
    redis.command("SET", "a", "1");

    redis.flushAll();

    assertThat(redis.command("DBSIZE")).isEqualTo("0");
  }

  @Test
  void runsTheBinaryBundledInTheEmbeddedRedisJar() {
    assumeThat(RedisServerExtension.embeddedResourceName()).isNotNull();
    Path binary = RedisServerExtension.embeddedBinary();
    RedisServerExtension embedded =
        new RedisServerExtension(binary, RedisServerExtension.BinarySource.EMBEDDED);
    try {
      embedded.start();

      assertThat(embedded.version()).startsWith("6.2");
      assertThat(embedded.binarySource()).isEqualTo(RedisServerExtension.BinarySource.EMBEDDED);
      assertThat(embedded.command("PING")).isEqualTo("PONG");
      assertThat(embedded.command("INFO", "server")).contains("redis_version:6.2");
      assertThat(embedded.port()).isNotIn(redis.port(), other.port());
    } finally {
      embedded.close();
    }
    assertThat(embedded.isRunning()).isFalse();
    assertThat(RedisServerExtension.embeddedBinary()).isSameAs(binary);
    assertThat(Files.isExecutable(binary)).isTrue();
  }

  // ---------------------------------------------------------------- faults

  /** A server of its own: a crash or a pause must not disturb the class's shared ones. */
  private static void withOwnServer(
      RedisServerExtension.Persistence persistence,
      java.util.function.Consumer<RedisServerExtension> test) {
    RedisServerExtension own = new RedisServerExtension();
    try {
      own.start(persistence);
      test.accept(own);
    } finally {
      own.close();
    }
    assertThat(own.isRunning()).isFalse();
  }

  @Test
  void crashKillsTheProcess_andStartWithoutPersistenceComesBackEmptyOnTheSamePort() {
    withOwnServer(
        RedisServerExtension.Persistence.NONE,
        own -> {
          int port = own.port();
          long pid = own.pid();
          own.command("SET", "k", "v");
          own.command("SAVE"); // even a snapshot on disk is not loaded

          own.crash();

          assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
              .isNotEqualTo(java.util.Optional.of(true));
          assertThatThrownBy(() -> new Socket(own.host(), port).close())
              .isInstanceOf(ConnectException.class);
          own.start();
          assertThat(own.port()).isEqualTo(port);
          assertThat(own.command("DBSIZE")).isEqualTo("0");
        });
  }

  @Test
  void startFromRdb_afterACrash_comesBackAsOfTheLastSave() {
    withOwnServer(
        RedisServerExtension.Persistence.RDB,
        own -> {
          own.command("SET", "saved", "1");
          assertThat(own.command("SAVE")).isEqualTo("OK");
          own.command("SET", "after", "2");

          own.crash();
          own.start(RedisServerExtension.Persistence.RDB);

          assertThat(own.command("GET", "saved")).isEqualTo("1");
          assertThat(own.command("GET", "after")).isNull();
        });
  }

  @Test
  void startFromAof_afterACrash_keepsEveryAcknowledgedWrite() {
    withOwnServer(
        RedisServerExtension.Persistence.AOF,
        own -> {
          assertThat(own.command("CONFIG", "GET", "appendfsync")).isEqualTo("appendfsync\nalways");
          for (int i = 0; i < 100; i++) {
            own.command("INCR", "n");
          }

          own.crash();
          own.start(RedisServerExtension.Persistence.AOF);

          assertThat(own.command("GET", "n")).isEqualTo("100");
          own.crash();
          own.start(RedisServerExtension.Persistence.NONE);
          assertThat(own.command("GET", "n")).isNull();
        });
  }

  @Test
  void pauseStopsAnswering_resumeAnswersWhatWaited() {
    withOwnServer(
        RedisServerExtension.Persistence.NONE,
        own -> {
          own.pause();
          assertThat(own.isPaused()).isTrue();
          java.util.concurrent.CompletableFuture<String> ping =
              java.util.concurrent.CompletableFuture.supplyAsync(() -> own.command("PING"));
          assertThatThrownBy(() -> ping.get(200, java.util.concurrent.TimeUnit.MILLISECONDS))
              .isInstanceOf(java.util.concurrent.TimeoutException.class);

          own.resume();

          assertThat(ping.join()).isEqualTo("PONG");
          own.pause(); // close() resumes it before SIGTERM
        });
  }

  @Test
  void clientsListsConnections_withTheirIdsAndLastCommand() {
    withOwnServer(
        RedisServerExtension.Persistence.NONE,
        own -> {
          java.util.List<java.util.Map<String, String>> clients = own.clients();
          assertThat(clients).hasSize(1);
          assertThat(clients.get(0)).containsKey("id");
          assertThat(clients.get(0).get("cmd")).startsWith("client"); // "client|list" since 7.0
        });
  }
}
