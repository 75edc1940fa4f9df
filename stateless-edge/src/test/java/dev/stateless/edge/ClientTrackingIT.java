package dev.stateless.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.StatelessCache;
import dev.stateless.Stores;
import dev.stateless.edge.PubSubIT.Target;
import dev.stateless.testing.Await;
import dev.stateless.testing.RedisServerExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.support.caching.CacheAccessor;
import io.lettuce.core.support.caching.CacheFrontend;
import io.lettuce.core.support.caching.ClientSideCaching;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Client-side caching against a live node and, with the same test bodies, a real redis-server:
 * Lettuce's {@link ClientSideCaching} (RESP3) stays correct when another connection writes, the
 * RESP2 {@code REDIRECT} to a connection subscribed to {@code __redis__:invalidate} byte for byte,
 * RESP3's frames; and a node whose upstream is that redis-server, where another SDK node's write
 * reaches the node's clients through the upstream invalidation log.
 */
class ClientTrackingIT {
  @RegisterExtension static final RedisServerExtension redis = new RedisServerExtension();

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static EdgeNode node;

  @BeforeAll
  static void start() {
    node = EdgeNode.builder().port(0).start();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static int port(Target target) {
    return target == Target.NODE ? node.port() : redis.port();
  }

  /** A Lettuce client-side cache over {@code port}, its local copies in {@code local}. */
  private static void withLocalCache(
      int port, TrackingArgs tracking, Map<String, String> local, CacheTest test) {
    RedisClient client = PubSubIT.client(port, ProtocolVersion.RESP3);
    try (StatefulRedisConnection<String, String> cached = client.connect();
        StatefulRedisConnection<String, String> writer = client.connect()) {
      CacheFrontend<String, String> frontend =
          ClientSideCaching.enable(CacheAccessor.forMap(local), cached, tracking);
      test.run(frontend, writer);
    } finally {
      client.shutdown(Duration.ZERO, TIMEOUT);
    }
  }

  @FunctionalInterface
  private interface CacheTest {
    void run(
        CacheFrontend<String, String> frontend, StatefulRedisConnection<String, String> writer);
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void lettuceClientSideCache_staysCorrect_whenAnotherConnectionWrites(Target target) {
    String key = "csc:" + target;
    Map<String, String> local = new ConcurrentHashMap<>();
    withLocalCache(
        port(target),
        TrackingArgs.Builder.enabled(),
        local,
        (frontend, writer) -> {
          writer.sync().set(key, "v1");
          assertThat(frontend.get(key)).isEqualTo("v1");
          assertThat(local).containsEntry(key, "v1"); // the next get is local

          writer.sync().set(key, "v2");
          Await.until("the local copy dropped", TIMEOUT, () -> !local.containsKey(key));
          assertThat(frontend.get(key)).isEqualTo("v2");

          assertThat(frontend.get(key)).isEqualTo("v2");
          writer.sync().expire(key, 600); // any change of the key, not only of its value
          Await.until("the local copy dropped again", TIMEOUT, () -> !local.containsKey(key));
          assertThat(frontend.get(key)).isEqualTo("v2");

          writer.sync().del(key);
          Await.until("the deleted key's copy dropped", TIMEOUT, () -> !local.containsKey(key));
          assertThat(frontend.get(key)).isNull();
        });
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void lettuceClientSideCache_dropsAKeyThatExpires(Target target) {
    String key = "expiring:" + target;
    Map<String, String> local = new ConcurrentHashMap<>();
    withLocalCache(
        port(target),
        TrackingArgs.Builder.enabled(),
        local,
        (frontend, writer) -> {
          writer.sync().set(key, "brief", SetArgs.Builder.px(1500));
          assertThat(frontend.get(key)).isEqualTo("brief");
          // no one reads or writes it again: the expiry itself is the change
          Await.until("the expired key's copy dropped", TIMEOUT, () -> !local.containsKey(key));
          assertThat(frontend.get(key)).isNull();
        });
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void lettuceClientSideCache_inBcastMode_isToldOfEveryKeyUnderItsPrefix(Target target) {
    String prefix = "bc:" + target + ":";
    Map<String, String> local = new ConcurrentHashMap<>();
    withLocalCache(
        port(target),
        TrackingArgs.Builder.enabled().bcast().prefixes(prefix),
        local,
        (frontend, writer) -> {
          writer.sync().set(prefix + "a", "1");
          assertThat(frontend.get(prefix + "a")).isEqualTo("1");
          writer.sync().set(prefix + "a", "2");
          Await.until("the local copy dropped", TIMEOUT, () -> !local.containsKey(prefix + "a"));
          assertThat(frontend.get(prefix + "a")).isEqualTo("2");
        });
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void resp2Redirect_toASubscriberOfTheInvalidateChannel(Target target) {
    String key = "redir:" + target;
    try (RespSocket sub = new RespSocket(port(target));
        RespSocket tracked = new RespSocket(port(target));
        RespSocket writer = new RespSocket(port(target))) {
      long subId = sub.id();
      assertThat(sub.call("SUBSCRIBE", "__redis__:invalidate"))
          .isEqualTo("*3\r\n$9\r\nsubscribe\r\n$20\r\n__redis__:invalidate\r\n:1\r\n");
      assertThat(tracked.call("CLIENT", "TRACKING", "on", "REDIRECT", String.valueOf(subId)))
          .isEqualTo("+OK\r\n");
      assertThat(tracked.call("CLIENT", "GETREDIR")).isEqualTo(":" + subId + "\r\n");
      assertThat(tracked.call("GET", key)).isEqualTo("$-1\r\n");
      assertThat(writer.call("SET", key, "v")).isEqualTo("+OK\r\n");
      assertThat(sub.frame())
          .isEqualTo(
              "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$"
                  + key.length()
                  + "\r\n"
                  + key
                  + "\r\n");
      assertThat(tracked.call("CLIENT", "TRACKINGINFO"))
          .isEqualTo(
              "*6\r\n$5\r\nflags\r\n*1\r\n$2\r\non\r\n$8\r\nredirect\r\n:"
                  + subId
                  + "\r\n$8\r\nprefixes\r\n*0\r\n");
      // the key was forgotten with its invalidation: a second write is not sent
      assertThat(writer.call("SET", key, "w")).isEqualTo("+OK\r\n");
      assertThat(tracked.call("GET", key)).isEqualTo("$1\r\nw\r\n");
      assertThat(writer.call("DEL", key)).isEqualTo(":1\r\n");
      assertThat(sub.frame()).endsWith("*1\r\n$" + key.length() + "\r\n" + key + "\r\n");
    }
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void aKeyReadInsideExec_isTracked_asOneReadOutsideIt(Target target) {
    String key = "multi:" + target;
    try (RespSocket sub = new RespSocket(port(target));
        RespSocket tracked = new RespSocket(port(target));
        RespSocket writer = new RespSocket(port(target))) {
      long subId = sub.id();
      sub.call("SUBSCRIBE", "__redis__:invalidate");
      assertThat(tracked.call("CLIENT", "TRACKING", "on", "REDIRECT", String.valueOf(subId)))
          .isEqualTo("+OK\r\n");
      assertThat(writer.call("SET", key, "v")).isEqualTo("+OK\r\n");
      assertThat(tracked.call("MULTI")).isEqualTo("+OK\r\n");
      assertThat(tracked.call("GET", key)).isEqualTo("+QUEUED\r\n");
      assertThat(tracked.call("EXEC")).isEqualTo("*1\r\n$1\r\nv\r\n");
      assertThat(writer.call("SET", key, "w")).isEqualTo("+OK\r\n");
      assertThat(sub.frame()).endsWith("*1\r\n$" + key.length() + "\r\n" + key + "\r\n");
    }
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void resp3Frames_ownWritesAfterTheirReply_andABrokenRedirect(Target target) {
    String key = "own:" + target;
    String invalidate = ">2\r\n$10\r\ninvalidate\r\n*1\r\n$" + key.length() + "\r\n" + key + "\r\n";
    try (RespSocket tracked = new RespSocket(port(target));
        RespSocket writer = new RespSocket(port(target))) {
      tracked.call("HELLO", "3");
      assertThat(tracked.call("CLIENT", "TRACKING", "on")).isEqualTo("+OK\r\n");
      assertThat(tracked.call("GET", key)).isEqualTo("_\r\n");
      assertThat(tracked.call("SET", key, "mine")).isEqualTo("+OK\r\n");
      assertThat(tracked.frame()).isEqualTo(invalidate);
      assertThat(tracked.call("GET", key)).isEqualTo("$4\r\nmine\r\n");
      assertThat(writer.call("SET", key, "theirs")).isEqualTo("+OK\r\n");
      assertThat(tracked.frame()).isEqualTo(invalidate);

      long goneId;
      try (RespSocket gone = new RespSocket(port(target))) {
        goneId = gone.id();
        assertThat(tracked.call("CLIENT", "TRACKING", "on", "REDIRECT", String.valueOf(goneId)))
            .isEqualTo("+OK\r\n");
      }
      Await.until(
          "the redirect's connection is gone",
          TIMEOUT,
          () -> !writer.call("CLIENT", "LIST").contains("id=" + goneId + " "));
      assertThat(tracked.call("GET", key)).isEqualTo("$6\r\ntheirs\r\n");
      assertThat(writer.call("SET", key, "again")).isEqualTo("+OK\r\n");
      assertThat(tracked.frame())
          .isEqualTo(">2\r\n$21\r\ntracking-redir-broken\r\n:" + goneId + "\r\n");
    }
  }

  @Test
  void anUpstreamWrite_byAnotherSdkNode_dropsTheClientsCopy() {
    String key = "upstream:k";
    try (EdgeNode edge = EdgeNode.builder().port(0).upstream(redis.uri()).start();
        StatelessCache sdk = StatelessCache.builder().server(Stores.redis(redis.uri())).build()) {
      Map<String, String> local = new ConcurrentHashMap<>();
      withLocalCache(
          edge.port(),
          TrackingArgs.Builder.enabled(),
          local,
          (frontend, writer) -> {
            // Written through the node, whose log reader skips its own event. Written by the SDK
            // node, its event could reach the node after the read below and invalidate it while
            // Lettuce's CacheFrontend has yet to put the value it read in its map: Lettuce would
            // then keep the value with no invalidation to come (its put is not atomic with the
            // read, against Redis too).
            writer.sync().set(key, "v1");
            assertThat(frontend.get(key)).isEqualTo("v1");
            assertThat(local).containsEntry(key, "v1");

            sdk.sync().set(key, "v2"); // through Redis only: the node hears of it from the log
            Await.until("the local copy dropped", TIMEOUT, () -> !local.containsKey(key));
            assertThat(frontend.get(key)).isEqualTo("v2");
          });
    }
  }
}
