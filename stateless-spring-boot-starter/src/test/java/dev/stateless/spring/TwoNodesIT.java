package dev.stateless.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.StatelessCache;
import dev.stateless.spring.shop.Product;
import dev.stateless.spring.shop.ShopApplication;
import dev.stateless.spring.shop.ShopCache;
import dev.stateless.spring.shop.UserService;
import dev.stateless.testing.Await;
import dev.stateless.testing.RedisServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two application contexts (two {@link SpringApplicationBuilder} runs) sharing one redis-server act
 * as two nodes of one service: what one evicts, the other loads again.
 */
class TwoNodesIT {
  @RegisterExtension static final RedisServerExtension redis = new RedisServerExtension();

  private static final Duration EVENTUALLY = Duration.ofSeconds(10);

  private ConfigurableApplicationContext nodeA;
  private ConfigurableApplicationContext nodeB;

  @BeforeEach
  void start() {
    redis.flushAll();
    nodeA = node();
    nodeB = node();
  }

  @AfterEach
  void stop() {
    if (nodeA != null) {
      nodeA.close();
    }
    if (nodeB != null) {
      nodeB.close();
    }
  }

  private static ConfigurableApplicationContext node(String... more) {
    return new SpringApplicationBuilder(ShopApplication.class)
        .web(WebApplicationType.NONE)
        .properties(
            "stateless.manifest.class-name=" + ShopCache.class.getName(),
            "stateless.server.uri=" + redis.uri(),
            "spring.main.banner-mode=off")
        .properties(more)
        .run();
  }

  @Test
  void evictOnNodeA_makesNodeBLoadAgain() {
    UserService a = nodeA.getBean(UserService.class);
    UserService b = nodeB.getBean(UserService.class);
    assertThat(a.name(1)).isEqualTo("user-1");
    assertThat(b.name(1)).isEqualTo("user-1"); // from Redis, now copied in B's client layer
    assertThat(b.name(1)).isEqualTo("user-1");
    assertThat(b.loads()).hasValue(0);

    a.forget(1);

    Await.until(
        "node B runs the method again after node A's evict",
        EVENTUALLY,
        () -> {
          b.name(1);
          return b.loads().get() == 1;
        });
    assertThat(nodeB.getBean(StatelessCache.class).sync().get("user:1")).isEqualTo("user-1");
  }

  @Test
  void contextClose_drainsTheOfflineQueueToRedis(@TempDir Path dir) {
    ConfigurableApplicationContext node =
        node(
            "stateless.strategy=client-first",
            "stateless.offline-queue=" + dir.resolve("queue.db"),
            "stateless.close-timeout=30s");
    StatelessCache cache = node.getBean(StatelessCache.class);
    redis.pause();
    try {
      for (int i = 0; i < 100; i++) {
        cache.sync().set("session:" + i, "s" + i);
      }
      assertThat(cache.pendingWrites()).isPositive(); // queued: Redis does not answer
    } finally {
      redis.resume();
    }

    node.close(); // drains what is still queued before it closes the store

    for (int i = 0; i < 100; i++) {
      assertThat(redis.command("GET", "session:" + i)).isEqualTo("s" + i);
    }
  }

  @Test
  void syncCacheable_16ThreadsOnEachOfTwoNodes_loadOnce() throws Exception {
    UserService a = nodeA.getBean(UserService.class);
    UserService b = nodeB.getBean(UserService.class);
    int threads = 32;
    CountDownLatch started = new CountDownLatch(threads);
    a.gate(started); // the load ends only once every caller has started
    b.gate(started);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Product>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        UserService node = i % 2 == 0 ? a : b;
        results.add(
            pool.submit(
                () -> {
                  started.countDown();
                  return node.slowProduct(77);
                }));
      }
      for (Future<Product> r : results) {
        assertThat(r.get(60, TimeUnit.SECONDS)).isEqualTo(new Product("slow77", 77));
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(a.loads().get() + b.loads().get()).isEqualTo(1);
    assertThat(redis.command("GET", "product:77")).contains("\"name\":\"slow77\"");
  }

  @Test
  void cachePutOnNodeA_isReadOnNodeB() {
    UserService a = nodeA.getBean(UserService.class);
    UserService b = nodeB.getBean(UserService.class);
    b.name(2);

    a.rename(2, "Ada");

    Await.until("node B reads node A's put", EVENTUALLY, () -> "Ada".equals(b.name(2)));
    assertThat(b.loads()).hasValue(1);
  }
}
