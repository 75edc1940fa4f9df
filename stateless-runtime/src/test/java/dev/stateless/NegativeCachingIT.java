package dev.stateless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.core.StatelessException;
import dev.stateless.testing.Await;
import dev.stateless.testing.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Negative caching: a read that finds a key absent in its owner's Redis leaves an "absent" marker
 * where copies may live ({@code users} has {@code @Backfill}), so the next read sends nothing to
 * Redis; writes and invalidations drop the marker like a copy.
 */
class NegativeCachingIT {
  @RegisterExtension static final RedisServerExtension redis = new RedisServerExtension();

  private static final Duration EVENTUALLY = Duration.ofSeconds(10);

  private final List<StatelessCache> open = new ArrayList<>();

  @BeforeEach
  void clean() {
    redis.flushAll();
  }

  @AfterEach
  void closeAll() {
    open.forEach(StatelessCache::close);
  }

  private SyncCache node(Consumer<StatelessCache.Builder> options) {
    StatelessCache.Builder b =
        StatelessCache.builder()
            .manifest(TestManifest.class)
            .server(Stores.redis(redis.uri() + "?timeout=2s"));
    options.accept(b);
    StatelessCache c = b.build();
    open.add(c);
    return c.sync();
  }

  private SyncCache negativeNode() {
    return node(b -> b.negativeCaching(Duration.ofMinutes(5)));
  }

  private static void eventually(String what, BooleanSupplier condition) {
    Await.until(what, EVENTUALLY, condition);
  }

  @Test
  void negativeCaching_secondGetOfAnAbsentKey_sendsNothingToRedis() {
    SyncCache b = negativeNode();
    long start = CommandStats.total(redis);
    assertThat(b.get("user:404")).isNull();
    long afterFirst = CommandStats.total(redis);
    assertThat(afterFirst).isGreaterThan(start);
    assertThat(b.get("user:404")).isNull(); // the blocking fast path
    assertThat(b.async().get("user:404").join()).isNull(); // the routed path
    assertThat(b.exists("user:404")).isFalse();
    assertThat(b.layer(CacheLayer.CLIENT).get("user:404")).isNull();
    assertThat(CommandStats.total(redis)).isEqualTo(afterFirst);
    assertThat(b.async().policy().entryCount(CacheLayer.CLIENT)).isZero(); // markers hold no value
  }

  @Test
  void withoutNegativeCaching_everyGetOfAnAbsentKey_readsRedis() {
    SyncCache b = node(o -> {});
    long start = CommandStats.total(redis);
    assertThat(b.get("user:404")).isNull();
    long afterFirst = CommandStats.total(redis);
    assertThat(afterFirst).isGreaterThan(start);
    assertThat(b.get("user:404")).isNull();
    assertThat(CommandStats.total(redis)).isGreaterThan(afterFirst);
  }

  @Test
  void negativeCaching_writeOnAnotherNode_dropsTheMarker() {
    SyncCache a = node(o -> {});
    SyncCache b = negativeNode();
    assertThat(b.get("user:5")).isNull();
    long marked = CommandStats.total(redis);
    assertThat(b.get("user:5")).isNull();
    assertThat(CommandStats.total(redis)).isEqualTo(marked); // the marker answers
    a.set("user:5", "arrived");
    eventually("B sees A's write", () -> "arrived".equals(b.get("user:5")));
  }

  @Test
  void negativeCaching_ownWriteAndDelete_dropTheMarker() {
    SyncCache b = negativeNode();
    assertThat(b.get("user:6")).isNull();
    b.set("user:6", "mine");
    assertThat(b.get("user:6")).isEqualTo("mine");
    b.del("user:6");
    assertThat(b.get("user:6")).isNull();
    assertThat(b.get("user:7")).isNull();
    // A plain Redis write sends no event and is not in the owner's key index: the marker stays
    // until the pattern drops it, and the pattern does not delete the key in Redis.
    redis.command("SET", "user:7", "raw");
    assertThat(b.get("user:7")).isNull();
    b.invalidatePattern("user:*");
    assertThat(b.get("user:7")).isEqualTo("raw");
  }

  @Test
  void negativeCaching_markerExpires_thenRedisIsReadAgain() {
    ManualClock clock = new ManualClock();
    SyncCache b = node(o -> o.negativeCaching(Duration.ofSeconds(5)).clock(clock));
    assertThat(b.get("user:8")).isNull();
    long marked = CommandStats.total(redis);
    clock.advance(Duration.ofSeconds(4));
    assertThat(b.get("user:8")).isNull();
    assertThat(CommandStats.total(redis)).isEqualTo(marked);
    clock.advance(Duration.ofSeconds(2));
    assertThat(b.get("user:8")).isNull();
    assertThat(CommandStats.total(redis)).isGreaterThan(marked);
  }

  @Test
  void negativeCaching_keysWithoutCopies_leaveNoMarker() {
    SyncCache b = negativeNode();
    assertThat(b.get("plain:1")).isNull(); // "plains" has no @Backfill: no copies, no marker
    long before = CommandStats.total(redis);
    assertThat(b.get("plain:1")).isNull();
    assertThat(CommandStats.total(redis)).isGreaterThan(before);
  }

  @Test
  void negativeCaching_rejectsNonPositiveDurations() {
    StatelessCache.Builder b = StatelessCache.builder();
    assertThatThrownBy(() -> b.negativeCaching(Duration.ZERO))
        .isInstanceOf(StatelessException.class)
        .hasMessageContaining("error[SL012]: malformed TTL PT0S")
        .hasMessageContaining("negativeCaching");
    assertThatThrownBy(() -> b.negativeCaching(Duration.ofSeconds(-1)))
        .isInstanceOf(StatelessException.class)
        .hasMessageContaining("positive");
    assertThatThrownBy(() -> b.negativeCaching(null)).isInstanceOf(NullPointerException.class);
  }
}
