package dev.stateless;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.annotation.CacheLayer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Fills that race writes in one process, every layer in-process: no copy may disagree with its
 * owner. The races against Redis and invalidation events are in {@link FillRaceIT}.
 */
class InProcessFillRaceTest {
  private final List<StatelessCache> open = new ArrayList<>();

  @AfterEach
  void closeAll() {
    open.forEach(StatelessCache::close);
  }

  @Test
  void inProcessThreads_leaveNoCopyThatDisagreesWithTheOwner() throws Exception {
    long seed = Long.getLong("stateless.seed", System.nanoTime());
    Random random = new Random(seed);
    StatelessCache cache = StatelessCache.builder().manifest(TestManifest.class).build();
    open.add(cache);
    SyncCache s = cache.sync();
    int keys = 4;
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      long threadSeed = random.nextLong();
      Thread thread =
          new Thread(
              () -> {
                Random r = new Random(threadSeed);
                for (int i = 0; i < 20_000; i++) {
                  String key = "user:" + r.nextInt(keys);
                  switch (r.nextInt(4)) {
                    case 0:
                      s.set(key, "v" + r.nextInt(1000));
                      break;
                    case 1:
                      s.del(key);
                      break;
                    default:
                      s.get(key);
                  }
                }
              });
      threads.add(thread);
      thread.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    for (int k = 0; k < keys; k++) {
      String key = "user:" + k;
      Object owner = s.layer(CacheLayer.SERVER).get(key);
      for (CacheLayer copy : List.of(CacheLayer.CLIENT, CacheLayer.EDGE)) {
        Object held = s.layer(copy).get(key);
        if (held != null) {
          assertThat(held).as("%s copy of %s, seed %s", copy, key, seed).isEqualTo(owner);
        }
      }
    }
  }

  /** A clock that runs an action, once, the next time anyone reads it. */
  static final class TrapClock extends java.time.Clock {
    final java.util.concurrent.atomic.AtomicReference<Runnable> trap =
        new java.util.concurrent.atomic.AtomicReference<>();

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public java.time.Instant instant() {
      Runnable r = trap.getAndSet(null);
      if (r != null) {
        r.run();
      }
      return java.time.Instant.EPOCH;
    }
  }

  @Test
  void inProcessFill_racingAWrite_doesNotInstallTheOlderValue() {
    TrapClock clock = new TrapClock();
    StatelessCache cache =
        StatelessCache.builder().manifest(TestManifest.class).clock(clock).build();
    open.add(cache);
    SyncCache s = cache.sync();
    // With a TTL, so the read looks at the entry's expiry (a clock read; an entry that never
    // expires is read without one).
    s.set("user:1", "old", SetOptions.ttl(java.time.Duration.ofHours(1)));
    // The read finds "old" in the owner's layer; while it looks at the entry's expiry (a clock
    // read), the owner writes "new". The read may answer "old", but must not leave it as a copy.
    clock.trap.set(() -> s.set("user:1", "new"));
    assertThat(s.get("user:1")).isIn("old", "new");
    assertThat(clock.trap.get()).as("the write ran inside the read").isNull();
    assertThat(s.layer(CacheLayer.CLIENT).get("user:1")).isNotEqualTo("old");
    assertThat(s.layer(CacheLayer.EDGE).get("user:1")).isNotEqualTo("old");
    assertThat(s.get("user:1")).isEqualTo("new");
  }

  @Test
  void byteArrays_readBack_cannotBeChangedByTheCaller() {
    SyncCache s = StatelessCache.builder().manifest(TestManifest.class).build().sync();
    s.set("local:bytes", new byte[] {1, 2, 3});
    byte[] first = (byte[]) s.get("local:bytes");
    first[0] = 9;
    assertThat((byte[]) s.get("local:bytes")).containsExactly(1, 2, 3);
    s.async().close();
  }
}
