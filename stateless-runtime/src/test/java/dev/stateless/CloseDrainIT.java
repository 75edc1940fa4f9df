package dev.stateless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.stateless.core.StatelessException;
import dev.stateless.testing.Await;
import dev.stateless.testing.RedisServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: {@code close()} drains the acknowledged {@code CLIENT_FIRST} writes still queued
 * ({@code hot:*} in {@link TestManifest}) within {@link StatelessCache.Builder#closeTimeout}; what
 * it cannot drain stays in the queue file, or, with the queue in memory, is reported (logged and
 * thrown, with the count), never dropped silently.
 */
class CloseDrainIT {
  @RegisterExtension static final RedisServerExtension redis = new RedisServerExtension();

  private static final Duration GUARD = Duration.ofMinutes(2); // against a hang, not a timing

  @TempDir Path dir;

  private final List<StatelessCache> open = new ArrayList<>();
  private final List<LogRecord> errors = new CopyOnWriteArrayList<>();
  private final List<LogRecord> warnings = new CopyOnWriteArrayList<>();
  private final Logger offlineLog = Logger.getLogger("dev.stateless.internal.OfflineWrites");
  private final Handler errorCapture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
            errors.add(record);
          } else if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
            warnings.add(record);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void clean() {
    redis.flushAll();
    offlineLog.addHandler(errorCapture);
  }

  @AfterEach
  void closeAll() {
    offlineLog.removeHandler(errorCapture);
    if (redis.isPaused()) {
      redis.resume();
    }
    for (StatelessCache c : open) {
      try {
        c.close();
      } catch (StatelessException e) {
        // a test's cache that reported its lost writes already; closing again is a no-op
      }
    }
  }

  private static StatelessCache.Builder builder() {
    return StatelessCache.builder()
        .manifest(TestManifest.class)
        .server(Stores.redis(redis.uri() + "?timeout=5s"));
  }

  private StatelessCache node(StatelessCache.Builder b) {
    StatelessCache c = b.build();
    open.add(c);
    return c;
  }

  /**
   * Makes {@code n} CLIENT_FIRST sets of {@code keys} distinct keys; returns once all are acked.
   */
  private static void write(StatelessCache c, String prefix, int n, int keys) throws Exception {
    List<CompletableFuture<Boolean>> acks = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      acks.add(c.set(prefix + (i % keys), "v" + i));
    }
    for (CompletableFuture<Boolean> ack : acks) {
      assertThat(ack.get(GUARD.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }
  }

  /** How many of the keys exist in Redis (existence only: the value's encoding is not ours). */
  private static long existing(String prefix, int keys) {
    long found = 0;
    for (int from = 0; from < keys; from += 1000) {
      List<String> args = new ArrayList<>(List.of("EXISTS"));
      for (int i = from; i < Math.min(keys, from + 1000); i++) {
        args.add(prefix + i);
      }
      found += Long.parseLong(redis.command(args.toArray(String[]::new)));
    }
    return found;
  }

  /** Each key's last value as read back by a cache with nothing queued (so from Redis). */
  private static void assertValuesInRedis(StatelessCache reader, String prefix, int n, int keys)
      throws Exception {
    List<CompletableFuture<Object>> reads = new ArrayList<>(keys);
    for (int k = 0; k < keys; k++) {
      reads.add(reader.get(prefix + k));
    }
    for (int k = 0; k < keys; k++) {
      int last = n - keys + k;
      assertThat(reads.get(k).get(GUARD.toMillis(), TimeUnit.MILLISECONDS))
          .as(prefix + k)
          .isEqualTo("v" + last);
    }
  }

  @Test
  void close_withTenThousandPendingWritesAndRedisUp_drainsThemAllToRedis() throws Exception {
    int n = 10_000;
    StatelessCache a = node(builder().closeTimeout(Duration.ofSeconds(60)));
    redis.pause(); // the writes pile up: the drainer's records go unanswered
    write(a, "hot:close:", n, n);
    assertThat(a.pendingWrites()).isEqualTo(n);

    // Redis comes back only once close() has begun, so every write is still pending when it does.
    CompletableFuture<Void> resumed =
        CompletableFuture.runAsync(
            () -> {
              Await.until("close() begun", GUARD, () -> a.engine().lifecycle().isClosed());
              redis.resume();
            });
    a.close();
    resumed.get(GUARD.toMillis(), TimeUnit.MILLISECONDS);

    assertThat(a.pendingWrites()).isZero();
    assertThat(existing("hot:close:", n)).isEqualTo(n);
    assertValuesInRedis(node(builder()), "hot:close:", n, n);
    assertThat(errors).isEmpty();
  }

  @Test
  void close_redisDownWithoutQueueFile_throwsSL100CountingTheLostWrites() throws Exception {
    StatelessCache a = node(builder().closeTimeout(Duration.ofMillis(300)));
    redis.stop();
    write(a, "hot:lost:", 1000, 150);

    CacheNetworkException lost = catchThrowableOfType(CacheNetworkException.class, a::close);

    assertThat(lost).as("close() reports the lost writes").isNotNull();
    assertThat(lost.code()).isEqualTo("SL100");
    assertThat(lost.unsavedWrites()).isEqualTo(1000);
    assertThat(lost.getMessage())
        .contains("1000 acknowledged CLIENT_FIRST writes were not saved")
        .contains("\"hot:lost:0\", \"hot:lost:1\"")
        .contains("\"hot:lost:9\" and 140 more")
        .doesNotContain("\"hot:lost:10\"");
    assertThat(lost.help()).contains("offlineQueue(").contains("closeTimeout(");
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0).getMessage()).isEqualTo(lost.getMessage());
    // everything else was closed all the same; a second close() has nothing left to report
    assertThat(a.set("hot:after", "x"))
        .failsWithin(GUARD)
        .withThrowableThat()
        .havingCause()
        .isInstanceOfSatisfying(
            StatelessException.class, e -> assertThat(e.code()).isEqualTo("SL105"));
    a.close();
  }

  @Test
  void close_boundReachedWithoutQueueFile_throwsSL101CountingTheLostWrites() throws Exception {
    StatelessCache a = node(builder().closeTimeout(Duration.ofMillis(300)));
    redis.pause();
    write(a, "hot:slow:", 700, 700);

    CacheTimeoutException lost = catchThrowableOfType(CacheTimeoutException.class, a::close);

    assertThat(lost).as("close() reports the lost writes").isNotNull();
    assertThat(lost.code()).isEqualTo("SL101");
    assertThat(lost.unsavedWrites()).isEqualTo(700);
    assertThat(lost.getMessage()).contains("700 acknowledged").contains("and 690 more");
    assertThat(errors).hasSize(1);
  }

  @Test
  void close_boundReachedWithQueueFile_keepsWritesForTheNextCache() throws Exception {
    Path queue = dir.resolve("queue.mv");
    int n = 2000; // more than the drainer's window: some are not even sent before the close
    StatelessCache a = node(builder().offlineQueue(queue).closeTimeout(Duration.ofMillis(300)));
    redis.pause();
    write(a, "hot:kept:", n, n);
    assertThat(a.pendingWrites()).isEqualTo(n);

    a.close(); // kept in the file: nothing lost, nothing thrown
    redis.resume();
    assertThat(errors).isEmpty();
    assertThat(warnings)
        .anySatisfy(
            w ->
                assertThat(w.getMessage())
                    .contains("were not drained")
                    .contains("they stay in the file"));
    assertThat(existing("hot:kept:", n)).isLessThan(n); // left for the next cache

    StatelessCache b = node(builder().offlineQueue(queue));
    b.flush().get(GUARD.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(b.pendingWrites()).isZero();
    assertThat(existing("hot:kept:", n)).isEqualTo(n);
    assertValuesInRedis(node(builder()), "hot:kept:", n, n);
  }

  @Test
  void close_withZeroTimeout_doesNotWaitAndReportsWhatIsLeft() throws Exception {
    StatelessCache a = node(builder().closeTimeout(Duration.ZERO));
    redis.pause();
    write(a, "hot:zero:", 50, 5);

    CacheTimeoutException lost = catchThrowableOfType(CacheTimeoutException.class, a::close);

    assertThat(lost).isNotNull();
    assertThat(lost.unsavedWrites()).isEqualTo(50);
    assertThat(lost.getMessage())
        .contains("within 0 ms")
        .contains(
            "keys: \"hot:zero:0\", \"hot:zero:1\", \"hot:zero:2\", \"hot:zero:3\", \"hot:zero:4\"\n")
        .doesNotContain(" more");
  }

  @Test
  void closeTimeout_negative_isRefusedWithSL012() {
    assertThatThrownBy(() -> StatelessCache.builder().closeTimeout(Duration.ofMillis(-1)))
        .isInstanceOfSatisfying(
            StatelessException.class,
            e -> {
              assertThat(e.code()).isEqualTo("SL012");
              assertThat(e.getMessage()).contains("closeTimeout").contains("PT-0.001S");
            });
    assertThatThrownBy(() -> StatelessCache.builder().closeTimeout(null))
        .isInstanceOf(NullPointerException.class);
    assertThat(StatelessCache.builder().closeTimeout(Duration.ZERO)).isNotNull();
  }
}
