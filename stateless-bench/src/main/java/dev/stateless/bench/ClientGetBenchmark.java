package dev.stateless.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.stateless.StatelessCache;
import dev.stateless.SyncCache;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.core.Component;
import dev.stateless.core.Manifest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A {@code get} hit in the client layer through the manifest-checked {@link SyncCache}, next to
 * Caffeine caches of the bench's own that hold the same keys and values. Only public API: the SDK
 * rows build a {@link StatelessCache} from a {@link Manifest}, the Caffeine rows build their own
 * cache, one with no policy at all and one with a variable expiry whose entries never expire (the
 * kind of cache the SDK keeps in process today). Keys are precomputed, every key is checked to be a
 * hit before measuring, and the measured loop does not allocate.
 *
 * <pre>
 * mvn -B -q install -DskipTests
 * java -jar stateless-bench/target/benchmarks.jar ClientGetBenchmark -t 1
 * java -jar stateless-bench/target/benchmarks.jar ClientGetBenchmark -t 2
 * java -jar stateless-bench/target/benchmarks.jar ClientGetBenchmark -p impl=STATELESS_SYNC_TTL
 * </pre>
 *
 * <p>{@code stateless-bench/client-get.sh} builds another revision ({@code BEFORE}, by default
 * {@code 4bbce5e}) next to this checkout and runs both jars' rows alternately, printing each row
 * and the ratios of the SDK to raw Caffeine.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ClientGetBenchmark {
  private static final int KEYS = 1 << 12;
  private static final int MASK = KEYS - 1;

  /** The ways of reading the same entries. */
  public enum Impl {
    /** {@code Caffeine.newBuilder().build()}: no expiry, no bound, no executor. */
    CAFFEINE_PLAIN,
    /** A Caffeine with a variable expiry that never expires an entry, run on the caller. */
    CAFFEINE_EXPIRING,
    /** The SDK: a client-layer component with no TTL and no size limit. */
    STATELESS_SYNC,
    /** The SDK: a client-layer component with a TTL (longer than any run). */
    STATELESS_SYNC_TTL,
    /** As {@link #STATELESS_SYNC}, with a Micrometer registry bound: every hit is counted. */
    STATELESS_SYNC_METERED
  }

  /** One reader interface, so every case runs the same loop. */
  interface Reader {
    /** The value, or null on a miss. */
    @Nullable Object get(String key);
  }

  /** Never expires an entry, but makes Caffeine keep a timer wheel, as a TTL-capable cache does. */
  static final class NeverExpire implements Expiry<String, String> {
    @Override
    public long expireAfterCreate(String key, String value, long currentTime) {
      return Long.MAX_VALUE;
    }

    @Override
    public long expireAfterUpdate(
        String key, String value, long currentTime, long currentDuration) {
      return Long.MAX_VALUE;
    }

    @Override
    public long expireAfterRead(String key, String value, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }

  /** The cache, its keys and the reader under test. */
  @State(Scope.Benchmark)
  public static class Shared {
    @Param Impl impl;

    /** Only for the SDK's rows. */
    @Nullable StatelessCache cache;

    String[] keys;
    Reader reader;

    @Setup(Level.Trial)
    public void setUp() {
      String prefix = impl == Impl.STATELESS_SYNC_TTL ? "timed:" : "local:";
      keys = new String[KEYS];
      String[] values = new String[KEYS];
      for (int i = 0; i < KEYS; i++) {
        keys[i] = prefix + i;
        values[i] = "value-" + i;
      }
      reader =
          switch (impl) {
            case CAFFEINE_PLAIN -> caffeine(Caffeine.newBuilder().build(), values);
            case CAFFEINE_EXPIRING ->
                caffeine(
                    Caffeine.newBuilder()
                        .expireAfter(new NeverExpire())
                        .executor(Runnable::run)
                        .build(),
                    values);
            default -> stateless(values);
          };
      for (String k : keys) {
        if (reader.get(k) == null) {
          throw new IllegalStateException(impl + ": not a hit: " + k);
        }
      }
    }

    private Reader caffeine(Cache<String, String> c, String[] values) {
      for (int i = 0; i < KEYS; i++) {
        c.put(keys[i], values[i]);
      }
      return c::getIfPresent;
    }

    private Reader stateless(String[] values) {
      Manifest manifest =
          Manifest.builder("Bench")
              .component(
                  Component.builder("local").owns("local:*").layer(CacheLayer.CLIENT).build())
              .component(
                  Component.builder("timed")
                      .owns("timed:*")
                      .layer(CacheLayer.CLIENT)
                      .ttl("1h")
                      .build())
              .component(Component.builder("users").owns("user:*").build())
              .component(
                  Component.builder("products").owns("product:*").layer(CacheLayer.EDGE).build())
              .build();
      StatelessCache.Builder b = StatelessCache.builder().manifest(manifest);
      if (impl == Impl.STATELESS_SYNC_METERED) {
        b.meterRegistry(new SimpleMeterRegistry());
      }
      cache = b.build();
      SyncCache sync = cache.sync();
      for (int i = 0; i < KEYS; i++) {
        if (!sync.set(keys[i], values[i])) {
          throw new IllegalStateException(impl + ": set failed: " + keys[i]);
        }
      }
      return sync::get;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      if (cache != null) {
        cache.close();
      }
    }
  }

  /** Each thread walks the keys from its own start. */
  @State(Scope.Thread)
  public static class Cursor {
    int next = (int) (Thread.currentThread().getId() * 0x9E3779B9L);
  }

  @Benchmark
  public @Nullable Object get(Shared s, Cursor c) {
    return s.reader.get(s.keys[c.next++ & MASK]);
  }
}
