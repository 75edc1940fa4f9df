package dev.stateless;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.core.Manifest;
import dev.stateless.internal.KeyChangeListener;
import dev.stateless.internal.KeyChanges;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hook the edge node's client tracking is built on ({@link KeyChanges}): every change of a key,
 * whatever made it, reaches the listener after it is visible.
 */
class KeyChangesTest {
  private final List<StatelessCache> open = new ArrayList<>();

  /** What the listener heard, in order: {@code key:k}, {@code pattern:p}, {@code all}. */
  private final ConcurrentLinkedQueue<String> heard = new ConcurrentLinkedQueue<>();

  @AfterEach
  void close() {
    open.forEach(StatelessCache::close);
  }

  private StatelessCache observed(StatelessCache cache) {
    open.add(cache);
    KeyChanges.observe(
        cache,
        new KeyChangeListener() {
          @Override
          public void keyChanged(String key) {
            heard.add("key:" + key);
          }

          @Override
          public void patternChanged(String pattern) {
            heard.add("pattern:" + pattern);
          }

          @Override
          public void everythingChanged() {
            heard.add("all");
          }
        });
    return cache;
  }

  private long times(String event) {
    return heard.stream().filter(event::equals).count();
  }

  @Test
  void writesDeletesIncrementsAndExpiries_reachTheListener_afterTheyAreVisible() {
    StatelessCache cache = StatelessCache.builder().manifest(Manifest.empty()).build();
    List<Object> seen = new ArrayList<>();
    open.add(cache);
    // The listener reads the key back: the change must be visible when it is told.
    KeyChanges.observe(
        cache,
        new KeyChangeListener() {
          @Override
          public void keyChanged(String key) {
            heard.add("key:" + key);
            seen.add(String.valueOf(cache.sync().get(key)));
          }

          @Override
          public void patternChanged(String pattern) {}

          @Override
          public void everythingChanged() {}
        });
    cache.sync().set("k", "v1");
    cache.sync().set("k", "v2");
    cache.sync().increment("n", 5);
    cache.sync().del("k");
    assertThat(heard).containsExactly("key:k", "key:k", "key:n", "key:k");
    assertThat(seen).containsExactly("v1", "v2", "5", "null");
  }

  @Test
  void viewsAndSetOptions_areObservedToo() {
    StatelessCache cache = observed(StatelessCache.builder().manifest(TestManifest.class).build());
    cache.component("users").sync().set("user:1", "Ada", SetOptions.ttl(Duration.ofMinutes(1)));
    cache.sync().expire("user:1", Duration.ofMinutes(2));
    cache.sync().atomicBatch(tx -> tx.set("plain:1", "x"));
    assertThat(heard).contains("key:user:1", "key:plain:1");
    assertThat(times("key:user:1")).isEqualTo(2);
  }

  @Test
  void expiryOfAPrimaryEntry_isAChange() {
    ManualClock clock = new ManualClock();
    StatelessCache cache =
        observed(StatelessCache.builder().manifest(Manifest.empty()).clock(clock).build());
    cache.sync().set("k", "v", SetOptions.ttl(Duration.ofSeconds(10)));
    assertThat(heard).containsExactly("key:k");
    clock.advance(Duration.ofSeconds(11));
    assertThat(cache.sync().get("k")).isNull(); // the read finds it expired and removes it
    assertThat(heard).containsExactly("key:k", "key:k");
  }

  @Test
  void evictionOfPrimaryEntries_underMaxSize_isAChange() {
    StatelessCache cache = observed(StatelessCache.builder().manifest(TestManifest.class).build());
    String value = "x".repeat(100);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 50; i++) { // 50 values of 100 bytes in a 1KB region: most are evicted
      String key = "product:" + i;
      keys.add(key);
      cache.sync().set(key, value);
    }
    List<String> gone = new ArrayList<>();
    for (String key : keys) {
      if (cache.sync().get(key) == null) {
        gone.add(key);
      }
    }
    assertThat(gone).isNotEmpty();
    for (String key : gone) {
      assertThat(times("key:" + key)).as(key + ": its write, then its eviction").isEqualTo(2);
    }
  }

  @Test
  void patternInvalidationsAndDependents_arePatternChanges() {
    StatelessCache cache = observed(StatelessCache.builder().manifest(TestManifest.class).build());
    cache.sync().invalidatePattern("plain:*");
    assertThat(heard).containsExactly("pattern:plain:*");
    heard.clear();
    cache.sync().set("user:1", "Ada"); // users @Invalidates("profile:*")
    assertThat(heard).containsExactly("key:user:1", "pattern:profile:*");
  }

  @Test
  void eventsFromOtherNodes_areChanges_andLostEventsAreEverything() {
    StatelessCache cache = observed(StatelessCache.builder().manifest(TestManifest.class).build());
    cache.engine().invalidations().onKey("users", "user:7");
    cache.engine().invalidations().onPattern("users", "user:{id}");
    cache.engine().invalidations().onPattern("users", "user:*:posts");
    cache.engine().invalidations().onLost("users", 3);
    assertThat(heard).containsExactly("key:user:7", "pattern:user:{id}", "all", "all");
  }

  @Test
  void theAccessorIsSetOnce() {
    Function<StatelessCache, dev.stateless.internal.Engine> other = c -> c.engine();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> KeyChanges.engines(other))
        .isInstanceOf(IllegalStateException.class);
  }
}
