package dev.stateless.bench;

import dev.stateless.StatelessCache;
import dev.stateless.Stores;
import dev.stateless.annotation.Strategy;
import dev.stateless.core.Component;
import dev.stateless.core.Manifest;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The {@code CLIENT_FIRST} offline queue's drain rate: queues {@code N} writes into a durable queue
 * file while Redis is stopped, closes the cache (the records stay in the file), starts Redis again
 * and builds a new cache on the same file, whose drainer sends them; measures writes/s from the
 * start of the build (the drainer starts inside it) until {@code flush()} completes. Runs its own
 * {@code redis-server} (from the {@code PATH}, no persistence) on a free loopback port. Prints one
 * line per round.
 *
 * <pre>
 * java -cp stateless-bench/target/benchmarks.jar dev.stateless.bench.OfflineDrainLoad 100000 3
 * </pre>
 */
public final class OfflineDrainLoad {
  private OfflineDrainLoad() {}

  /**
   * Runs the measurement.
   *
   * @param args writes per round (default 100000), rounds (default 3)
   * @throws Exception if Redis cannot be run or a write fails
   */
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String uri = "redis://127.0.0.1:" + port + "?timeout=5s";
    Manifest manifest =
        Manifest.builder("Drain")
            .component(
                Component.builder("hot").owns("hot:*").strategy(Strategy.CLIENT_FIRST).build())
            .build();
    String[] keys = new String[10_000];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = "hot:" + i;
    }
    Path dir = Files.createTempDirectory("stateless-drain-");
    System.out.printf(
        Locale.ROOT,
        "# %d writes per round over %d keys, %d cores%n",
        n,
        keys.length,
        Runtime.getRuntime().availableProcessors());
    for (int round = 1; round <= rounds; round++) {
      Path file = dir.resolve("queue-" + round + ".mv");
      Process redis = startRedis(port, dir);
      double queued;
      try (StatelessCache cache =
          StatelessCache.builder()
              .manifest(manifest)
              .server(Stores.redis(uri))
              .offlineQueue(file)
              .build()) {
        stop(redis);
        long start = System.nanoTime();
        List<CompletableFuture<Boolean>> window = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          window.add(cache.set(keys[i % keys.length], "v" + i));
          if (window.size() == 10_000) {
            window.forEach(CompletableFuture::join);
            window.clear();
          }
        }
        window.forEach(CompletableFuture::join);
        queued = n / ((System.nanoTime() - start) / 1e9);
      }
      redis = startRedis(port, dir);
      try {
        long start = System.nanoTime();
        try (StatelessCache cache =
            StatelessCache.builder()
                .manifest(manifest)
                .server(Stores.redis(uri))
                .offlineQueue(file)
                .build()) {
          long built = System.nanoTime();
          long pending = cache.pendingWrites();
          cache.flush().get(10, TimeUnit.MINUTES);
          long end = System.nanoTime();
          if (cache.pendingWrites() != 0) {
            throw new IllegalStateException("writes left after flush: " + cache.pendingWrites());
          }
          System.out.printf(
              Locale.ROOT,
              "round %d: queued offline %.0f writes/s | drained %.0f writes/s from the build's"
                  + " start (%.0f/s from its return; %d still queued then, build %.0f ms)%n",
              round,
              queued,
              n / ((end - start) / 1e9),
              pending / ((end - built) / 1e9),
              pending,
              (built - start) / 1e6);
        }
      } finally {
        stop(redis);
      }
    }
  }

  private static Process startRedis(int port, Path dir) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis.log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        probe(port);
        return p;
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline || !p.isAlive()) {
          p.destroyForcibly();
          throw new IllegalStateException("redis-server did not start on port " + port, notYet);
        }
        Thread.sleep(20);
      }
    }
  }

  private static void stop(Process redis) throws InterruptedException {
    redis.destroy();
    if (!redis.waitFor(5, TimeUnit.SECONDS)) {
      redis.destroyForcibly().waitFor();
    }
  }

  /** Connects to the port on 127.0.0.1 once. */
  @SuppressWarnings("AddressSelection") // an IP literal: there is no name to resolve
  private static void probe(int port) throws IOException {
    new Socket("127.0.0.1", port).close();
  }
}
