package dev.stateless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.stateless.testing.RedisServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The plain URI forms of {@link Stores#redis(String)} against a real redis-server: a database
 * number, and a timeout that bounds every call ({@code docs/redis.md}). TLS: {@link RedisTlsIT};
 * users and passwords: {@link RedisAclIT}.
 */
class RedisUriIT {
  @RegisterExtension static final RedisServerExtension redis = new RedisServerExtension();

  private static StatelessCache cache(String uri) {
    return StatelessCache.builder().manifest(TestManifest.class).server(Stores.redis(uri)).build();
  }

  @Test
  void databaseNumber_inUri_keepsTheDataInThatDatabase() {
    redis.flushAll();
    try (StatelessCache two = cache(redis.uri() + "/2");
        StatelessCache zero = cache(redis.uri())) {
      two.sync().set("plain:db", "in two");

      assertThat(two.sync().<Object>get("plain:db")).isEqualTo("in two");
      assertThat(zero.sync().<Object>get("plain:db")).isNull();
      String keyspace = redis.command("INFO", "keyspace");
      assertThat(keyspace).contains("db2:keys=").doesNotContain("db0:");
    }
  }

  /**
   * {@code replicas=1} on a server without a replica: every write fails with SL100 after the WAIT
   * (half the URI's timeout), saying that no replica confirmed it and that the master applied it;
   * reads still work. {@code replicas=auto} there (nothing to fail over to) and the default of one
   * server acknowledge on the master's reply.
   */
  @Test
  void replicas_onAServerWithoutReplicas_failsEveryWriteWithSL100_unlessAuto() {
    redis.flushAll();
    try (StatelessCache strict = cache(redis.uri() + "?timeout=600ms&replicas=1");
        StatelessCache auto = cache(redis.uri() + "?replicas=auto");
        StatelessCache plain = cache(redis.uri())) {
      Throwable failure = catchThrowable(() -> strict.sync().set("plain:r", "strict"));

      assertThat(Failures.code(failure)).isEqualTo("SL100");
      assertThat(failure)
          .isInstanceOf(CacheNetworkException.class)
          .hasMessageContaining(
              "could not confirm 1 write on 1 replica of its master (too few replicas"
                  + " acknowledged in time): the master applied it, but a failover may lose it")
          .hasMessageContaining("help: check the master's replicas");
      assertThat(redis.command("GET", "plain:r")).isEqualTo("strict");
      assertThat(strict.sync().<Object>get("plain:r")).isEqualTo("strict");

      auto.sync().set("plain:r", "auto");
      assertThat(redis.command("GET", "plain:r")).isEqualTo("auto");
      plain.sync().set("plain:r", "plain");
      assertThat(redis.command("GET", "plain:r")).isEqualTo("plain");
    }
  }

  /**
   * The URI's timeout, not the default, bounds a call to a server that stopped answering (SIGSTOP):
   * the call fails with SL101 naming that timeout, and does not hang.
   */
  @ParameterizedTest
  @CsvSource({"2s, 2000", "2500ms, 2500"})
  void timeout_inUri_failsAGetOnAPausedServerWithSL101(String timeout, long millis) {
    try (StatelessCache cache = cache(redis.uri() + "?timeout=" + timeout)) {
      cache.sync().set("plain:t", "v");
      redis.pause();
      Throwable failure;
      try {
        failure =
            assertTimeoutPreemptively(
                Duration.ofSeconds(30), () -> catchThrowable(() -> cache.sync().get("plain:t")));
      } finally {
        redis.resume();
      }

      assertThat(Failures.code(failure)).isEqualTo("SL101");
      assertThat(failure).isInstanceOf(CacheTimeoutException.class);
      assertThat(failure.getMessage()).contains("did not answer within " + millis + " ms");
      assertThat(((CacheTimeoutException) failure).help()).contains("?timeout=");
    }
  }
}
