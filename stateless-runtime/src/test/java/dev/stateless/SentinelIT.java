package dev.stateless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.testing.Await;
import dev.stateless.testing.RedisSentinelExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Caches on a {@code redis-sentinel://} URI ({@code docs/redis.md}): Lettuce finds the master
 * through the sentinels, and every operation and the invalidation streams run on it as on a
 * standalone server. Failovers under load: {@code dev.stateless.faults.SentinelFailoverIT}.
 */
class SentinelIT {
  @RegisterExtension static final RedisSentinelExtension sentinel = new RedisSentinelExtension();

  private static final Duration EVENTUALLY = Duration.ofSeconds(10);

  private final List<StatelessCache> open = new ArrayList<>();

  @AfterEach
  void closeAll() {
    open.forEach(StatelessCache::close);
  }

  private SyncCache node() {
    StatelessCache c =
        StatelessCache.builder()
            .manifest(TestManifest.class)
            .server(Stores.redis(sentinel.uri()))
            .build();
    open.add(c);
    return c.sync();
  }

  @Test
  void cacheOnASentinelUri_getsSetsDeletesExpires_andInvalidatesPatterns_onTheMaster() {
    SyncCache c = node();

    c.set("plain:s:1", "one");
    c.set("plain:s:2", "two", SetOptions.ttl(Duration.ofSeconds(30)));
    c.set("plain:s:3:a", "three");

    assertThat(c.<Object>get("plain:s:1")).isEqualTo("one");
    assertThat(sentinel.command("GET", "plain:s:1")).as("held by the master").isEqualTo("one");
    assertThat(c.ttlMillis("plain:s:2")).isBetween(1L, 30_000L);
    assertThat(sentinel.command("PTTL", "plain:s:2")).isNotEqualTo("-1");
    assertThat(c.del("plain:s:1")).isTrue();
    assertThat(c.<Object>get("plain:s:1")).isNull();
    assertThat(sentinel.command("EXISTS", "plain:s:1")).isEqualTo("0");
    c.invalidatePattern("plain:s:3:*");
    assertThat(c.<Object>get("plain:s:3:a")).isNull();
    assertThat(sentinel.command("EXISTS", "plain:s:3:a")).isEqualTo("0");
    assertThat(c.<Object>get("plain:s:2")).isEqualTo("two");
  }

  @Test
  void twoNodesOnASentinelUri_dropEachOthersClientCopies() {
    SyncCache a = node();
    SyncCache b = node();
    b.set("user:s:1", "v1");
    readUntilCopied(a, "user:s:1", "v1");

    b.set("user:s:1", "v2");

    Await.until(
        "A's client copy dropped",
        EVENTUALLY,
        () -> a.layer(CacheLayer.CLIENT).get("user:s:1") == null);
    assertThat(a.<Object>get("user:s:1")).isEqualTo("v2");
    b.set("user:s:2:x", "p");
    readUntilCopied(a, "user:s:2:x", "p");
    b.invalidatePattern("user:s:2:*");
    Await.until(
        "A's copy dropped by B's pattern",
        EVENTUALLY,
        () -> a.layer(CacheLayer.CLIENT).get("user:s:2:x") == null);
    assertThat(a.<Object>get("user:s:2:x")).isNull();
  }

  @Test
  void masterNameNoSentinelKnows_failsTheBuildWithSL100_namingTheSentinelsAndTheName() {
    String uri = sentinel.uri().replace("#" + RedisSentinelExtension.MASTER, "#nosuchmaster");

    Throwable t =
        catchThrowable(
            () ->
                StatelessCache.builder()
                    .manifest(TestManifest.class)
                    .server(Stores.redis(uri))
                    .build());

    assertThat(t).isInstanceOf(CacheNetworkException.class);
    assertThat(Failures.code(t)).isEqualTo("SL100");
    assertThat(t.getMessage())
        .contains("cannot reach redis-sentinel://127.0.0.1:" + sentinel.sentinelPorts().get(0))
        .contains("#nosuchmaster")
        .contains("nosuchmaster");
  }

  private static void readUntilCopied(SyncCache node, String key, Object expected) {
    Await.until(
        "a client copy of " + key,
        EVENTUALLY,
        () -> expected.equals(node.get(key)) && node.layer(CacheLayer.CLIENT).get(key) != null);
  }
}
