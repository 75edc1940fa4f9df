package dev.stateless.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stateless.StatelessCache;
import dev.stateless.core.StatelessException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;

/** The harness itself: one run per kind, named by it, each starting empty, its caches closed. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StoreMatrixIT {
  private static final List<String> RUNS = new ArrayList<>();
  private static final List<StatelessCache> LEFT_OPEN = new ArrayList<>();
  private static int redisPort;

  private StoreKind fromBeforeEach;

  @BeforeEach
  void injectedIntoBeforeEachToo(StoreContext store) {
    fromBeforeEach = store.kind();
  }

  @StoreMatrix
  @Order(1)
  void runsOncePerKind_namedByIt(StoreContext store, StoreKind kind, TestInfo info) {
    RUNS.add(kind.name());
    assertThat(store.kind()).isSameAs(kind).isSameAs(fromBeforeEach);
    assertThat(info.getDisplayName()).isEqualTo("[" + kind.name() + "]");
    StatelessCache c = store.build(b -> {});
    c.sync().set("left:behind", "x");
    LEFT_OPEN.add(c);
    if (kind == StoreKind.REDIS) {
      redisPort = store.redis().port();
      assertThat(store.redis().command("GET", "left:behind")).isEqualTo("x");
    } else if (kind == StoreKind.REDIS_CLUSTER) {
      RedisClusterExtension cluster = store.cluster();
      assertThat(cluster.command(cluster.masterOf("left:behind"), "GET", "left:behind"))
          .isEqualTo("x");
      assertThatThrownBy(store::redis).isInstanceOf(IllegalStateException.class);
    } else {
      assertThatThrownBy(store::redis).isInstanceOf(IllegalStateException.class);
      assertThat(c.policy().entryCount(dev.stateless.annotation.CacheLayer.SERVER)).isEqualTo(1);
    }
  }

  @StoreMatrix
  @Order(2)
  void startsEmpty_andTheLastTestsCachesAreClosed(StoreContext store) {
    assertThat(store.build(b -> {}).sync().get("left:behind")).isNull();
    for (StatelessCache c : LEFT_OPEN) {
      assertThatThrownBy(() -> c.sync().get("left:behind"))
          .satisfies(e -> assertThat(((StatelessException) e).code()).isEqualTo("SL105"));
    }
    if (store.kind() == StoreKind.REDIS) {
      assertThat(store.redis().port()).as("one server per class").isEqualTo(redisPort);
      assertThat(store.redis().command("DBSIZE")).isEqualTo("0");
    }
  }

  @StoreMatrix(StoreKind.REDIS)
  @Order(3)
  void restartsAServerATestStopped_stop(StoreContext store) {
    store.redis().stop();
  }

  @StoreMatrix(StoreKind.REDIS)
  @Order(4)
  void restartsAServerATestStopped_start(StoreContext store) {
    assertThat(store.redis().isRunning()).isTrue();
    assertThat(store.build(b -> {}).sync().set("k", "v")).isTrue();
  }

  @AfterAll
  static void everyKindRanInOrder() {
    assertThat(RUNS).containsExactly("IN_PROCESS", "REDIS", "REDIS_CLUSTER");
  }
}
