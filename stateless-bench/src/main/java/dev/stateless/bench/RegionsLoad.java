package dev.stateless.bench;

import dev.stateless.StatelessCache;
import dev.stateless.Stores;
import dev.stateless.SyncCache;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.core.Manifest;
import dev.stateless.edge.EdgeNode;
import dev.stateless.edge.testing.LatencyProxy;
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

  static final Manifest MANIFEST =
      Manifest.parse(
          "regions.yaml",
          String.join(
              "\n",
              "components:",
              "  carts:",
              "    owns: cart:*",
              "    layer: edge",
              "  users:",
              "    owns: user:*",
              "    backfill: true",
              "    strategy: edge_optimized",
              "  ledger:",
              "    owns: ledger:*",
              "    strategy: global_consistent",
              "  notes:",
              "    owns: note:*",
              "    strategy: client_first",
              ""));

  /** The same data with no edge layer: the SDK node talks to Redis directly. */
  static final Manifest NO_EDGE =
      Manifest.parse(
          "no-edge.yaml",
          String.join(
              "\n",
              "layers: [client, server]",
              "components:",
              "  users:",
              "    owns: user:*",
              "    backfill: true",
              "  ledger:",
              "    owns: ledger:*",
              "    strategy: global_consistent",
              ""));

  private static final int KEYS = 200;

  /** One measured series: its picture, its name, the layer that serves it, its latencies (ns). */
  record Series(String picture, String name, CacheLayer layer, long[] nanos) {
    double percentile(double p) {
      int i = (int) Math.ceil(p * nanos.length) - 1;
      return nanos[Math.max(0, Math.min(nanos.length - 1, i))] / 1e6;
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
    List<Series> all = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      EdgeNode a = node(link(closing, redisPort, 20, 40));
      closing.add(a);
      EdgeNode b = node(link(closing, redisPort, 20, 40));
      closing.add(b);
      String toServer = uri(link(closing, redisPort, 30, 50), "5s");
      StatelessCache cache =
          StatelessCache.builder()
              .manifest(MANIFEST)
              .edge(
                  Stores.edge(
                      "a",
                      Map.of(
                          "a", List.of(uri(link(closing, a.port(), 2, 5), "2s")),
                          "b", List.of(uri(link(closing, b.port(), 40, 60), "2s")))))
              .server(Stores.redis(toServer))
              .build();
      closing.add(0, cache);
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
      all.add(
          measure(
              pool,
              samples,
              threads,
              eo,
              "get user (client copy)",
              CacheLayer.CLIENT,
              i -> s.get("user:" + i % KEYS)));
      all.add(
          measure(
              pool,
              samples,
              threads,
              eo,
              "get user (edge copy, layer view)",
              CacheLayer.EDGE,
              i -> edge.get("user:" + i % KEYS)));
      all.add(
          measure(
              pool,
              samples,
              threads,
              eo,
              "set user (server)",
              CacheLayer.SERVER,
              i -> s.set("user:" + (KEYS + i % KEYS), "v" + i)));
      all.add(
          measure(
              pool,
              samples,
              threads,
              eo,
              "get cart (@Layer(EDGE))",
              CacheLayer.EDGE,
              i -> s.get("cart:" + i % KEYS)));
      all.add(
          measure(
              pool,
              samples,
              threads,
              eo,
              "set cart (@Layer(EDGE))",
              CacheLayer.EDGE,
              i -> s.set("cart:" + i % KEYS, "c" + i)));
      String gc = "global-consistent";
      all.add(
          measure(
              pool,
              samples,
              threads,
              gc,
              "get ledger (server)",
              CacheLayer.SERVER,
              i -> s.get("ledger:" + i % KEYS)));
      all.add(
          measure(
              pool,
              samples,
              threads,
              gc,
              "set ledger (server)",
              CacheLayer.SERVER,
              i -> s.set("ledger:" + i % KEYS, "l" + i)));
      String cf = "client-first";
      all.add(
          measure(
              pool,
              samples,
              threads,
              cf,
              "set note (client, queued)",
              CacheLayer.CLIENT,
              i -> s.set("note:" + i % KEYS, "n" + i)));
      all.add(
          measure(
              pool,
              samples,
              threads,
              cf,
              "get note (client)",
              CacheLayer.CLIENT,
              i -> s.get("note:" + i % KEYS)));
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
        all.add(
            measure(
                pool,
                samples,
                threads,
                ne,
                "get user (client copy)",
                CacheLayer.CLIENT,
                i -> d.get("user:" + i % KEYS)));
        all.add(
            measure(
                pool,
                samples,
                threads,
                ne,
                "get ledger (server)",
                CacheLayer.SERVER,
                i -> d.get("ledger:" + i % KEYS)));
        all.add(
            measure(
                pool,
                samples,
                threads,
                ne,
                "set user (server)",
                CacheLayer.SERVER,
                i -> d.set("user:" + (KEYS + i % KEYS), "w" + i)));
      }
    } finally {
      pool.shutdownNow();
      for (AutoCloseable c : closing) {
        c.close();
      }
    }
    print(all);
    Files.createDirectories(out);
    for (String picture :
        List.of("edge-optimized", "global-consistent", "client-first", "no-edge")) {
      List<Series> of = all.stream().filter(x -> x.picture().equals(picture)).toList();
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
        .manifest(MANIFEST)
        .defaultUserActsForAllOwners(true)
        .upstream(uri(upstream, "5s"))
        .start();
  }

  /** Runs {@code samples} operations on {@code threads} threads, each timed alone; sorted. */
  private static Series measure(
      ExecutorService pool,
      int samples,
      int threads,
      String picture,
      String name,
      CacheLayer layer,
      IntConsumer op)
      throws Exception {
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
    return s;
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
      double target = targetMillis(s.layer());
      double p99 = s.percentile(0.99);
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %.3f | %.3f | %.3f | %s < %.0f ms: p99 %s |%n",
          s.picture(),
          s.name(),
          s.percentile(0.5),
          p99,
          s.percentile(0.999),
          s.layer().name().toLowerCase(Locale.ROOT),
          target,
          p99 < target ? "meets it" : "misses it");
    }
  }
}
