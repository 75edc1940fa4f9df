package dev.stateless.edge.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random and mutated RESP through a connection's whole pipeline: nothing escapes as an
 * exception, every connection either keeps answering with well-formed replies or is closed after a
 * protocol error, and (LeakCheckExtension) no buffer leaks. The seed is fixed for a reproducible
 * build; {@code -Dstateless.fuzz.seed=N} and {@code -Dstateless.fuzz.iterations=N} explore more.
 */
class ProtocolFuzzTest {
  private static final long SEED = Long.getLong("stateless.fuzz.seed", 0x5eed_ed6eL);
  private static final int ITERATIONS = Integer.getInteger("stateless.fuzz.iterations", 2_000);

  /** Small limits, so the fuzzer reaches them. */
  private final NodeContext node =
      EdgeChannels.node(
          EdgeChannels.config(
              null, new ProtocolLimits(2_000, 50, 20_000), EdgeConfig.DEFAULT_MAX_CLIENTS));

  @Test
  void validRequests_getOneWellFormedReplyEach() {
    Random random = new Random(SEED);
    for (int i = 0; i < ITERATIONS / 4; i++) {
      ByteArrayOutputStream requests = new ByteArrayOutputStream();
      int n = 1 + random.nextInt(20);
      for (int j = 0; j < n; j++) {
        requests.writeBytes(RespFuzz.validRequest(random));
      }
      EmbeddedChannel ch = EdgeChannels.open(node);
      feedInChunks(ch, requests.toByteArray(), random, i);
      String out = EdgeChannels.replies(ch);
      assertThat(RespReplies.count(out)).as("iteration %d of seed %d", i, SEED).isEqualTo(n);
      assertThat(ch.isActive()).isTrue();
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void mutatedAndRandomInput_isAnsweredOrClosedWithAProtocolError() {
    Random random = new Random(SEED + 1);
    int closed = 0;
    for (int i = 0; i < ITERATIONS; i++) {
      byte[] input =
          random.nextInt(10) == 0 ? RespFuzz.randomBytes(random) : RespFuzz.mutated(random);
      EmbeddedChannel ch = EdgeChannels.open(node);
      long errorsBefore = node.stats().protocolErrors();
      feedInChunks(ch, input, random, i);
      String out = EdgeChannels.replies(ch);
      String context = "iteration " + i + " of seed " + SEED + ", input " + printable(input);
      int replies;
      try {
        replies = RespReplies.count(out);
      } catch (RuntimeException e) {
        throw new AssertionError("malformed output for " + context + ": " + printable(out), e);
      }
      if (ch.isActive()) {
        assertThat(node.stats().protocolErrors()).as(context).isEqualTo(errorsBefore);
      } else {
        closed++;
        assertThat(node.stats().protocolErrors()).as(context).isEqualTo(errorsBefore + 1);
        String last = RespReplies.last(out);
        if (replies > 0 && last.startsWith("-ERR Protocol error")) {
          assertThat(last).as(context).matches("-ERR Protocol error: [^\r\n]+\r\n");
        } else {
          assertThat(node.stats().queryBufferLimitDisconnections()).as(context).isPositive();
        }
      }
      ch.finishAndReleaseAll();
    }
    assertThat(closed).as("some inputs were malformed").isPositive();
    assertThat(closed).as("some inputs were still requests").isLessThan(ITERATIONS);
  }

  private static void feedInChunks(EmbeddedChannel ch, byte[] input, Random random, int i) {
    int pos = 0;
    while (pos < input.length && ch.isActive()) {
      int n = Math.min(input.length - pos, 1 + random.nextInt(random.nextBoolean() ? 8 : 512));
      try {
        ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(input, pos, pos + n)));
        ch.checkException();
      } catch (RuntimeException e) {
        fail("exception escaped at iteration " + i + ": " + e, e);
      }
      pos += n;
    }
  }

  private static String printable(byte[] input) {
    return printable(
        new String(input, 0, Math.min(input.length, 200), StandardCharsets.ISO_8859_1));
  }

  private static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.substring(0, Math.min(s.length(), 300)).toCharArray()) {
      sb.append(c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\x%02x", (int) c));
    }
    return sb.toString();
  }
}
