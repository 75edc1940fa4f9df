package dev.stateless.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The generation fence under a real race, with no staging: a fill whose token predates a drop races
 * the drop, round after round, and the dropping thread looks at the region the moment the drop
 * returns. Whatever the interleaving, it must never see the fill's (old) entry: a caller whose
 * write has returned reads no value older than it, not even for the instant before the fill takes
 * its copy back.
 */
class CopiesRaceTest {
  private static final int ROUNDS = 200_000;

  private static final Entry.Source LIVE =
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

  private static final PendingWrites NONE =
      new PendingWrites() {
        @Override
        public boolean any() {
          return false;
        }

        @Override
        public boolean pending(String key) {
          return false;
        }
      };

  @Test
  void aFillRacingADrop_isNeverSeenOnceTheDropReturns_unbounded() throws Exception {
    race(Region::unbounded);
  }

  @Test
  void aFillRacingADrop_isNeverSeenOnceTheDropReturns_bounded() throws Exception {
    race(t -> Region.bounded(t, 1 << 20));
  }

  private static void race(Function<Ticker, Region> regions) throws Exception {
    Ticker ticker = System::nanoTime;
    Region region = regions.apply(ticker);
    Generations generations = new Generations();
    Copies copies = new Copies(generations, new Metrics(false), NONE, 0);
    String key = "user:1";
    CyclicBarrier start = new CyclicBarrier(2);
    AtomicReference<Entry> stale = new AtomicReference<>();
    AtomicInteger seen = new AtomicInteger();
    AtomicInteger installed = new AtomicInteger();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    long[] tokens = new long[ROUNDS];
    Entry[] fills = new Entry[ROUNDS];
    for (int i = 0; i < ROUNDS; i++) {
      fills[i] = new Entry("old-" + i, 10, Long.MAX_VALUE, LIVE, true);
    }
    Thread filler =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < ROUNDS; i++) {
                  start.await();
                  if (copies.install(region, key, fills[i], tokens[i])) {
                    installed.incrementAndGet();
                  }
                }
              } catch (Exception e) {
                failed.set(e);
              }
            },
            "filler");
    filler.start();
    for (int i = 0; i < ROUNDS; i++) {
      // The fill read its value under this token; the drop below is of a later write.
      tokens[i] = generations.token(key);
      start.await();
      generations.dropping(key, () -> region.invalidate(key));
      Entry e = region.get(key);
      if (e == fills[i]) {
        seen.incrementAndGet();
        stale.compareAndSet(null, e);
      }
      // Whatever the fill did, the next round starts with no copy (as if dropped by a later write).
      generations.dropping(key, () -> region.invalidate(key));
    }
    filler.join();
    assertThat(failed.get()).isNull();
    assertThat(seen.get())
        .as(
            "rounds (of %d, %d fills kept before the drop) in which the old copy was visible after"
                + " the drop returned; first: %s",
            ROUNDS, installed.get(), stale.get() == null ? null : stale.get().value)
        .isZero();
  }
}
