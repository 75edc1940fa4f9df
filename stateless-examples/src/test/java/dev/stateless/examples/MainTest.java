package dev.stateless.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.testing.RedisServerExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MainTest {
  @RegisterExtension static final RedisServerExtension redis = new RedisServerExtension();

  private static String run(String redisUrl) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Main.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), redisUrl);
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void run_printsOwnershipMapsAndTheSeedsVerdicts() {
    String out = run(null);
    assertThat(out)
        .contains("== manifest AppCache layers=[CLIENT, EDGE, SERVER]")
        .contains("  user:* -> userData [SERVER]")
        .contains("  local:* -> local [CLIENT]")
        .contains(
            "error[SL001]: pattern \"user:profile\" of component \"profileCache\" overlaps"
                + " \"user:*\", owned by \"userCache\"")
        .contains("error[SL002]: write to borrowed pattern \"products:*\"")
        .contains("error[SL004]: write to key \"user:123\" through the SERVER layer")
        .contains("error[SL004]: write to key \"products:all\" through the CLIENT layer")
        .contains("error[SL009]: plain read of key \"video:123\"")
        .contains("error[SL010]: scoped entry key \"req:123\" outside a REQUEST lifetime")
        .contains("error[SL010]: session entry key \"session:123\" written without a cleanup")
        .contains("error[SL011]: atomicUpdate of key \"user:123\"")
        .contains("error[SL008]: real_time (GLOBAL_CONSISTENT) calls offline_first (CLIENT_FIRST)");
    assertThat(out.split("ok: manifest is sound", -1)).hasSize(4);
  }

  @Test
  void run_onTheEmbeddedDefault_showsRoutingInvalidationAndRefusals() {
    String out = run(null);
    assertThat(out)
        .contains("server in-process")
        .contains(
            "dependents of userData after that write: profile:42=(absent), settings:42=(absent)")
        .contains("-- get user:42 -> \"Ada\" (served by CLIENT)")
        .contains("-- get popular:home -> \"front page\" (served by SERVER)")
        .contains("-- get popular:home -> \"front page\" (served by CLIENT)")
        .contains("-- get products:all -> \"catalog\" (served by EDGE)")
        .contains("error[SL003]: write to key \"session:1\", which no component owns")
        .contains("error[SL013]: no component named \"users\"")
        .contains("error[SL102]: value of")
        .contains("error[SL002]: write to borrowed pattern \"user:*\" (key \"user:123\")")
        .contains("-- analytics reads user:123 -> \"Ada\"")
        .doesNotContain("== two nodes");
  }

  @Test
  void run_withARedisUrl_putsTheServerLayerInRedis_andShowsTwoNodes() {
    String out = run(redis.uri());
    assertThat(out)
        .contains("server in Redis at " + redis.uri())
        .contains("-- get settings:42 -> \"dark mode\" (served by SERVER)")
        .contains("== two nodes sharing " + redis.uri())
        .contains("-- get popular:home -> \"v2\" (served by SERVER)");
    assertThat(redis.command("GET", "key")).isEqualTo("svalue");
  }
}
