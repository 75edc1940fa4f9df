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
        requests.writeBytes(validRequest(random));
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
      byte[] input = random.nextInt(10) == 0 ? randomBytes(random) : mutated(random);
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

  private static final String[][] COMMANDS = {
    {"PING"},
    {"PING", "hello"},
    {"ECHO", "x"},
    {"HELLO", "3"},
    {"HELLO", "2"},
    {"CLIENT", "SETNAME", "fuzz"},
    {"CLIENT", "GETNAME"},
    {"CLIENT", "ID"},
    {"SELECT", "0"},
    {"CONFIG", "GET", "*max*"},
    {"COMMAND", "COUNT"},
    {"INFO", "server"},
    {"NOSUCHCOMMAND", "a"},
    {"GET", "k"},
  };

  private static byte[] validRequest(Random random) {
    String[] command = COMMANDS[random.nextInt(COMMANDS.length)].clone();
    if (command[0].equals("ECHO")) {
      byte[] arg = new byte[random.nextInt(300)];
      random.nextBytes(arg);
      return multibulk(command[0].getBytes(StandardCharsets.US_ASCII), arg);
    }
    if (random.nextInt(4) == 0) {
      return (String.join(" ", command) + (random.nextBoolean() ? "\r\n" : "\n"))
          .getBytes(StandardCharsets.US_ASCII);
    }
    byte[][] args = new byte[command.length][];
    for (int i = 0; i < command.length; i++) {
      args[i] = command[i].getBytes(StandardCharsets.US_ASCII);
    }
    return multibulk(args);
  }

  private static byte[] multibulk(byte[]... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (byte[] arg : args) {
      out.writeBytes(("$" + arg.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(arg);
      out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    return out.toByteArray();
  }

  private static byte[] randomBytes(Random random) {
    byte[] bytes = new byte[random.nextInt(random.nextBoolean() ? 64 : 70_000)];
    random.nextBytes(bytes);
    return bytes;
  }

  /** A few valid requests with one to three mutations. */
  private static byte[] mutated(Random random) {
    ByteArrayOutputStream requests = new ByteArrayOutputStream();
    for (int j = 1 + random.nextInt(5); j > 0; j--) {
      requests.writeBytes(validRequest(random));
    }
    byte[] b = requests.toByteArray();
    for (int m = 1 + random.nextInt(3); m > 0; m--) {
      if (b.length == 0) {
        break;
      }
      int at = random.nextInt(b.length);
      switch (random.nextInt(8)) {
        case 0 -> b[at] = (byte) random.nextInt(256); // any byte
        case 1 -> b[at] = (byte) SPECIAL.charAt(random.nextInt(SPECIAL.length()));
        case 2 -> b = Arrays.copyOf(b, at); // truncated
        case 3 -> b = splice(b, at, Math.min(b.length, at + random.nextInt(10)), new byte[0]);
        case 4 -> b = splice(b, at, at, digits(random)); // a length gets longer or odd
        case 5 -> b = splice(b, at, at, "*999999999999\r\n".getBytes(StandardCharsets.US_ASCII));
        case 6 ->
            b =
                splice(
                    b,
                    at,
                    at,
                    ("$" + (1000 + random.nextInt(30_000)) + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        default -> b = splice(b, at, at, "\"unbalanced".getBytes(StandardCharsets.US_ASCII));
      }
    }
    return b;
  }

  private static final String SPECIAL = "*$\r\n-0123456789\"'\\ x";

  private static byte[] digits(Random random) {
    return Integer.toString(random.nextInt(100_000)).getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] splice(byte[] b, int from, int to, byte[] insert) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(b, 0, from);
    out.writeBytes(insert);
    out.write(b, to, b.length - to);
    return out.toByteArray();
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
