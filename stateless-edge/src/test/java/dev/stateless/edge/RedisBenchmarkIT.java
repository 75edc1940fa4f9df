package dev.stateless.edge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** redis-benchmark's PING tests (inline and multibulk) against a live node, with no error. */
class RedisBenchmarkIT {

  @Test
  void pingBenchmark_completesWithoutErrorReplies() {
    try (EdgeNode node = EdgeNode.builder().port(0).start()) {
      RedisTools.Result result =
          RedisTools.run(
              "redis-benchmark",
              "",
              120,
              "-h",
              "127.0.0.1",
              "-p",
              Integer.toString(node.port()),
              "-t",
              "ping",
              "-n",
              "100000",
              "-q");
      assertThat(result.exitCode()).as(result.stderr()).isZero();
      assertThat(result.stdout())
          .contains("PING_INLINE: ")
          .contains("PING_MBULK: ")
          .contains("requests per second")
          .doesNotContainIgnoringCase("error");
      assertThat(result.stderr()).doesNotContainIgnoringCase("error");
      RedisTools.Result info =
          RedisTools.run("redis-cli", "", 30, "-p", Integer.toString(node.port()), "INFO", "stats");
      assertThat(info.stdout()).contains("total_error_replies:0");
      assertThat(info.stdout()).containsPattern("total_commands_processed:(\\d{6,})");
    }
  }

  @Test
  void pipelinedPingBenchmark_completesWithoutErrorReplies() {
    try (EdgeNode node = EdgeNode.builder().port(0).start()) {
      RedisTools.Result result =
          RedisTools.run(
              "redis-benchmark",
              "",
              120,
              "-h",
              "127.0.0.1",
              "-p",
              Integer.toString(node.port()),
              "-t",
              "ping",
              "-n",
              "100000",
              "-P",
              "16",
              "-q");
      assertThat(result.exitCode()).as(result.stderr()).isZero();
      assertThat(result.stdout()).contains("PING_MBULK: ").doesNotContainIgnoringCase("error");
    }
  }
}
