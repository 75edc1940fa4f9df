package dev.stateless.edge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RespRequestDecoderTest {

  private static EmbeddedChannel decoder(ProtocolLimits limits, boolean authRequired) {
    return new EmbeddedChannel(new RespRequestDecoder(limits, () -> authRequired));
  }

  private static EmbeddedChannel decoder() {
    return decoder(ProtocolLimits.DEFAULTS, false);
  }

  private static void send(EmbeddedChannel ch, String text) {
    ch.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
  }

  private static List<String> args(Object decoded) {
    assertThat(decoded).isInstanceOf(Request.class);
    Request request = (Request) decoded;
    List<String> args = new ArrayList<>();
    for (int i = 0; i < request.argc(); i++) {
      args.add(request.string(i));
    }
    return args;
  }

  private static String error(EmbeddedChannel ch) {
    Object decoded = ch.readInbound();
    assertThat(decoded).isInstanceOf(ProtocolError.class);
    String reply = ((ProtocolError) decoded).reply();
    return reply == null ? "(closed without reply)" : reply;
  }

  @Test
  void shouldDecodeMultibulk() {
    EmbeddedChannel ch = decoder();
    send(ch, "*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n");
    assertThat(args(ch.readInbound())).containsExactly("ECHO", "hello");
    assertThat(ch.<Object>readInbound()).isNull();
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void shouldDecodeMultibulkDeliveredOneByteAtATime() {
    EmbeddedChannel ch = decoder();
    String request = "*3\r\n$3\r\nSET\r\n$0\r\n\r\n$10\r\n0123456789\r\n";
    for (char c : request.toCharArray()) {
      send(ch, String.valueOf(c));
    }
    assertThat(args(ch.readInbound())).containsExactly("SET", "", "0123456789");
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void shouldDecodeBinaryBulkWithCrlfInside() {
    EmbeddedChannel ch = decoder();
    ByteBuf in = Unpooled.buffer();
    in.writeCharSequence("*2\r\n$4\r\nECHO\r\n$4\r\n", StandardCharsets.US_ASCII);
    in.writeBytes(new byte[] {'\r', '\n', 0, (byte) 0xff});
    in.writeCharSequence("\r\n", StandardCharsets.US_ASCII);
    ch.writeInbound(in);
    Request request = ch.readInbound();
    assertThat(request.arg(1)).containsExactly('\r', '\n', 0, (byte) 0xff);
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void shouldDecodePipelinedRequestsInOrder() {
    EmbeddedChannel ch = decoder();
    send(ch, "*1\r\n$4\r\nPING\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$1\r\nx\r\nECHO y\n");
    assertThat(args(ch.readInbound())).containsExactly("PING");
    assertThat(args(ch.readInbound())).containsExactly("PING");
    assertThat(args(ch.readInbound())).containsExactly("ECHO", "x");
    assertThat(args(ch.readInbound())).containsExactly("ECHO", "y");
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void shouldDecodeInlineCommandWithQuotes() {
    EmbeddedChannel ch = decoder();
    send(ch, "SET  \"a b\\x41\\n\" 'it\\'s'\r\n");
    assertThat(args(ch.readInbound())).containsExactly("SET", "a bA\n", "it's");
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void emptyInlineLineAndEmptyMultibulk_areNoRequest() {
    EmbeddedChannel ch = decoder();
    send(ch, "\r\n   \n*0\r\n*-1\r\nPING\r\n");
    assertThat(args(ch.readInbound())).containsExactly("PING");
    assertThat(ch.<Object>readInbound()).isNull();
    assertThat(ch.finish()).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "*x\\r\\n | ERR Protocol error: invalid multibulk length",
        "*01\\r\\n | ERR Protocol error: invalid multibulk length",
        "*2147483648\\r\\n | ERR Protocol error: invalid multibulk length",
        "*1\\r\\n+PING\\r\\n | ERR Protocol error: expected '$', got '+'",
        "*1\\r\\n$-1\\r\\n | ERR Protocol error: invalid bulk length",
        "*1\\r\\n$abc\\r\\n | ERR Protocol error: invalid bulk length",
        "*1\\r\\n$536870913\\r\\n | ERR Protocol error: invalid bulk length",
        "ECHO \"unterminated\\r\\n | ERR Protocol error: unbalanced quotes in request",
        "ECHO \"a\"b\\r\\n | ERR Protocol error: unbalanced quotes in request",
        "ECHO 'a\\r\\n | ERR Protocol error: unbalanced quotes in request",
      })
  void malformedRequest_isRedisProtocolError(String input, String expected) {
    EmbeddedChannel ch = decoder();
    send(ch, input.replace("\\r", "\r").replace("\\n", "\n"));
    assertThat(error(ch)).isEqualTo(expected);
    // Everything after the error is discarded: the connection is about to close.
    send(ch, "PING\r\n");
    assertThat(ch.<Object>readInbound()).isNull();
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void inlineRequestOver64KB_isTooBig() {
    EmbeddedChannel ch = decoder();
    send(ch, "ECHO " + "x".repeat(ProtocolLimits.INLINE_MAX_SIZE));
    assertThat(error(ch)).isEqualTo("ERR Protocol error: too big inline request");
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void inlineRequestOf64KB_isServed() {
    EmbeddedChannel ch = decoder();
    String arg = "x".repeat(ProtocolLimits.INLINE_MAX_SIZE - 5);
    send(ch, "ECHO " + arg + "\r\n");
    assertThat(args(ch.readInbound())).containsExactly("ECHO", arg);
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void multibulkCountLineOver64KB_isTooBig() {
    EmbeddedChannel ch = decoder();
    send(ch, "*" + "1".repeat(ProtocolLimits.INLINE_MAX_SIZE + 1));
    assertThat(error(ch)).isEqualTo("ERR Protocol error: too big mbulk count string");
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void bulkLengthLineOver64KB_isTooBig() {
    EmbeddedChannel ch = decoder();
    send(ch, "*1\r\n$" + "1".repeat(ProtocolLimits.INLINE_MAX_SIZE + 1));
    assertThat(error(ch)).isEqualTo("ERR Protocol error: too big bulk count string");
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void bulkLongerThanProtoMaxBulkLen_isInvalidBulkLength() {
    EmbeddedChannel ch = decoder(ProtocolLimits.DEFAULTS.withMaxBulkLength(10), false);
    send(ch, "*2\r\n$4\r\nECHO\r\n$10\r\n0123456789\r\n");
    assertThat(args(ch.readInbound())).containsExactly("ECHO", "0123456789");
    send(ch, "*2\r\n$4\r\nECHO\r\n$11\r\n");
    assertThat(error(ch)).isEqualTo("ERR Protocol error: invalid bulk length");
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void moreElementsThanTheMultibulkLimit_isInvalidMultibulkLength() {
    EmbeddedChannel ch = decoder(ProtocolLimits.DEFAULTS.withMaxMultibulkLength(3), false);
    send(ch, "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n*4\r\n");
    assertThat(args(ch.readInbound())).containsExactly("a", "b", "c");
    assertThat(error(ch)).isEqualTo("ERR Protocol error: invalid multibulk length");
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void hugeDeclaredMultibulkCount_allocatesNothingAhead() {
    EmbeddedChannel ch = decoder();
    send(ch, "*2147483647\r\n$4\r\nPING\r\n");
    assertThat(ch.<Object>readInbound()).isNull(); // waits for the other elements, holds one
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void requestOverQueryBufferLimit_closesWithoutReply() {
    EmbeddedChannel ch = decoder(ProtocolLimits.DEFAULTS.withQueryBufferLimit(100), false);
    send(ch, "*2\r\n$4\r\nECHO\r\n$200\r\n");
    assertThat(error(ch)).isEqualTo("(closed without reply)");
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void unauthenticatedConnection_mayNotSendLargeRequests() {
    EmbeddedChannel ch = decoder(ProtocolLimits.DEFAULTS, true);
    send(ch, "*11\r\n");
    assertThat(error(ch)).isEqualTo("ERR Protocol error: unauthenticated multibulk length");
    assertThat(ch.finish()).isFalse();

    EmbeddedChannel bulk = decoder(ProtocolLimits.DEFAULTS, true);
    send(bulk, "*2\r\n$4\r\nAUTH\r\n$16385\r\n");
    assertThat(error(bulk)).isEqualTo("ERR Protocol error: unauthenticated bulk length");
    assertThat(bulk.finish()).isFalse();
  }

  @Test
  void partialRequestAtClose_isDiscarded() {
    EmbeddedChannel ch = decoder();
    send(ch, "*2\r\n$4\r\nECHO\r\n$100\r\nabc");
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void parseLong_followsRedisString2ll() {
    assertThat(RedisNumbers.parseLong("0".getBytes(StandardCharsets.US_ASCII))).isZero();
    assertThat(RedisNumbers.parseLong("-12".getBytes(StandardCharsets.US_ASCII))).isEqualTo(-12);
    assertThat(RedisNumbers.parseLong("9223372036854775807".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo(Long.MAX_VALUE);
    for (String bad : List.of("", "-", "+1", "01", " 1", "1 ", "9223372036854775808", "1x")) {
      assertThat(RedisNumbers.parseLong(bad.getBytes(StandardCharsets.US_ASCII)))
          .as(bad)
          .isEqualTo(RedisNumbers.INVALID);
    }
  }
}
