package dev.stateless.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The unbounded region: no Caffeine policy, TTLs as deadlines checked on read, plus timers. */
class RegionTest {
  private static final Entry.Source OWNER =
      new Entry.Source() {
        @Override
        public String ownerName() {
          return "users";
        }

        @Override
        public boolean primaryLive() {
          return true;
        }
      };

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final Ticker ticker = now::get;

  private static Entry entry(Object value, long ttlNanos) {
    return new Entry(value, 10, Entry.ttlFor(ttlNanos), OWNER, false);
  }

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void unbounded_entryWithTtl_isGoneOnceItsDeadlinePasses() {
    Region r = Region.unbounded(ticker);
    r.put("user:1", entry("a", TimeUnit.SECONDS.toNanos(10)));
    advance(Duration.ofSeconds(9));
    assertThat(r.get("user:1")).isNotNull();
    assertThat(r.remainingNanos("user:1")).hasValue(TimeUnit.SECONDS.toNanos(1));
    advance(Duration.ofSeconds(1));
    assertThat(r.get("user:1")).isNull();
    assertThat(r.remainingNanos("user:1")).isEmpty();
    assertThat(r.estimatedSize()).isZero();
  }

  @Test
  void unbounded_entryWithoutTtl_neverExpires() {
    Region r = Region.unbounded(ticker);
    r.put("user:1", entry("a", 0));
    advance(Duration.ofDays(365 * 200));
    assertThat(r.get("user:1").value).isEqualTo("a");
    assertThat(r.remainingOrForever("user:1")).isGreaterThanOrEqualTo(Region.FOREVER);
  }

  @Test
  void unbounded_computeSeesAnExpiredEntryAsAbsent() {
    Region r = Region.unbounded(ticker);
    Entry old = entry("old", TimeUnit.SECONDS.toNanos(1));
    r.put("user:1", old);
    advance(Duration.ofSeconds(2));
    Entry fresh = entry("new", 0);
    assertThat(r.putIfAbsent("user:1", fresh)).isNull();
    assertThat(r.get("user:1")).isSameAs(fresh);
    assertThat(r.replace("user:1", old, entry("x", 0))).isFalse();
    assertThat(r.compute("user:1", (k, cur) -> cur)).isSameAs(fresh);
  }

  @Test
  void unbounded_expireKeepsTheSameEntry_withItsNewDeadline() {
    Region r = Region.unbounded(ticker);
    Entry e = entry("a", 0);
    r.put("user:1", e);
    assertThat(r.expire("user:1", TimeUnit.SECONDS.toNanos(5))).isTrue();
    assertThat(r.get("user:1")).isSameAs(e); // a fill's remove(key, e) still finds it
    advance(Duration.ofSeconds(5));
    assertThat(r.get("user:1")).isNull();
    assertThat(r.expire("user:1", 1)).isFalse();
  }

  @Test
  void unbounded_anExpiredEntryNobodyReads_isRemovedByItsTimer() throws InterruptedException {
    Region r = Region.unbounded(Ticker.systemTicker());
    r.put("user:1", entry("a", TimeUnit.MILLISECONDS.toNanos(50)));
    r.put("user:2", entry("b", 0));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (r.rawSize() > 1 && System.nanoTime() < deadline) {
      Thread.sleep(20); // the timer runs on Caffeine's scheduler: real time, polled
    }
    assertThat(r.rawSize()).isEqualTo(1);
  }

  @Test
  void unbounded_anEntryThatLeaves_takesItsTimerWithIt() {
    Region r = Region.unbounded(ticker);
    long hour = TimeUnit.HOURS.toNanos(1);
    r.put("user:1", entry("a", hour));
    r.put("user:2", entry("b", hour));
    r.put("user:3", entry("c", hour));
    Entry four = entry("d", hour);
    r.put("user:4", four);
    assertThat(r.timerCount()).isEqualTo(4);
    r.remove("user:1");
    r.invalidate("user:2");
    r.put("user:3", entry("c2", 0)); // replaced by an entry that never expires
    r.remove("user:4", four);
    assertThat(r.timerCount()).isZero();
    assertThat(r.rawSize()).isEqualTo(1);
  }

  @Test
  void unbounded_theSameEntryPutBackAfterItExpired_staysForItsNewTtl() {
    Region r = Region.unbounded(ticker);
    Entry e = entry("a", TimeUnit.SECONDS.toNanos(1));
    r.put("user:1", e);
    advance(Duration.ofSeconds(2));
    r.put("user:1", e); // a write's own copy put back: a new deadline
    assertThat(r.timerCount()).isEqualTo(1); // runs the timers' maintenance
    assertThat(r.get("user:1")).isSameAs(e);
    advance(Duration.ofSeconds(1));
    assertThat(r.get("user:1")).isNull();
  }

  @Test
  void unbounded_keepingAnEntryInACompute_restartsItsTtl_asABoundedRegionDoes() {
    for (Region r : new Region[] {Region.unbounded(ticker), Region.bounded(ticker, 1 << 20)}) {
      Entry e = entry("a", TimeUnit.SECONDS.toNanos(10));
      r.put("user:1", e);
      advance(Duration.ofSeconds(8));
      r.computeIfPresent("user:1", (k, cur) -> cur);
      assertThat(r.remainingNanos("user:1")).hasValue(TimeUnit.SECONDS.toNanos(10));
    }
  }

  @Test
  void unbounded_removeMatching_countsOnlyLiveEntries() {
    Region r = Region.unbounded(ticker);
    r.put("user:1", entry("a", TimeUnit.SECONDS.toNanos(1)));
    r.put("user:2", entry("b", 0));
    advance(Duration.ofSeconds(2));
    assertThat(r.removeMatching(dev.stateless.core.KeyPattern.parse("user:*"), null)).isEqualTo(1);
    assertThat(r.rawSize()).isZero();
  }

  @Test
  void bounded_evictsPastItsWeight() {
    Region r = Region.bounded(ticker, 100);
    for (int i = 0; i < 50; i++) {
      r.put("user:" + i, entry("v", 0));
    }
    assertThat(r.estimatedSize()).isLessThanOrEqualTo(10);
  }
}
