package dev.stateless.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stateless.core.Manifest;
import dev.stateless.core.StatelessException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Ownership over the wire: a connection that authenticates as a manifest component acts with its
 * rights, as a Redis ACL user with key permissions; the default user of a node with a manifest has
 * none, unless the node gives it every owner's.
 */
class EdgeAuthIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

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

  private static EdgeNode node;

  @BeforeAll
  static void start() {
    node =
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
  }

  private static void with(
      EdgeNode target, ProtocolVersion protocol, Consumer<RedisCommands<String, String>> body) {
    RedisClient client = EdgeKeysIT.client(target, protocol);
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      body.accept(connection.sync());
    } finally {
      client.shutdown(Duration.ZERO, TIMEOUT);
    }
  }

  @ParameterizedTest
  @EnumSource(ProtocolVersion.class)
  void anOwnerWrites_aBorrowerReads_andIsRefusedItsWrites(ProtocolVersion protocol) {
    with(
        node,
        protocol,
        redis -> {
          assertThat(redis.auth("users", "users-pw")).isEqualTo("OK");
          assertThat(redis.clientInfo()).contains(" user=users ");
          assertThat(redis.set("user:1", "Ada")).isEqualTo("OK");
          assertThat(redis.get("user:1")).isEqualTo("Ada");
          assertThatThrownBy(() -> redis.set("order:1", "x"))
              .isInstanceOf(RedisCommandExecutionException.class)
              .hasMessageStartingWith("NOPERM SL003 ");

          assertThat(redis.auth("analytics", "analytics-pw")).isEqualTo("OK");
          assertThat(redis.get("user:1")).isEqualTo("Ada");
          assertThatThrownBy(() -> redis.set("user:1", "Eve"))
              .isInstanceOf(RedisCommandExecutionException.class)
              .hasMessageStartingWith("NOPERM SL002 ")
              .hasMessageContaining("write to borrowed pattern \"user:*\" (key \"user:1\")")
              .hasMessageContaining("help: ");
          assertThatThrownBy(() -> redis.del("user:1")).hasMessageStartingWith("NOPERM SL002 ");
          assertThat(redis.get("user:1")).isEqualTo("Ada");
        });
  }

  @Test
  void theDefaultUser_ofANodeWithAManifest_isRefusedEveryDataCommand() {
    with(
        node,
        ProtocolVersion.RESP2,
        redis -> {
          assertThatThrownBy(() -> redis.get("user:1"))
              .isInstanceOf(RedisCommandExecutionException.class)
              .hasMessageStartingWith("NOPERM SL003 user default has no rights on this node's keys")
              .hasMessageContaining("AUTH <component> <password>");
          assertThat(redis.ping()).isEqualTo("PONG");
          assertThatThrownBy(() -> redis.auth("users", "wrong"))
              .hasMessageStartingWith("WRONGPASS");
          assertThatThrownBy(() -> redis.auth("nobody", "users-pw"))
              .hasMessageStartingWith("WRONGPASS");
          assertThat(redis.clientInfo()).contains(" user=default ");
        });
  }

  @Test
  void aNodeGivingTheDefaultUserEveryOwner_letsItWriteOwnedKeys() {
    try (EdgeNode open =
        EdgeNode.builder().port(0).manifest(MANIFEST).defaultUserActsForAllOwners(true).start()) {
      with(
          open,
          ProtocolVersion.RESP3,
          redis -> {
            assertThat(redis.set("user:2", "Grace")).isEqualTo("OK");
            assertThat(redis.get("user:2")).isEqualTo("Grace");
          });
    }
  }

  @Test
  void aUserNamingNoComponent_stopsTheNodeFromStarting() {
    assertThatThrownBy(
            () -> EdgeNode.builder().port(0).manifest(MANIFEST).user("orders", "pw").start())
        .isInstanceOf(StatelessException.class)
        .hasMessageContaining("SL013")
        .hasMessageContaining("orders");
  }

  /** A users file's users, one with its password's hash only, one switched off. */
  @Test
  void usersFromAUsersFile_authenticateWithTheirRights(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("users.acl");
    Files.writeString(
        file,
        String.join(
            "\n",
            "# shop users",
            "user users on #"
                + HexFormat.of()
                    .formatHex(
                        MessageDigest.getInstance("SHA-256")
                            .digest("from-file".getBytes(StandardCharsets.UTF_8))),
            "user analytics off",
            ""));
    EdgeNode fromFile = EdgeNode.builder().port(0).manifest(MANIFEST).usersFile(file).start();
    try {
      with(
          fromFile,
          ProtocolVersion.RESP3,
          redis -> {
            assertThat(redis.auth("users", "from-file")).isEqualTo("OK");
            assertThat(redis.set("user:9", "Grace")).isEqualTo("OK");
            assertThatThrownBy(() -> redis.auth("analytics", "analytics-pw"))
                .isInstanceOf(RedisCommandExecutionException.class)
                .hasMessageStartingWith("WRONGPASS");
          });
    } finally {
      fromFile.close();
    }
    Path unknown = dir.resolve("unknown.acl");
    Files.writeString(unknown, "user nobody on >pw\n");
    assertThatThrownBy(
            () -> EdgeNode.builder().port(0).manifest(MANIFEST).usersFile(unknown).start())
        .isInstanceOf(StatelessException.class)
        .hasMessageContaining("SL013");
  }

  @Test
  void clientKillUser_closesThatUsersConnectionsOnly() {
    with(
        node,
        ProtocolVersion.RESP2,
        killer ->
            with(
                node,
                ProtocolVersion.RESP2,
                victim -> {
                  victim.auth("analytics", "analytics-pw");
                  assertThat(killer.clientKill(io.lettuce.core.KillArgs.Builder.user("analytics")))
                      .isEqualTo(1);
                  assertThat(killer.ping()).isEqualTo("PONG");
                }));
  }
}
