package dev.stateless.edge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * redis-benchmark's PING, SET, GET, INCR and MSET tests against a live node, one request at a time
 * and 16 pipelined, with no error reply (redis-benchmark's {@code --csv} would show none either:
 * the node counts them in {@code INFO stats}).
 */
class RedisBenchmarkIT {

  @ParameterizedTest(name = "-P {0}")
  @ValueSource(ints = {1, 16})
  void benchmark_completesWithoutErrorReplies(int pipeline) {
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
              "ping,set,get,incr,mset",
              "-n",
              "20000",
              "-P",
              Integer.toString(pipeline),
              "-q");
      assertThat(result.exitCode()).as(result.stderr()).isZero();
      assertThat(result.stdout())
          .contains("PING_INLINE: ")
          .contains("PING_MBULK: ")
          .contains("SET: ")
          .contains("GET: ")
          .contains("INCR: ")
          .contains("MSET (10 keys): ")
          .contains("requests per second")
          .doesNotContainIgnoringCase("error");
      assertThat(result.stderr()).doesNotContainIgnoringCase("error");
      RedisTools.Result info =
          RedisTools.run("redis-cli", "", 30, "-p", Integer.toString(node.port()), "INFO", "stats");
      assertThat(info.stdout()).contains("total_error_replies:0");
      // this node's requests (6 tests x 20,000) and redis-benchmark's own CONFIG GETs
      assertThat(info.stdout()).containsPattern("total_commands_processed:(\\d{6,})");
    }
  }
}
