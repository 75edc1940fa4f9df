package dev.stateless.edge.internal;

import static dev.stateless.edge.internal.EdgeChannels.command;
import static dev.stateless.edge.internal.EdgeChannels.replies;
import static dev.stateless.edge.internal.EdgeChannels.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.CacheNetworkException;
import dev.stateless.core.Code;
import dev.stateless.core.Diagnostic;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A command whose reply comes later ({@link Reply#later}): the requests pipelined after it wait, so
 * a connection's replies keep the order of its requests; a failure is its coded error reply.
 */
class DeferredReplyTest {
  /** Each {@code LATER} is answered when the test completes its future, in order. */
  private final ArrayDeque<CompletableFuture<Reply>> later = new ArrayDeque<>();

  private final NodeContext node =
      NodeContext.create(
          EdgeChannels.config(),
          NodeClock.SYSTEM,
          List.of(
              table ->
                  table.add(
                      CommandSpec.builder("later", 2)
                          .command(
                              (client, request) -> {
                                CompletableFuture<Reply> f = new CompletableFuture<>();
                                later.add(f);
                                return Reply.later(f);
                              }))));

  @Test
  void requestsAfterADeferredReply_waitForIt_andAreAnsweredInOrder() {
    EmbeddedChannel ch = EdgeChannels.open(node);
    send(
        ch, command("LATER", "a") + command("PING") + command("LATER", "b") + command("ECHO", "x"));

    assertThat(replies(ch)).isEmpty(); // PING waits behind the first LATER
    assertThat(later).hasSize(1); // and the second LATER has not run yet
    later.poll().complete(Reply.bulk("A"));
    ch.runPendingTasks();
    assertThat(replies(ch)).isEqualTo("$1\r\nA\r\n+PONG\r\n");
    assertThat(later).hasSize(1);
    later.poll().complete(Reply.integer(2));
    ch.runPendingTasks();
    assertThat(replies(ch)).isEqualTo(":2\r\n$1\r\nx\r\n");
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void aDeferredFailure_isItsCodedErrorReply_andTheConnectionGoesOn() {
    EmbeddedChannel ch = EdgeChannels.open(node);
    send(ch, command("LATER", "a") + command("PING"));
    later
        .poll()
        .completeExceptionally(
            new CacheNetworkException(
                Diagnostic.error(
                    Code.SL100, "cannot reach redis://h:1/0", "start Redis", List.of()),
                null));
    ch.runPendingTasks();

    assertThat(replies(ch))
        .isEqualTo("-ERR SL100 cannot reach redis://h:1/0; help: start Redis\r\n+PONG\r\n");
    assertThat(node.stats().errorReplies()).isEqualTo(1);
    assertThat(ch.finish()).isFalse();
  }
}
