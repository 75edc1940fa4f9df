package dev.stateless.bench;

import dev.stateless.StatelessCache;
import dev.stateless.Stores;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.core.Component;
import dev.stateless.core.Manifest;
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
 *     redis://127.0.0.1:6379 set 1000000 800 [server-only]
 * </pre>
 *
 * With {@code server-only} the manifest has only the SERVER layer, so writes carry no invalidation
 * event (no process can hold a copy); otherwise the default three layers apply and every write also
 * appends its event to the owner's stream.
 */
public final class ServerLayerLoad {
  private ServerLayerLoad() {}

  /**
   * Runs the load.
   *
   * @param args uri, op (get|set), requests, window, optional "server-only"
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

  /** The ceiling: the same load on a bare Lettuce connection, no SDK in between. */
  private static void rawLettuce(String uri, String op, int requests, int window)
      throws InterruptedException {
    io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(uri);
    try (io.lettuce.core.api.StatefulRedisConnection<String, byte[]> c =
        client.connect(
            io.lettuce.core.codec.RedisCodec.of(
                io.lettuce.core.codec.StringCodec.UTF8,
                io.lettuce.core.codec.ByteArrayCodec.INSTANCE))) {
      io.lettuce.core.api.async.RedisAsyncCommands<String, byte[]> async = c.async();
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
    } finally {
      client.shutdown();
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
