package dev.stateless.edge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RespReplyEncoderTest {

  private static String encode(Reply reply, int protocol) {
    ByteBuf out = Unpooled.buffer();
    try {
      reply.writeTo(out, protocol);
      return out.toString(StandardCharsets.ISO_8859_1);
    } finally {
      out.release();
    }
  }

  @Test
  void scalars_areTheSameInBothProtocols() {
    for (int protocol : new int[] {2, 3}) {
      assertThat(encode(Reply.OK, protocol)).isEqualTo("+OK\r\n");
      assertThat(encode(Reply.error("ERR x"), protocol)).isEqualTo("-ERR x\r\n");
      assertThat(encode(Reply.integer(-42), protocol)).isEqualTo(":-42\r\n");
      assertThat(encode(Reply.bulk("héllo"), protocol)).isEqualTo("$6\r\nh\u00c3\u00a9llo\r\n");
      assertThat(encode(Reply.bulk(new byte[0]), protocol)).isEqualTo("$0\r\n\r\n");
    }
  }

  @Test
  void error_replacesNewlinesWithSpaces() {
    assertThat(encode(Reply.error("ERR a\r\nb"), 2)).isEqualTo("-ERR a  b\r\n");
  }

  @Test
  void nulls_areTypedInResp2AndUnderscoreInResp3() {
    assertThat(encode(Reply.NULL_BULK, 2)).isEqualTo("$-1\r\n");
    assertThat(encode(Reply.NULL_ARRAY, 2)).isEqualTo("*-1\r\n");
    assertThat(encode(Reply.NULL_BULK, 3)).isEqualTo("_\r\n");
    assertThat(encode(Reply.NULL_ARRAY, 3)).isEqualTo("_\r\n");
  }

  @Test
  void map_isFlatArrayInResp2() {
    Reply map = Reply.map(List.of(Reply.bulk("a"), Reply.integer(1)));
    assertThat(encode(map, 2)).isEqualTo("*2\r\n$1\r\na\r\n:1\r\n");
    assertThat(encode(map, 3)).isEqualTo("%1\r\n$1\r\na\r\n:1\r\n");
  }

  @Test
  void setAndPush_areArraysInResp2() {
    Reply set = Reply.set(List.of(Reply.simple("x")));
    Reply push = Reply.push(List.of(Reply.bulk("invalidate")));
    assertThat(encode(set, 2)).isEqualTo("*1\r\n+x\r\n");
    assertThat(encode(set, 3)).isEqualTo("~1\r\n+x\r\n");
    assertThat(encode(push, 2)).isEqualTo("*1\r\n$10\r\ninvalidate\r\n");
    assertThat(encode(push, 3)).isEqualTo(">1\r\n$10\r\ninvalidate\r\n");
  }

  @Test
  void booleanDoubleAndVerbatim_fallBackInResp2() {
    assertThat(encode(Reply.bool(true), 3)).isEqualTo("#t\r\n");
    assertThat(encode(Reply.bool(false), 2)).isEqualTo(":0\r\n");
    assertThat(encode(Reply.doubleValue(1.5), 3)).isEqualTo(",1.5\r\n");
    assertThat(encode(Reply.doubleValue(Double.NEGATIVE_INFINITY), 3)).isEqualTo(",-inf\r\n");
    assertThat(encode(Reply.doubleValue(3), 2)).isEqualTo("$1\r\n3\r\n");
    assertThat(encode(Reply.verbatim("txt", "a:b"), 3)).isEqualTo("=7\r\ntxt:a:b\r\n");
    assertThat(encode(Reply.verbatim("txt", "a:b"), 2)).isEqualTo("$3\r\na:b\r\n");
  }

  @Test
  void nestedArray() {
    Reply reply = Reply.array(List.of(Reply.array(List.of()), Reply.NULL_BULK));
    assertThat(encode(reply, 2)).isEqualTo("*2\r\n*0\r\n$-1\r\n");
  }
}
