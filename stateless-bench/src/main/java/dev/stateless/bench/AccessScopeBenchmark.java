package dev.stateless.bench;

import dev.stateless.CacheAccessScope;
import dev.stateless.StatelessCache;
import dev.stateless.SyncCache;
import dev.stateless.annotation.CacheAccess;
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
 * What run-time checking of {@code @CacheAccess} methods ({@link StatelessCache#enter}) costs a
 * client-layer {@code get} hit and {@code set}: the plain cache with no scope open (its calls read
 * one {@code ThreadLocal} to find none), a component view (which reads none: the checked call as it
 * was before scopes), and the plain cache with a scope open on the measuring thread (the calls
 * judged by the method's rights). Keys and values are precomputed; a {@code set} allocates its
 * future, as every write does.
 *
 * <pre>
 * mvn -B -q -pl stateless-bench -am package -DskipTests
 * java -jar stateless-bench/target/benchmarks.jar AccessScopeBenchmark -t 1
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AccessScopeBenchmark {
  private static final int KEYS = 1 << 12;
  private static final int MASK = KEYS - 1;

  /** How the calls are checked. */
  public enum Impl {
    /** The plain cache, no scope open: acts for every owner. */
    UNBOUND,
    /** The {@code component("local")} view: its own rights, no thread-local read. */
    COMPONENT,
    /** The plain cache inside {@code cache.enter(method)}: the method's rights. */
    SCOPED
  }

  /** The method whose rights the {@link Impl#SCOPED} rows run under. */
  static final class Code {
    @CacheAccess(owns = "local:*")
    void writeLocal() {}

    private Code() {}
  }

  /** The cache and its keys. */
  @State(Scope.Benchmark)
  public static class Shared {
    @Param Impl impl;

    @Nullable StatelessCache cache;
    SyncCache sync;
    String[] keys;
    String[] values;

    @Setup(Level.Trial)
    public void setUp() {
      Manifest manifest =
          Manifest.builder("Bench")
              .component(
                  Component.builder("local").owns("local:*").layer(CacheLayer.CLIENT).build())
              .component(Component.builder("users").owns("user:*").build())
              .build();
      StatelessCache c = StatelessCache.builder().manifest(manifest).build();
      cache = c;
      sync = impl == Impl.COMPONENT ? c.component("local").sync() : c.sync();
      keys = new String[KEYS];
      values = new String[KEYS];
      for (int i = 0; i < KEYS; i++) {
        keys[i] = "local:" + i;
        values[i] = "value-" + i;
        if (!sync.set(keys[i], values[i])) {
          throw new IllegalStateException(impl + ": set failed: " + keys[i]);
        }
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      if (cache != null) {
        cache.close();
      }
    }
  }

  /** Each thread walks the keys from its own start, inside its own scope for {@code SCOPED}. */
  @State(Scope.Thread)
  public static class Cursor {
    int next = (int) (Thread.currentThread().getId() * 0x9E3779B9L);
    @Nullable CacheAccessScope scope;

    @Setup(Level.Trial)
    public void enter(Shared s) throws NoSuchMethodException {
      if (s.impl == Impl.SCOPED) {
        StatelessCache c = s.sync.async();
        scope = c.enter(Code.class.getDeclaredMethod("writeLocal"));
        if (c.enteredMethod().isEmpty()) {
          throw new IllegalStateException("no scope on the measuring thread");
        }
      }
    }

    @TearDown(Level.Trial)
    public void exit() {
      if (scope != null) {
        scope.close();
      }
    }
  }

  @Benchmark
  public @Nullable Object get(Shared s, Cursor c) {
    return s.sync.get(s.keys[c.next++ & MASK]);
  }

  @Benchmark
  public boolean set(Shared s, Cursor c) {
    int i = c.next++ & MASK;
    return s.sync.set(s.keys[i], s.values[i]);
  }
}
