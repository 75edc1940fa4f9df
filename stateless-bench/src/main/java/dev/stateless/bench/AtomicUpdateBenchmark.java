package dev.stateless.bench;

import dev.stateless.StatelessCache;
import dev.stateless.Stores;
import dev.stateless.SyncCache;
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
 * {@code atomicUpdate} of one counter under contention: every benchmark thread increments the same
 * key through one cache (so, on Redis, updates queue behind one another on this node). The server
 * layer is in-process, or the Redis given by {@code -Dstateless.redis=redis://127.0.0.1:port} (see
 * {@code stateless-bench/atomic-update.sh}, which starts one).
 *
 * <pre>
 * java -jar stateless-bench/target/benchmarks.jar AtomicUpdateBenchmark -t 8 -p store=IN_PROCESS
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AtomicUpdateBenchmark {
  /** Where the counter's owner layer lives. */
  public enum Store {
    IN_PROCESS,
    REDIS
  }

  /** One cache and its counter, shared by every thread. */
  @State(Scope.Benchmark)
  public static class Shared {
    @Param Store store;

    StatelessCache cache;
    SyncCache sync;

    @Setup(Level.Trial)
    public void open() {
      StatelessCache.Builder b = StatelessCache.builder();
      if (store == Store.REDIS) {
        String uri = System.getProperty("stateless.redis");
        if (uri == null) {
          throw new IllegalStateException(
              "run with -jvmArgsAppend -Dstateless.redis=redis://127.0.0.1:<port>"
                  + " (stateless-bench/atomic-update.sh starts a redis-server)");
        }
        b.server(Stores.redis(uri));
      }
      cache = b.build();
      sync = cache.sync();
      sync.del("counter");
    }

    @TearDown(Level.Trial)
    public void close() {
      cache.close();
    }
  }

  @Benchmark
  public @Nullable Long increment(Shared s) {
    return s.sync.<Long>atomicUpdate("counter", n -> n == null ? 1L : n + 1);
  }
}
