package dev.stateless.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.stateless.testing.RedisServerExtension.BinarySource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The Sentinel deployment of {@link RedisSentinelExtension}, run from the binary {@link
 * RedisServerExtension} picks and from the embedded 6.2 one: it starts ready to fail over, fails
 * over on request and after a {@code kill -9}, and leaves no process behind.
 */
class RedisSentinelExtensionIT {

  @Test
  void deployment_failsOverOnRequestAndAfterACrash_andStopsEveryProcess() {
    exercise(new RedisSentinelExtension());
  }

  @Test
  void deploymentOfTheEmbeddedBinary_failsOverOnRequestAndAfterACrash_andStopsEveryProcess() {
    assumeThat(RedisServerExtension.embeddedResourceName()).isNotNull();
    RedisSentinelExtension embedded =
        new RedisSentinelExtension(RedisServerExtension.embeddedBinary(), BinarySource.EMBEDDED);
    exercise(embedded);
  }

  private static void exercise(RedisSentinelExtension sentinel) {
    List<Long> pids = new ArrayList<>();
    try {
      sentinel.start();
      pids.addAll(sentinel.pids());
      List<Integer> ports = sentinel.sentinelPorts();
      List<Integer> nodes = sentinel.nodePorts();

      assertThat(pids).hasSize(5).doesNotHaveDuplicates();
      assertThat(sentinel.uri())
          .isEqualTo(
              "redis-sentinel://127.0.0.1:"
                  + ports.get(0)
                  + ",127.0.0.1:"
                  + ports.get(1)
                  + ",127.0.0.1:"
                  + ports.get(2)
                  + "#mymaster");
      assertThat(sentinel.masterPort()).isEqualTo(nodes.get(0));
      assertThat(RedisSentinelExtension.command(nodes.get(1), "ROLE")).startsWith("slave");
      assertThat(sentinel.command("SET", "k", "v")).isEqualTo("OK");
      // replicated before the failover (replication is asynchronous: a promotion may come first).
      // Not WAIT: command() opens a connection per command, and WAIT confirms only the writes of
      // its own connection (on a new one it returns at once).
      Await.until(
          "the replica has k",
          java.time.Duration.ofSeconds(10),
          () -> "v".equals(RedisSentinelExtension.command(nodes.get(1), "GET", "k")));

      int promoted = sentinel.failover();

      assertThat(promoted).isEqualTo(nodes.get(1)).isEqualTo(sentinel.masterPort());
      assertThat(RedisSentinelExtension.command(promoted, "ROLE")).startsWith("master");
      assertThat(RedisSentinelExtension.command(promoted, "GET", "k")).isEqualTo("v");

      int survivor = sentinel.crashMaster();

      assertThat(survivor).isEqualTo(nodes.get(0)).isEqualTo(sentinel.masterPort());
      assertThat(ProcessHandle.of(pids.get(1)).filter(ProcessHandle::isAlive)).isEmpty();
      assertThat(sentinel.command("SET", "k", "after")).isEqualTo("OK");
    } finally {
      sentinel.close();
    }
    for (long pid : pids) {
      Optional<ProcessHandle> p = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
      assertThat(p).as("process %d after close()", pid).isEmpty();
    }
  }
}
