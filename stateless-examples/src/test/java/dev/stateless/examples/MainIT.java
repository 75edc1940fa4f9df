package dev.stateless.examples;

import static dev.stateless.examples.MainTest.assertIssue4Flows;
import static dev.stateless.examples.MainTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.testing.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The main job with its server layer in a real redis-server (STATELESS_REDIS_URL set). */
class MainIT {
  @RegisterExtension static final RedisServerExtension redis = new RedisServerExtension();

  @Test
  void run_withARedisUrl_putsTheServerLayerInRedis_andShowsTwoNodes() {
    String out = run(redis.uri());
    assertThat(out)
        .contains("server in Redis at " + redis.uri())
        .contains("-- get settings:42 -> \"dark mode\" (served by SERVER)")
        .contains("== two nodes sharing " + redis.uri())
        .contains("-- get popular:home -> \"v2\" (served by SERVER)");
    assertThat(redis.command("GET", "key")).isEqualTo("value");
  }

  @Test
  void run_withARedisUrl_showsIssue4Flows_andAWarmStartFromRedis() {
    redis.flushAll();
    String out = run(redis.uri());
    assertIssue4Flows(out);
    assertThat(out)
        .contains(
            "-- node 2 is built afterwards: build() warms its CLIENT layer\n"
                + "-- get popular:news -> \"front page of news\" (served by CLIENT)\n"
                + "-- get popular:weather -> \"front page of weather\" (served by CLIENT)\n");
    assertThat(redis.command("GET", "user:123:visits")).isEqualTo("1000");
    assertThat(redis.command("EXISTS", "req:123")).isEqualTo("0");
    assertThat(redis.command("EXISTS", "session:123")).isEqualTo("0");
  }
}
