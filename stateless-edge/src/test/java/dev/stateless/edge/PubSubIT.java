package dev.stateless.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.testing.Await;
import dev.stateless.testing.RedisServerExtension;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pub/sub against a live node and, with the same test bodies, a real redis-server: the frames byte
 * for byte (raw RESP), Lettuce's {@link StatefulRedisPubSubConnection} in RESP2 and RESP3, {@code
 * redis-cli}; and a subscriber that does not read, disconnected at the output buffer limit.
 */
class PubSubIT {
  @RegisterExtension static final RedisServerExtension redis = new RedisServerExtension();

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static EdgeNode node;

  /** Where a test body runs: the node, or redis-server for the reference. */
  enum Target {
    NODE,
    REDIS
  }

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

  static RedisClient client(int port, ProtocolVersion protocol) {
    RedisClient c =
        RedisClient.create(
            RedisURI.builder().withHost("127.0.0.1").withPort(port).withTimeout(TIMEOUT).build());
    c.setOptions(ClientOptions.builder().protocolVersion(protocol).autoReconnect(false).build());
    return c;
  }

  static Stream<Arguments> targetsAndProtocols() {
    List<Arguments> all = new ArrayList<>();
    for (Target t : Target.values()) {
      for (ProtocolVersion p : ProtocolVersion.values()) {
        all.add(Arguments.of(t, p));
      }
    }
    return all.stream();
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void resp2Frames_asRedisSendsThem(Target target) {
    String ch = "frames2:" + target;
    try (RespSocket sub = new RespSocket(port(target));
        RespSocket pub = new RespSocket(port(target))) {
      assertThat(sub.call("SUBSCRIBE", ch))
          .isEqualTo("*3\r\n$9\r\nsubscribe\r\n$" + ch.length() + "\r\n" + ch + "\r\n:1\r\n");
      assertThat(sub.call("PSUBSCRIBE", ch + ".*"))
          .isEqualTo(
              "*3\r\n$10\r\npsubscribe\r\n$" + (ch.length() + 2) + "\r\n" + ch + ".*\r\n:2\r\n");
      assertThat(sub.call("PING")).isEqualTo("*2\r\n$4\r\npong\r\n$0\r\n\r\n");
      assertThat(sub.call("PING", "hi")).isEqualTo("*2\r\n$4\r\npong\r\n$2\r\nhi\r\n");
      assertThat(sub.call("GET", "x"))
          .isEqualTo(
              "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT /"
                  + " RESET are allowed in this context\r\n");
      assertThat(pub.call("PUBLISH", ch, "hello")).isEqualTo(":1\r\n");
      assertThat(sub.frame())
          .isEqualTo(
              "*3\r\n$7\r\nmessage\r\n$" + ch.length() + "\r\n" + ch + "\r\n$5\r\nhello\r\n");
      String sub1 = ch + ".1";
      assertThat(pub.call("PUBLISH", sub1, "m2")).isEqualTo(":1\r\n");
      assertThat(sub.frame())
          .isEqualTo(
              "*4\r\n$8\r\npmessage\r\n$"
                  + (ch.length() + 2)
                  + "\r\n"
                  + ch
                  + ".*\r\n$"
                  + sub1.length()
                  + "\r\n"
                  + sub1
                  + "\r\n$2\r\nm2\r\n");
      assertThat(pub.call("PUBSUB", "NUMSUB", ch, "none:" + ch))
          .isEqualTo(
              "*4\r\n$"
                  + ch.length()
                  + "\r\n"
                  + ch
                  + "\r\n:1\r\n$"
                  + (ch.length() + 5)
                  + "\r\nnone:"
                  + ch
                  + "\r\n:0\r\n");
      assertThat(sub.call("UNSUBSCRIBE"))
          .isEqualTo("*3\r\n$11\r\nunsubscribe\r\n$" + ch.length() + "\r\n" + ch + "\r\n:1\r\n");
      assertThat(sub.call("PUNSUBSCRIBE"))
          .isEqualTo(
              "*3\r\n$12\r\npunsubscribe\r\n$" + (ch.length() + 2) + "\r\n" + ch + ".*\r\n:0\r\n");
      assertThat(sub.call("UNSUBSCRIBE")).isEqualTo("*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n");
      assertThat(sub.call("PING")).isEqualTo("+PONG\r\n");
      assertThat(pub.call("PUBLISH", ch, "nobody")).isEqualTo(":0\r\n");
    }
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void resp3Frames_asRedisSendsThem(Target target) {
    String ch = "frames3:" + target;
    try (RespSocket sub = new RespSocket(port(target));
        RespSocket pub = new RespSocket(port(target))) {
      sub.call("HELLO", "3");
      assertThat(sub.call("SUBSCRIBE", ch))
          .isEqualTo(">3\r\n$9\r\nsubscribe\r\n$" + ch.length() + "\r\n" + ch + "\r\n:1\r\n");
      assertThat(sub.call("PING")).isEqualTo("+PONG\r\n");
      assertThat(sub.call("ECHO", "still")).isEqualTo("$5\r\nstill\r\n");
      assertThat(pub.call("PUBLISH", ch, "hi")).isEqualTo(":1\r\n");
      String message = ">3\r\n$7\r\nmessage\r\n$" + ch.length() + "\r\n" + ch + "\r\n$2\r\nhi\r\n";
      assertThat(sub.frame()).isEqualTo(message);
      // to its own channel: the message, then PUBLISH's reply
      assertThat(sub.call("PUBLISH", ch, "hi")).isEqualTo(message);
      assertThat(sub.frame()).isEqualTo(":1\r\n");
      assertThat(sub.call("UNSUBSCRIBE"))
          .isEqualTo(">3\r\n$11\r\nunsubscribe\r\n$" + ch.length() + "\r\n" + ch + "\r\n:0\r\n");
      assertThat(sub.call("UNSUBSCRIBE")).isEqualTo(">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n");
    }
  }

  @ParameterizedTest
  @MethodSource("targetsAndProtocols")
  void lettucePubSub_receivesMessagesAndPatternMessages(Target target, ProtocolVersion protocol)
      throws InterruptedException {
    String ch = "lettuce:" + target + ":" + protocol;
    RedisClient client = client(port(target), protocol);
    try (StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub();
        StatefulRedisConnection<String, String> pub = client.connect()) {
      BlockingQueue<String> heard = new LinkedBlockingQueue<>();
      sub.addListener(
          new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
              heard.add(channel + "=" + message);
            }

            @Override
            public void message(String pattern, String channel, String message) {
              heard.add(pattern + ">" + channel + "=" + message);
            }
          });
      sub.sync().subscribe(ch);
      sub.sync().psubscribe(ch + ":*");
      RedisCommands<String, String> redis = pub.sync();
      assertThat(redis.pubsubNumsub(ch)).isEqualTo(Map.of(ch, 1L));
      assertThat(redis.pubsubChannels(ch)).containsExactly(ch);

      assertThat(redis.publish(ch, "one")).isEqualTo(1);
      assertThat(heard.poll(30, TimeUnit.SECONDS)).isEqualTo(ch + "=one");
      assertThat(redis.publish(ch + ":x", "two")).isEqualTo(1);
      assertThat(heard.poll(30, TimeUnit.SECONDS)).isEqualTo(ch + ":*>" + ch + ":x=two");

      sub.sync().unsubscribe(ch);
      sub.sync().punsubscribe(ch + ":*");
      assertThat(redis.publish(ch, "three")).isZero();
      assertThat(redis.pubsubNumsub(ch)).isEqualTo(Map.of(ch, 0L));
    } finally {
      client.shutdown(Duration.ZERO, TIMEOUT);
    }
  }

  @Test
  void redisCli_subscribed_printsWhatIsPublished() throws Exception {
    Process cli =
        new ProcessBuilder(
                RedisTools.binary("redis-cli").toString(),
                "-p",
                String.valueOf(node.port()),
                "SUBSCRIBE",
                "cli-news")
            .start();
    try (RespSocket pub = new RespSocket(node.port())) {
      RedisTools.StreamReader out = new RedisTools.StreamReader(cli.getInputStream());
      String subscribed = "*2\r\n$8\r\ncli-news\r\n:1\r\n";
      // redis-cli has subscribed once the node counts it
      Await.until(
          "redis-cli subscribed",
          TIMEOUT,
          () -> pub.call("PUBSUB", "NUMSUB", "cli-news").equals(subscribed));
      assertThat(pub.call("PUBLISH", "cli-news", "hello from the node")).isEqualTo(":1\r\n");
      Await.until(
          "redis-cli printed the message",
          TIMEOUT,
          () -> out.soFar().contains("hello from the node"));
      assertThat(out.soFar()).contains("message", "cli-news", "hello from the node");
    } finally {
      cli.destroyForcibly().waitFor();
    }
  }

  @Test
  void aSubscriberThatDoesNotRead_isDisconnected_atTheOutputBufferLimit() {
    long limit = 64 * 1024;
    try (EdgeNode small = EdgeNode.builder().port(0).clientOutputBufferLimit(limit).start();
        RespSocket slow = new RespSocket(small.port(), 4096);
        RespSocket pub = new RespSocket(small.port())) {
      assertThat(slow.call("SUBSCRIBE", "firehose")).endsWith(":1\r\n");
      String message = "x".repeat(32 * 1024);
      int published = 0;
      // The kernel's socket buffers take a few megabytes; past them the node holds the rest, up
      // to the limit. 20,000 messages (640 MB) is far more than that: a node that never gives up
      // on the reader fails here instead of running out of heap.
      while (pub.call("PUBLISH", "firehose", message).equals(":1\r\n")) {
        published++;
        assertThat(published).as("messages before the reader is let go").isLessThan(20_000);
      }
      assertThat(pub.call("PUBSUB", "NUMSUB", "firehose"))
          .isEqualTo("*2\r\n$8\r\nfirehose\r\n:0\r\n");
      assertThat(pub.call("INFO", "stats")).contains("client_output_buffer_limit_disconnections:1");
      assertThat(slow.closedByPeer()).isTrue();
    }
  }
}
