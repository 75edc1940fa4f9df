package dev.stateless.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.stateless.StatelessCache;
import dev.stateless.SyncCache;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.core.Component;
import dev.stateless.core.Manifest;
import io.micrometer.core.instrument.config.MeterFilter;
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
 * hit before measuring, and the measured loop does not allocate, except where store-by-value must:
 *
 * <p>The value rows measure what store-by-value costs a hit (docs/values.md): the SDK rows read
 * components with {@code @ValueType} ({@link Component.Builder#valueType}) of an immutable record,
 * {@link Item}, which the client layer keeps as it is, and of a mutable POJO, {@link MutableItem},
 * which it keeps encoded (JSON) and decodes into a new object for every read; the Caffeine rows
 * return the same objects from {@code getIfPresent}. The String rows are {@link
 * Impl#CAFFEINE_PLAIN} and {@link Impl#STATELESS_SYNC}.
 *
 * <pre>
 * mvn -B -q install -DskipTests
 * mvn -B -q -pl stateless-bench -am package -DskipTests   # the same jar, nothing installed
 * java -jar stateless-bench/target/benchmarks.jar ClientGetBenchmark -t 1
 * java -jar stateless-bench/target/benchmarks.jar ClientGetBenchmark -t 2
 * java -jar stateless-bench/target/benchmarks.jar ClientGetBenchmark -p impl=STATELESS_SYNC_TTL
 * java -jar stateless-bench/target/benchmarks.jar ClientGetBenchmark -p impl=CAFFEINE_POJO,STATELESS_SYNC_POJO
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
    /**
     * As {@link #STATELESS_SYNC}, with a Micrometer registry bound: every hit is counted and timed.
     */
    STATELESS_SYNC_METERED,
    /**
     * As {@link #STATELESS_SYNC_METERED}, with the client layer's {@code stateless.layer.latency}
     * timers denied by a {@code MeterFilter}: hits counted, not timed (no clock read).
     */
    STATELESS_SYNC_METERED_UNTIMED,
    /** {@code Caffeine.newBuilder().build()} holding {@link Item} records. */
    CAFFEINE_RECORD,
    /** {@code Caffeine.newBuilder().build()} holding {@link MutableItem} POJOs. */
    CAFFEINE_POJO,
    /** The SDK: a client-layer component of {@link Item} records, kept as they are. */
    STATELESS_SYNC_RECORD,
    /** The SDK: a client-layer component of {@link MutableItem} POJOs, decoded per read. */
    STATELESS_SYNC_POJO
  }

  /** An immutable record value: stored and returned as it is. */
  public record Item(String name, long id, int quantity) {}

  /** A mutable value (Jackson's bean shape): stored encoded, a new object for every read. */
  public static final class MutableItem {
    private String name = "";
    private long id;
    private int quantity;

    public MutableItem() {}

    MutableItem(String name, long id, int quantity) {
      this.name = name;
      this.id = id;
      this.quantity = quantity;
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public long getId() {
      return id;
    }

    public void setId(long id) {
      this.id = id;
    }

    public int getQuantity() {
      return quantity;
    }

    public void setQuantity(int quantity) {
      this.quantity = quantity;
    }
  }

  /** One reader interface, so every case runs the same loop. */
  interface Reader {
    /** The value, or null on a miss. */
    @Nullable Object get(String key);
  }

  /** Never expires an entry, but makes Caffeine keep a timer wheel, as a TTL-capable cache does. */
  static final class NeverExpire implements Expiry<String, Object> {
    @Override
    public long expireAfterCreate(String key, Object value, long currentTime) {
      return Long.MAX_VALUE;
    }

    @Override
    public long expireAfterUpdate(
        String key, Object value, long currentTime, long currentDuration) {
      return Long.MAX_VALUE;
    }

    @Override
    public long expireAfterRead(String key, Object value, long currentTime, long currentDuration) {
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
      String prefix =
          switch (impl) {
            case STATELESS_SYNC_TTL -> "timed:";
            case CAFFEINE_RECORD, STATELESS_SYNC_RECORD -> "record:";
            case CAFFEINE_POJO, STATELESS_SYNC_POJO -> "pojo:";
            default -> "local:";
          };
      keys = new String[KEYS];
      Object[] values = new Object[KEYS];
      for (int i = 0; i < KEYS; i++) {
        keys[i] = prefix + i;
        values[i] =
            switch (prefix) {
              case "record:" -> new Item("item-" + i, i, i % 100);
              case "pojo:" -> new MutableItem("item-" + i, i, i % 100);
              default -> "value-" + i;
            };
      }
      reader =
          switch (impl) {
            case CAFFEINE_PLAIN, CAFFEINE_RECORD, CAFFEINE_POJO ->
                caffeine(Caffeine.newBuilder().build(), values);
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
      // What the value rows measure: a record hit is the stored object, a POJO hit a new copy.
      Object first = reader.get(keys[0]);
      boolean copied = first != reader.get(keys[0]);
      if (copied != (impl == Impl.STATELESS_SYNC_POJO)) {
        throw new IllegalStateException(impl + ": a hit " + (copied ? "is" : "is not") + " a copy");
      }
    }

    private Reader caffeine(Cache<String, Object> c, Object[] values) {
      for (int i = 0; i < KEYS; i++) {
        c.put(keys[i], values[i]);
      }
      return c::getIfPresent;
    }

    private Reader stateless(Object[] values) {
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
              .component(
                  Component.builder("records")
                      .owns("record:*")
                      .layer(CacheLayer.CLIENT)
                      .valueType(Item.class)
                      .build())
              .component(
                  Component.builder("pojos")
                      .owns("pojo:*")
                      .layer(CacheLayer.CLIENT)
                      .valueType(MutableItem.class)
                      .build())
              .component(Component.builder("users").owns("user:*").build())
              .component(
                  Component.builder("products").owns("product:*").layer(CacheLayer.EDGE).build())
              .build();
      StatelessCache.Builder b = StatelessCache.builder().manifest(manifest);
      if (impl == Impl.STATELESS_SYNC_METERED) {
        b.meterRegistry(new SimpleMeterRegistry());
      } else if (impl == Impl.STATELESS_SYNC_METERED_UNTIMED) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        registry
            .config()
            .meterFilter(
                MeterFilter.deny(
                    id ->
                        id.getName().equals("stateless.layer.latency")
                            && "client".equals(id.getTag("layer"))));
        b.meterRegistry(registry);
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
