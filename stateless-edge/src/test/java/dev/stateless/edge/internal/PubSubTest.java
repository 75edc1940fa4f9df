package dev.stateless.edge.internal;

import static dev.stateless.edge.internal.EdgeChannels.call;
import static dev.stateless.edge.internal.EdgeChannels.command;
import static dev.stateless.edge.internal.EdgeChannels.replies;
import static dev.stateless.edge.internal.EdgeChannels.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Pub/sub over the whole pipeline: the frames and errors as redis-server 7.0 sends them (each
 * expected string was read from a redis-server 7.0.15 given the same requests; {@code PubSubIT}
 * checks the same sequences against a live one).
 */
class PubSubTest {
  /** Each {@code LATER} is answered when the test completes its future. */
  private final ArrayDeque<CompletableFuture<Reply>> later = new ArrayDeque<>();

  private final NodeContext node =
      NodeContext.create(
          EdgeChannels.config(),
          NodeClock.SYSTEM,
          List.of(
              table ->
                  table.add(
                      CommandSpec.builder("later", 1)
                          .command(
                              (client, request) -> {
                                CompletableFuture<Reply> f = new CompletableFuture<>();
                                later.add(f);
                                return Reply.later(f);
                              }))));

  private EmbeddedChannel open() {
    return EdgeChannels.open(node);
  }

  /** What the connection was sent, pushes from other connections included. */
  private static String received(EmbeddedChannel ch) {
    ch.runPendingTasks();
    return replies(ch);
  }

  @Test
  void subscribe_publish_unsubscribe_resp2() {
    EmbeddedChannel sub = open();
    EmbeddedChannel pub = open();
    assertThat(call(sub, "SUBSCRIBE", "a", "b"))
        .isEqualTo(
            "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n");
    assertThat(call(sub, "PSUBSCRIBE", "p*"))
        .isEqualTo("*3\r\n$10\r\npsubscribe\r\n$2\r\np*\r\n:3\r\n");
    assertThat(call(pub, "PUBLISH", "a", "hello")).isEqualTo(":1\r\n");
    assertThat(received(sub)).isEqualTo("*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$5\r\nhello\r\n");
    assertThat(call(pub, "PUBLISH", "pq", "m2")).isEqualTo(":1\r\n");
    assertThat(received(sub))
        .isEqualTo("*4\r\n$8\r\npmessage\r\n$2\r\np*\r\n$2\r\npq\r\n$2\r\nm2\r\n");
    assertThat(call(pub, "PUBLISH", "nobody", "x")).isEqualTo(":0\r\n");
    assertThat(call(sub, "UNSUBSCRIBE", "b"))
        .isEqualTo("*3\r\n$11\r\nunsubscribe\r\n$1\r\nb\r\n:2\r\n");
    assertThat(call(sub, "PUNSUBSCRIBE"))
        .isEqualTo("*3\r\n$12\r\npunsubscribe\r\n$2\r\np*\r\n:1\r\n");
    assertThat(call(sub, "UNSUBSCRIBE")).isEqualTo("*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:0\r\n");
    assertThat(call(sub, "UNSUBSCRIBE")).isEqualTo("*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n");
    assertThat(call(sub, "PUNSUBSCRIBE", "zz"))
        .isEqualTo("*3\r\n$12\r\npunsubscribe\r\n$2\r\nzz\r\n:0\r\n");
    assertThat(call(sub, "GET", "x")).startsWith("-ERR unknown command 'GET'"); // allowed again
    assertThat(sub.finish()).isFalse();
    assertThat(pub.finish()).isFalse();
  }

  @Test
  void aSubscribedResp2Connection_mayOnlyPingAndManageSubscriptions() {
    EmbeddedChannel sub = open();
    call(sub, "SUBSCRIBE", "a");
    assertThat(call(sub, "PING")).isEqualTo("*2\r\n$4\r\npong\r\n$0\r\n\r\n");
    assertThat(call(sub, "PING", "hi")).isEqualTo("*2\r\n$4\r\npong\r\n$2\r\nhi\r\n");
    assertThat(call(sub, "ECHO", "x"))
        .isEqualTo(
            "-ERR Can't execute 'echo': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT /"
                + " RESET are allowed in this context\r\n");
    assertThat(call(sub, "CLIENT", "ID"))
        .isEqualTo(
            "-ERR Can't execute 'client|id': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT"
                + " / RESET are allowed in this context\r\n");
    assertThat(call(sub, "RESET")).isEqualTo("+RESET\r\n"); // and leaves every channel
    assertThat(call(open(), "PUBSUB", "NUMSUB", "a")).isEqualTo("*2\r\n$1\r\na\r\n:0\r\n");
    assertThat(call(sub, "PING")).isEqualTo("+PONG\r\n");
    assertThat(sub.finish()).isFalse();
  }

  @Test
  void resp3_pushFrames_andEveryCommandStaysAllowed() {
    EmbeddedChannel sub = open();
    EmbeddedChannel pub = open();
    call(sub, "HELLO", "3");
    assertThat(call(sub, "SUBSCRIBE", "a")).isEqualTo(">3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n");
    assertThat(call(sub, "PING")).isEqualTo("+PONG\r\n");
    assertThat(call(sub, "ECHO", "x")).isEqualTo("$1\r\nx\r\n");
    call(pub, "PUBLISH", "a", "hi");
    assertThat(received(sub)).isEqualTo(">3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nhi\r\n");
    // a message to its own channel comes before the reply to PUBLISH, as on redis-server
    assertThat(call(sub, "PUBLISH", "a", "me"))
        .isEqualTo(">3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nme\r\n:1\r\n");
    assertThat(call(sub, "UNSUBSCRIBE")).isEqualTo(">3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:0\r\n");
    assertThat(call(sub, "UNSUBSCRIBE")).isEqualTo(">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n");
    assertThat(sub.finish()).isFalse();
  }

  @Test
  void aSubscriberToAChannelAndAMatchingPattern_receivesBoth_andCountsTwice() {
    EmbeddedChannel sub = open();
    EmbeddedChannel pub = open();
    call(sub, "SUBSCRIBE", "news.1");
    call(sub, "PSUBSCRIBE", "news.[0-9]", "news.*");
    assertThat(call(pub, "PUBLISH", "news.1", "x")).isEqualTo(":3\r\n");
    assertThat(received(sub))
        .isEqualTo(
            "*3\r\n$7\r\nmessage\r\n$6\r\nnews.1\r\n$1\r\nx\r\n"
                + "*4\r\n$8\r\npmessage\r\n$10\r\nnews.[0-9]\r\n$6\r\nnews.1\r\n$1\r\nx\r\n"
                + "*4\r\n$8\r\npmessage\r\n$6\r\nnews.*\r\n$6\r\nnews.1\r\n$1\r\nx\r\n");
  }

  @Test
  void pubsubIntrospection() {
    EmbeddedChannel sub = open();
    EmbeddedChannel other = open();
    call(sub, "SUBSCRIBE", "a", "b");
    call(other, "SUBSCRIBE", "a");
    call(sub, "PSUBSCRIBE", "x*", "y*");
    call(other, "PSUBSCRIBE", "x*");
    EmbeddedChannel ch = open();
    assertThat(call(ch, "PUBSUB", "NUMSUB", "a", "b", "c"))
        .isEqualTo("*6\r\n$1\r\na\r\n:2\r\n$1\r\nb\r\n:1\r\n$1\r\nc\r\n:0\r\n");
    assertThat(call(ch, "PUBSUB", "NUMSUB")).isEqualTo("*0\r\n");
    assertThat(call(ch, "PUBSUB", "NUMPAT")).isEqualTo(":2\r\n");
    assertThat(call(ch, "PUBSUB", "CHANNELS", "b*")).isEqualTo("*1\r\n$1\r\nb\r\n");
    assertThat(call(ch, "PUBSUB", "CHANNELS")).contains("$1\r\na\r\n", "$1\r\nb\r\n");
    assertThat(call(ch, "PUBSUB", "CHANNELS", "a", "b"))
        .isEqualTo(
            "-ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB"
                + " HELP.\r\n");
    assertThat(call(ch, "PUBSUB", "NUMPAT", "x"))
        .isEqualTo("-ERR wrong number of arguments for 'pubsub|numpat' command\r\n");
    assertThat(call(ch, "PUBSUB", "FOO"))
        .isEqualTo("-ERR unknown subcommand 'FOO'. Try PUBSUB HELP.\r\n");
    assertThat(call(ch, "SUBSCRIBE"))
        .isEqualTo("-ERR wrong number of arguments for 'subscribe' command\r\n");
    assertThat(call(ch, "PUBLISH", "a"))
        .isEqualTo("-ERR wrong number of arguments for 'publish' command\r\n");
    assertThat(call(ch, "CLIENT", "LIST", "TYPE", "pubsub")).contains("id=", "cmd=psubscribe");
    sub.close();
    other.close();
    assertThat(call(ch, "PUBSUB", "NUMPAT")).isEqualTo(":0\r\n"); // a closed connection leaves
    assertThat(call(ch, "PUBSUB", "CHANNELS")).isEqualTo("*0\r\n");
  }

  @Test
  void aMessageDuringADeferredReply_comesAfterIt() {
    EmbeddedChannel sub = open();
    EmbeddedChannel pub = open();
    call(sub, "HELLO", "3");
    call(sub, "SUBSCRIBE", "a");
    send(sub, command("LATER"));
    call(pub, "PUBLISH", "a", "during");
    assertThat(received(sub)).isEmpty(); // held behind LATER's reply
    later.poll().complete(Reply.bulk("done"));
    assertThat(received(sub))
        .isEqualTo("$4\r\ndone\r\n>3\r\n$7\r\nmessage\r\n$1\r\na\r\n$6\r\nduring\r\n");
  }
}
