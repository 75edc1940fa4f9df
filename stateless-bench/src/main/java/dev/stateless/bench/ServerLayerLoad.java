package dev.stateless.bench;

import dev.stateless.StatelessCache;
import dev.stateless.Stores;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.core.Component;
import dev.stateless.core.Manifest;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The server-layer load harness: {@code get} or {@code set} through the SDK against a Redis, with a
 * window of requests in flight (Lettuce pipelines them on its connection), the way {@code
 * redis-benchmark -P 16 -c 50} keeps 800 in flight. Prints one line: {@code op ops/s}.
 *
 * <pre>
 * java -cp stateless-bench/target/benchmarks.jar dev.stateless.bench.ServerLayerLoad \
 *     redis://127.0.0.1:6379 set 1000000 800 [server-only|lettuce]
 * </pre>
 *
 * With {@code server-only} the manifest has only the SERVER layer: this process keeps no copy and
 * reads no invalidation events, but every write still appends its event to its shard's log, as with
 * the default three layers (other processes sharing the Redis may hold copies). With {@code
 * lettuce} the same load runs on a bare Lettuce connection instead of the SDK. A URI naming several
 * comma-separated {@code host:port} seeds ({@code redis://127.0.0.1:7000,127.0.0.1:7001}) is a
 * Redis Cluster, for the SDK and Lettuce alike.
 */
public final class ServerLayerLoad {
  private ServerLayerLoad() {}

  /**
   * Runs the load.
   *
   * @param args uri, op (get|set), requests, window, optional "server-only" or "lettuce"
   * @throws InterruptedException if interrupted
   */
  public static void main(String[] args) throws InterruptedException {
    String uri = args[0];
    String op = args[1];
    int requests = Integer.parseInt(args[2]);
    int window = Integer.parseInt(args[3]);
    String mode = args.length > 4 ? args[4] : "";
    if (mode.equals("lettuce")) {
      rawLettuce(uri, op, requests, window);
      return;
    }
    boolean serverOnly = mode.equals("server-only");
    Manifest.Builder m = Manifest.builder("Load");
    if (serverOnly) {
      m.layers(CacheLayer.SERVER);
    }
    Manifest manifest = m.component(Component.builder("keys").owns("key:*").build()).build();
    String[] keys = new String[10_000];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = "key:" + i;
    }
    byte[] value = new byte[3]; // redis-benchmark's default -d 3
    try (StatelessCache cache =
        StatelessCache.builder().manifest(manifest).server(Stores.redis(uri)).build()) {
      for (String k : keys) {
        cache.set(k, value).join();
      }
      run(cache, op, keys, value, Math.min(requests, 100_000), window); // warm-up
      long start = System.nanoTime();
      run(cache, op, keys, value, requests, window);
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(Locale.ROOT, "%s %.0f%n", op.toUpperCase(Locale.ROOT), requests / seconds);
    }
  }

  /**
   * The ceiling: the same load on a bare Lettuce connection, no SDK in between. A URI with several
   * comma-separated seeds names a Redis Cluster, as for {@code Stores.redis}: then the connection
   * is a {@link RedisClusterClient}'s, which routes each key to its slot's master.
   */
  private static void rawLettuce(String uri, String op, int requests, int window)
      throws InterruptedException {
    RedisCodec<String, byte[]> codec = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    if (uri.contains(",")) {
      RedisClusterClient client = RedisClusterClient.create(uri);
      try (StatefulRedisClusterConnection<String, byte[]> c = client.connect(codec)) {
        rawLoad(c.async(), op, requests, window);
      } finally {
        client.shutdown();
      }
    } else {
      RedisClient client = RedisClient.create(uri);
      try (StatefulRedisConnection<String, byte[]> c = client.connect(codec)) {
        rawLoad(c.async(), op, requests, window);
      } finally {
        client.shutdown();
      }
    }
  }

  /** A warm-up pass, then the measured pass; prints the measured one's rate. */
  private static void rawLoad(
      RedisClusterAsyncCommands<String, byte[]> async, String op, int requests, int window)
      throws InterruptedException {
    byte[] value = new byte[3];
    boolean set = op.equals("set");
    for (int pass = 0; pass < 2; pass++) {
      int n = pass == 0 ? Math.min(requests, 100_000) : requests;
      Semaphore inFlight = new Semaphore(window);
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        inFlight.acquire();
        String key = "key:" + (i % 10_000);
        (set ? async.set(key, value) : async.get(key)).whenComplete((v, t) -> inFlight.release());
      }
      inFlight.acquire(window);
      if (pass == 1) {
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "%s %.0f%n", op.toUpperCase(Locale.ROOT), n / seconds);
      }
    }
  }

  private static void run(
      StatelessCache cache, String op, String[] keys, byte[] value, int requests, int window)
      throws InterruptedException {
    Semaphore inFlight = new Semaphore(window);
    AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
    boolean set = op.equals("set");
    for (int i = 0; i < requests; i++) {
      inFlight.acquire();
      String key = keys[i % keys.length];
      CompletableFuture<?> f = set ? cache.set(key, value) : cache.get(key);
      CompletableFuture<?> unused = // the callback itself records the failure
          f.whenComplete(
              (v, t) -> {
                if (t != null) {
                  failure.compareAndSet(null, t);
                }
                inFlight.release();
              });
    }
    inFlight.acquire(window);
    Throwable failed = failure.get();
    if (failed != null) {
      throw new IllegalStateException("load failed", failed);
    }
  }
}
