package dev.stateless.bench;

import dev.stateless.StatelessCache;
import dev.stateless.Stores;
import dev.stateless.SyncCache;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.core.Manifest;
import dev.stateless.edge.EdgeNode;
import dev.stateless.edge.testing.LatencyProxy;
import dev.stateless.edge.testing.RegionsManifest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * The regions benchmark's load (issue 19): latencies of {@code get} and {@code set} per strategy
 * and per serving layer under the simulated WAN of {@code docs/regions.md}, next to the seeds'
 * targets (local &lt; 1 ms, edge &lt; 10 ms, server &lt; 50 ms) and next to the same workload with
 * no edge layer. Two edge nodes (regions a and b) run in this JVM, each with its upstream through a
 * {@link LatencyProxy} (20-40 ms one way) to the redis-server the script started; the SDK node of
 * region a reaches its node through 2-5 ms, b's through 40-60 ms, Redis through 30-50 ms. Each
 * series is {@code samples} operations from {@code threads} threads, each timed alone. Prints a
 * Markdown table (p50, p99, p999 in ms) and writes a latency CDF per strategy as SVG.
 *
 * <pre>
 * java -cp stateless-bench/target/benchmarks.jar dev.stateless.bench.RegionsLoad \
 *     REDIS_PORT SAMPLES THREADS OUT_DIR
 * </pre>
 */
public final class RegionsLoad {
  private RegionsLoad() {}

  /** The same data with no edge layer: the SDK node talks to Redis directly. */
  static final Manifest NO_EDGE =
      Manifest.parse(
          "no-edge.yaml",
          """
          layers: [client, server]
          components:
            users:
              owns: user:*
              backfill: true
            ledger:
              owns: ledger:*
              strategy: global_consistent
          """);

  private static final int KEYS = 200;

  /** One measured series: its picture, its name, the layer that serves it, its latencies (ns). */
  static final class Series {
    final String picture;
    final String name;
    final CacheLayer layer;
    private final long[] nanos;

    Series(String picture, String name, CacheLayer layer, long[] sortedNanos) {
      this.picture = picture;
      this.name = name;
      this.layer = layer;
      this.nanos = sortedNanos;
    }

    int size() {
      return nanos.length;
    }

    /** The {@code i}-th fastest latency, in ms. */
    double millis(int i) {
      return nanos[i] / 1e6;
    }

    double percentile(double p) {
      int i = (int) Math.ceil(p * nanos.length) - 1;
      return millis(Math.max(0, Math.min(nanos.length - 1, i)));
    }
  }

  /** Measures series: {@code samples} operations each, on {@code threads} threads, each timed. */
  private static final class Runner {
    final ExecutorService pool;
    final int samples;
    final int threads;
    final List<Series> all = new ArrayList<>();

    Runner(ExecutorService pool, int samples, int threads) {
      this.pool = pool;
      this.samples = samples;
      this.threads = threads;
    }

    void add(String picture, String name, CacheLayer layer, IntConsumer op) throws Exception {
      int each = samples / threads;
      for (int i = 0; i < Math.min(200, samples); i++) {
        op.accept(i); // warm-up, not counted
      }
      long[] nanos = new long[each * threads];
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t * each;
        running.add(
            pool.submit(
                () -> {
                  for (int i = first; i < first + each; i++) {
                    long start = System.nanoTime();
                    op.accept(i);
                    nanos[i] = System.nanoTime() - start;
                  }
                }));
      }
      for (Future<?> f : running) {
        f.get();
      }
      Arrays.sort(nanos);
      Series s = new Series(picture, name, layer, nanos);
      System.err.printf(Locale.ROOT, "%s / %s: p50 %.2f ms%n", picture, name, s.percentile(0.5));
      all.add(s);
    }
  }

  /**
   * Runs the load.
   *
   * @param args the redis-server's port, samples per series, threads, the SVG directory
   * @throws Exception if a step fails
   */
  public static void main(String[] args) throws Exception {
    int redisPort = Integer.parseInt(args[0]);
    int samples = Integer.parseInt(args[1]);
    int threads = Integer.parseInt(args[2]);
    Path out = Path.of(args[3]);
    List<AutoCloseable> closing = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    Runner run = new Runner(pool, samples, threads);
    try {
      EdgeNode a = node(link(closing, redisPort, 20, 40));
      closing.add(a);
      EdgeNode b = node(link(closing, redisPort, 20, 40));
      closing.add(b);
      String toServer = uri(link(closing, redisPort, 30, 50), "5s");
      StatelessCache cache =
          StatelessCache.builder()
              .manifest(RegionsManifest.MANIFEST)
              .edge(
                  Stores.edge(
                      "a",
                      Map.of(
                          "a", List.of(uri(link(closing, a.port(), 2, 5), "2s")),
                          "b", List.of(uri(link(closing, b.port(), 40, 60), "2s")))))
              .server(Stores.redis(toServer))
              .build();
      closing.add(cache); // closed first: the list closes last added first
      SyncCache s = cache.sync();
      SyncCache edge = cache.layer(CacheLayer.EDGE).sync();
      for (int i = 0; i < KEYS; i++) {
        s.set("user:" + i, "u" + i);
        s.set("cart:" + i, "c" + i);
        s.set("ledger:" + i, "l" + i);
        s.set("note:" + i, "n" + i);
      }
      for (int i = 0; i < KEYS; i++) { // copies: client (users) and a's node (users)
        s.get("user:" + i);
        edge.get("user:" + i);
      }
      String eo = "edge-optimized";
      run.add(eo, "get user (client copy)", CacheLayer.CLIENT, i -> s.get("user:" + i % KEYS));
      run.add(
          eo,
          "get user (edge copy, layer view)",
          CacheLayer.EDGE,
          i -> edge.get("user:" + i % KEYS));
      run.add(
          eo,
          "set user (server)",
          CacheLayer.SERVER,
          i -> s.set("user:" + (KEYS + i % KEYS), "v" + i));
      run.add(eo, "get cart (@Layer(EDGE))", CacheLayer.EDGE, i -> s.get("cart:" + i % KEYS));
      run.add(
          eo, "set cart (@Layer(EDGE))", CacheLayer.EDGE, i -> s.set("cart:" + i % KEYS, "c" + i));
      String gc = "global-consistent";
      run.add(gc, "get ledger (server)", CacheLayer.SERVER, i -> s.get("ledger:" + i % KEYS));
      run.add(
          gc, "set ledger (server)", CacheLayer.SERVER, i -> s.set("ledger:" + i % KEYS, "l" + i));
      String cf = "client-first";
      run.add(
          cf,
          "set note (client, queued)",
          CacheLayer.CLIENT,
          i -> s.set("note:" + i % KEYS, "n" + i));
      run.add(cf, "get note (client)", CacheLayer.CLIENT, i -> s.get("note:" + i % KEYS));
      cache.flush().join(); // the queued notes reach Redis before the next part

      try (StatelessCache direct =
          StatelessCache.builder()
              .manifest(NO_EDGE)
              .server(Stores.redis(uri(link(closing, redisPort, 30, 50), "5s")))
              .build()) {
        SyncCache d = direct.sync();
        for (int i = 0; i < KEYS; i++) {
          d.get("user:" + i);
        }
        String ne = "no-edge";
        run.add(ne, "get user (client copy)", CacheLayer.CLIENT, i -> d.get("user:" + i % KEYS));
        run.add(ne, "get ledger (server)", CacheLayer.SERVER, i -> d.get("ledger:" + i % KEYS));
        run.add(
            ne,
            "set user (server)",
            CacheLayer.SERVER,
            i -> d.set("user:" + (KEYS + i % KEYS), "w" + i));
      }
    } finally {
      pool.shutdownNow();
      for (int i = closing.size() - 1; i >= 0; i--) {
        closing.get(i).close(); // caches, then nodes, then the links under them
      }
    }
    print(run.all);
    Files.createDirectories(out);
    for (String picture :
        List.of("edge-optimized", "global-consistent", "client-first", "no-edge")) {
      List<Series> of = run.all.stream().filter(x -> x.picture.equals(picture)).toList();
      Path svg = out.resolve("regions-cdf-" + picture + ".svg");
      Files.writeString(svg, Cdf.svg(picture, of), StandardCharsets.UTF_8);
      System.out.println("wrote " + svg);
    }
  }

  private static LatencyProxy link(List<AutoCloseable> closing, int port, int from, int to) {
    LatencyProxy p =
        LatencyProxy.start(port, Duration.ofMillis(from), Duration.ofMillis(to - from));
    closing.add(p);
    return p;
  }

  private static String uri(LatencyProxy p, String timeout) {
    return "redis://127.0.0.1:" + p.port() + "?timeout=" + timeout;
  }

  private static EdgeNode node(LatencyProxy upstream) {
    return EdgeNode.builder()
        .port(0)
        .manifest(RegionsManifest.MANIFEST)
        .defaultUserActsForAllOwners(true)
        .upstream(uri(upstream, "5s"))
        .start();
  }

  /** The seeds' target of a serving layer, in ms. */
  static double targetMillis(CacheLayer layer) {
    return switch (layer) {
      case CLIENT -> 1;
      case EDGE -> 10;
      case SERVER -> 50;
    };
  }

  private static void print(List<Series> all) {
    System.out.println(
        "| strategy | operation (serving layer) | p50 ms | p99 ms | p999 ms | seeds' target |");
    System.out.println("|---|---|---|---|---|---|");
    for (Series s : all) {
      double target = targetMillis(s.layer);
      double p99 = s.percentile(0.99);
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %.3f | %.3f | %.3f | %s < %.0f ms: p99 %s |%n",
          s.picture,
          s.name,
          s.percentile(0.5),
          p99,
          s.percentile(0.999),
          s.layer.name().toLowerCase(Locale.ROOT),
          target,
          p99 < target ? "meets it" : "misses it");
    }
  }
}
