package dev.stateless;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.annotation.CacheLayer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, defect 1, staged deterministically: an owner write drops a key's copies layer by layer
 * (the client's, then the edge's); a read that falls between the two must not copy the edge's old
 * value into the client, where it would stay after the write returned.
 *
 * <p>The pause between the two layers needs no hook in the engine: the edge store here is bounded
 * (a Caffeine cache with a size limit and expiry), and Caffeine reads the cache's clock while it
 * removes an entry, before the entry leaves its map. The clock below runs the racing read at that
 * moment, on another thread, and waits for it: the client's copy is gone, the edge's still there.
 */
class DropRaceTest {
  /** A clock that runs an action once, on the first read made from inside a drop of copies. */
  static final class DropTrapClock extends Clock {
    final AtomicReference<Runnable> trap = new AtomicReference<>();

    /** The engine method whose clock reads spring the trap (by its frames' names). */
    final String inside;

    DropTrapClock(String inside) {
      this.inside = inside;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      if (trap.get() != null && insideDrop(inside)) {
        Runnable r = trap.getAndSet(null);
        if (r != null) {
          r.run();
        }
      }
      return Instant.EPOCH;
    }

    private static boolean insideDrop(String classAndMethod) {
      int dot = classAndMethod.lastIndexOf('.');
      String type = classAndMethod.substring(0, dot);
      String method = classAndMethod.substring(dot + 1);
      return StackWalker.getInstance()
          .walk(
              frames ->
                  frames.anyMatch(
                      f ->
                          f.getClassName().equals(type)
                              && (f.getMethodName().equals(method)
                                  || f.getMethodName().startsWith("lambda$" + method + "$"))));
    }
  }

  /**
   * Builds a cache whose edge is bounded, gives {@code user:1} the value "old" with copies in the
   * client and the edge, arms the trap to run a read of it on another thread (waiting for it), runs
   * {@code drop}, and returns what the racing read answered and what is left.
   */
  private static Race raceAReadWith(String dropMethod, Consumer<SyncCache> drop) throws Exception {
    DropTrapClock clock = new DropTrapClock(dropMethod);
    try (StatelessCache cache =
        StatelessCache.builder()
            .manifest(TestManifest.class) // user:* is SERVER's, @Backfill: copies in both layers
            .edge(Stores.inProcess("64MB"))
            .clock(clock)
            .build()) {
      SyncCache s = cache.sync();
      s.set(KEY, "old");
      assertThat(s.get(KEY)).isEqualTo("old");
      assertThat(s.layer(CacheLayer.CLIENT).get(KEY)).isEqualTo("old");
      assertThat(s.layer(CacheLayer.EDGE).get(KEY)).isEqualTo("old");
      AtomicReference<Object> racingRead = new AtomicReference<>();
      clock.trap.set(
          () -> {
            Thread reader = new Thread(() -> racingRead.set(s.get(KEY)));
            reader.start();
            try {
              reader.join(10_000);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });

      drop.accept(s);

      assertThat(clock.trap.get()).as("the read ran between the layers' drops").isNull();
      return new Race(racingRead.get(), s.layer(CacheLayer.CLIENT).get(KEY), s.get(KEY));
    }
  }

  private static final String KEY = "user:1";

  /** What the racing read answered, the client's copy after the drop, and a read after it. */
  private record Race(
      @Nullable Object racingRead, @Nullable Object clientCopy, @Nullable Object readAfter) {}

  @Test
  void aReadBetweenTheClientAndEdgeDrops_leavesNoOldCopyInTheClient() throws Exception {
    Race race = raceAReadWith("dev.stateless.internal.Copies.drop", s -> s.set(KEY, "new"));

    assertThat(race.racingRead()).as("what the racing read answered").isIn("old", "new");
    assertThat(race.clientCopy()).as("client copy").isNotEqualTo("old");
    assertThat(race.readAfter()).isEqualTo("new");
  }

  @Test
  void aReadBetweenTheLayersOfAPatternInvalidation_leavesNoOldCopyInTheClient() throws Exception {
    Race race =
        raceAReadWith(
            "dev.stateless.internal.Invalidations.one", s -> s.invalidatePattern("user:*"));

    assertThat(race.racingRead()).as("what the racing read answered").isIn("old", null);
    assertThat(race.clientCopy()).as("client copy").isNull();
    assertThat(race.readAfter()).isNull();
  }
}
