package dev.stateless.bench;

import com.github.benmanes.caffeine.cache.Cache;
import dev.stateless.BenchAccess;
import dev.stateless.StatelessCache;
import dev.stateless.SyncCache;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.core.Component;
import dev.stateless.core.Manifest;
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
 * A {@code get} hit in the client layer through the manifest-checked {@link SyncCache}, next to the
 * same Caffeine cache called directly. Keys are precomputed; the measured loop does not allocate.
 *
 * <pre>
 * java -jar stateless-bench/target/benchmarks.jar ClientGetBenchmark -t 1
 * java -jar stateless-bench/target/benchmarks.jar ClientGetBenchmark -t 2
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ClientGetBenchmark {
  private static final int KEYS = 1 << 12;
  private static final int MASK = KEYS - 1;

  /** The two ways of reading the same entry. */
  public enum Impl {
    CAFFEINE_DIRECT,
    STATELESS_SYNC,
    /** With a Micrometer registry bound, so every hit is counted per layer. */
    STATELESS_SYNC_METERED
  }

  /** One reader interface, so both cases run the same loop. */
  interface Reader {
    /** The value, or null on a miss. */
    @Nullable Object get(String key);
  }

  /** The cache, its keys and the reader under test. */
  @State(Scope.Benchmark)
  public static class Shared {
    @Param Impl impl;

    StatelessCache cache;
    String[] keys;
    Reader reader;

    @Setup(Level.Trial)
    public void setUp() {
      Manifest manifest =
          Manifest.builder("Bench")
              .component(
                  Component.builder("local").owns("local:*").layer(CacheLayer.CLIENT).build())
              .component(Component.builder("users").owns("user:*").build())
              .component(
                  Component.builder("products").owns("product:*").layer(CacheLayer.EDGE).build())
              .build();
      StatelessCache.Builder b = StatelessCache.builder().manifest(manifest);
      if (impl == Impl.STATELESS_SYNC_METERED) {
        b.meterRegistry(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
      }
      cache = b.build();
      keys = new String[KEYS];
      for (int i = 0; i < KEYS; i++) {
        keys[i] = "local:" + i;
        cache.sync().set(keys[i], "value-" + i);
      }
      if (impl == Impl.CAFFEINE_DIRECT) {
        Cache<String, ?> region = BenchAccess.region(cache, CacheLayer.CLIENT, keys[0]);
        reader = region::getIfPresent;
      } else {
        SyncCache sync = cache.sync();
        reader = sync::get;
      }
      for (String k : keys) {
        if (reader.get(k) == null) {
          throw new IllegalStateException("not a hit: " + k);
        }
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      cache.close();
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
