package dev.stateless.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.StatelessCache;
import dev.stateless.Stores;
import dev.stateless.core.Manifest;
import dev.stateless.testing.Await;
import dev.stateless.testing.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code get(key, loader)} from SDK nodes whose edge layer is a real edge node ({@code
 * Stores.edge}): the key's lease is the node's {@code STATELESS.LOCK}, so two SDK nodes share one
 * load of an edge-owned key.
 */
class EdgeLoaderIT {
  private static final int THREADS_PER_NODE = 8;

  @RegisterExtension static final RedisServerExtension redis = new RedisServerExtension();

  private static final Manifest MANIFEST =
      Manifest.parse(
          "loader.yaml",
          String.join(
              "\n",
              "components:",
              "  prices:",
              "    owns: price:*",
              "    layer: edge",
              "    backfill: true",
              ""));

  private EdgeNode node;
  private final List<StatelessCache> caches = new ArrayList<>();

  @BeforeEach
  void startNode() {
    node =
        EdgeNode.builder()
            .port(0)
            .manifest(MANIFEST)
            .defaultUserActsForAllOwners(true)
            .upstream(redis.uri())
            .start();
  }

  @AfterEach
  void stop() {
    caches.forEach(StatelessCache::close);
    node.close();
  }

  private StatelessCache sdk() {
    StatelessCache c =
        StatelessCache.builder()
            .manifest(MANIFEST)
            .edge(Stores.edge("redis://127.0.0.1:" + node.port() + "?timeout=2s"))
            .server(Stores.redis(redis.uri()))
            .build();
    caches.add(c);
    return c;
  }

  @Test
  void getWithLoader_twoSdkNodesMissAnEdgeKeyAtOnce_theLoaderRunsOnce() throws Exception {
    StatelessCache[] nodes = {sdk(), sdk()};
    Random random = new Random(8);
    for (int round = 0; round < 4; round++) {
      String key = "price:" + random.nextInt(1_000_000) + ":" + round;
      AtomicInteger loads = new AtomicInteger();
      List<Thread> callers = new ArrayList<>();
      ConcurrentHashMap<Integer, Object> results = new ConcurrentHashMap<>();
      ConcurrentHashMap<Integer, Throwable> failures = new ConcurrentHashMap<>();
      CountDownLatch go = new CountDownLatch(1);
      AtomicInteger entered = new AtomicInteger();
      Function<String, String> loader =
          k -> {
            loads.incrementAndGet();
            // every other caller is inside its call, waiting for this load
            Await.until(
                "the other callers wait",
                Duration.ofSeconds(30),
                () ->
                    entered.get() == callers.size()
                        && callers.stream()
                            .filter(t -> t != Thread.currentThread())
                            .allMatch(t -> t.getState() == Thread.State.WAITING));
            return "loaded " + k;
          };
      for (int i = 0; i < 2 * THREADS_PER_NODE; i++) {
        int n = i;
        StatelessCache c = nodes[i / THREADS_PER_NODE];
        Thread t =
            new Thread(
                () -> {
                  try {
                    go.await();
                    entered.incrementAndGet();
                    Object v = n % 2 == 0 ? c.sync().get(key, loader) : c.get(key, loader).join();
                    results.put(n, v);
                  } catch (Throwable e) {
                    failures.put(n, e);
                  }
                });
        callers.add(t);
        t.start();
      }
      Await.until(
          "every caller is at the start",
          Duration.ofSeconds(30),
          () -> callers.stream().allMatch(t -> t.getState() == Thread.State.WAITING));
      go.countDown();
      for (Thread t : callers) {
        t.join(60_000);
      }
      assertThat(failures).as("round %d", round).isEmpty();
      assertThat(results).as("round %d", round).hasSize(2 * THREADS_PER_NODE);
      assertThat(results.values()).as("round %d", round).containsOnly("loaded " + key);
      assertThat(loads).as("round %d", round).hasValue(1);
      for (StatelessCache c : nodes) {
        assertThat(c.sync().get(key)).isEqualTo("loaded " + key);
      }
    }
  }
}
