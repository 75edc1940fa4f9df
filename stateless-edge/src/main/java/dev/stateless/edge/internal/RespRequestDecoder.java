package dev.stateless.edge.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Decodes client requests as redis-server reads them ({@code processMultibulkBuffer} and {@code
 * processInlineBuffer} in its {@code networking.c}): a multibulk array of bulk strings ({@code *2
 * $4 ECHO $2 hi}), or an inline command line ({@code ECHO "hi there"}). Emits a {@link Request} per
 * command and, on input that cannot be a request, one {@link ProtocolError}, after which it
 * discards everything the connection sends.
 *
 * <p>Not Netty's codec-redis ({@code RedisDecoder} with {@code RedisArrayAggregator} and {@code
 * RedisBulkStringAggregator}), because a request is a narrower grammar than a reply and that codec
 * decodes replies: it accepts nested arrays, integers and simple strings inside a request,
 * allocates a list as long as the declared element count before any element arrives ({@code
 * *2147483647} alone would take gigabytes), caps bulk strings at a fixed 512 MB, and its errors are
 * not redis-server's. This decoder keeps redis-server's exact limits and error strings, allocates
 * only for bytes that arrived, and copies each argument once, into an array of its exact length, as
 * its bytes arrive (a 100 MB argument does not wait in the cumulation buffer).
 *
 * <p>Not sharable: one per connection.
 */
public final class RespRequestDecoder extends ByteToMessageDecoder {

  /** Each argument costs its bytes and about this much besides (array header, reference). */
  private static final int ARG_OVERHEAD = 24;

  /** Redis's {@code PROTO_MBULK_BIG_ARG}-like cap on how many argument slots to reserve ahead. */
  private static final int MAX_PREALLOCATED_ARGS = 1024;

  private static final ByteProcessor FIND_LF = ByteProcessor.FIND_LF;

  private static final ByteProcessor FIND_CR = ByteProcessor.FIND_CR;

  private enum State {
    START,
    BULK_LENGTH,
    BULK_DATA,
    BULK_CRLF,
    FAILED
  }

  private final ProtocolLimits limits;
  private final BooleanSupplier authRequired;

  private State state = State.START;
  private int remainingArgs;
  private List<byte[]> args = new ArrayList<>();
  private byte[] bulk = new byte[0];
  private int bulkFilled;
  private long requestBytes;

  /**
   * @param limits the request limits
   * @param authRequired whether the connection still has to authenticate: redis-server then refuses
   *     requests of more than 10 elements or bulk strings over 16 KB before reading them
   */
  public RespRequestDecoder(ProtocolLimits limits, BooleanSupplier authRequired) {
    this.limits = limits;
    this.authRequired = authRequired;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (in.isReadable()) {
      Object decoded =
          switch (state) {
            case START -> in.getByte(in.readerIndex()) == '*' ? multibulkLength(in) : inline(in);
            case BULK_LENGTH -> bulkLength(in);
            case BULK_DATA -> bulkData(in);
            case BULK_CRLF -> bulkEnd(in);
            case FAILED -> {
              in.skipBytes(in.readableBytes());
              yield NEED_MORE;
            }
          };
      if (decoded == NEED_MORE) {
        return;
      }
      if (decoded instanceof ProtocolError) {
        fail();
        in.skipBytes(in.readableBytes());
      }
      if (decoded != CONTINUE) {
        out.add(decoded);
      }
    }
  }

  /** More input is needed before anything can be decoded. */
  private static final Object NEED_MORE = new Object();

  /** Progress was made but nothing is complete yet. */
  private static final Object CONTINUE = new Object();

  private Object inline(ByteBuf in) {
    int start = in.readerIndex();
    int lf = in.forEachByte(FIND_LF);
    if (lf < 0) {
      return in.readableBytes() > ProtocolLimits.INLINE_MAX_SIZE
          ? ProtocolError.malformed("too big inline request")
          : NEED_MORE;
    }
    int end = lf > start && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
    if (end - start > ProtocolLimits.INLINE_MAX_SIZE) {
      return ProtocolError.malformed("too big inline request");
    }
    byte[] line = new byte[end - start];
    in.getBytes(start, line);
    in.readerIndex(lf + 1);
    List<byte[]> parsed = InlineSplitter.split(line);
    if (parsed == null) {
      return ProtocolError.malformed("unbalanced quotes in request");
    }
    if (parsed.isEmpty()) {
      return CONTINUE; // an empty line is no command, and no reply
    }
    return new Request(parsed.toArray(new byte[0][]));
  }

  private Object multibulkLength(ByteBuf in) {
    int cr = in.forEachByte(FIND_CR);
    if (cr < 0) {
      return in.readableBytes() > ProtocolLimits.INLINE_MAX_SIZE
          ? ProtocolError.malformed("too big mbulk count string")
          : NEED_MORE;
    }
    if (cr + 2 > in.writerIndex()) {
      return NEED_MORE; // redis-server waits for the byte after \r and never looks at it
    }
    long count = RedisNumbers.parseLong(in, in.readerIndex() + 1, cr);
    if (count == RedisNumbers.INVALID || count > limits.maxMultibulkLength()) {
      return ProtocolError.malformed("invalid multibulk length");
    }
    if (count > 10 && authRequired.getAsBoolean()) {
      return ProtocolError.malformed("unauthenticated multibulk length");
    }
    in.readerIndex(cr + 2);
    if (count <= 0) {
      return CONTINUE; // *0 and *-1: no command, no reply
    }
    remainingArgs = (int) count;
    args = new ArrayList<>(Math.min(remainingArgs, MAX_PREALLOCATED_ARGS));
    requestBytes = 0;
    state = State.BULK_LENGTH;
    return CONTINUE;
  }

  private Object bulkLength(ByteBuf in) {
    int cr = in.forEachByte(FIND_CR);
    if (cr < 0) {
      return in.readableBytes() > ProtocolLimits.INLINE_MAX_SIZE
          ? ProtocolError.malformed("too big bulk count string")
          : NEED_MORE;
    }
    if (cr + 2 > in.writerIndex()) {
      return NEED_MORE;
    }
    byte first = in.getByte(in.readerIndex());
    if (first != '$') {
      return ProtocolError.malformed("expected '$', got '" + (char) (first & 0xff) + "'");
    }
    long length = RedisNumbers.parseLong(in, in.readerIndex() + 1, cr);
    if (length == RedisNumbers.INVALID || length < 0 || length > limits.maxBulkLength()) {
      return ProtocolError.malformed("invalid bulk length");
    }
    if (length > 16384 && authRequired.getAsBoolean()) {
      return ProtocolError.malformed("unauthenticated bulk length");
    }
    requestBytes += length + ARG_OVERHEAD;
    if (requestBytes > limits.queryBufferLimit()) {
      return ProtocolError.queryBufferLimit(limits.queryBufferLimit());
    }
    in.readerIndex(cr + 2);
    bulk = new byte[(int) length];
    bulkFilled = 0;
    state = State.BULK_DATA;
    return CONTINUE;
  }

  private Object bulkData(ByteBuf in) {
    int n = Math.min(in.readableBytes(), bulk.length - bulkFilled);
    in.readBytes(bulk, bulkFilled, n);
    bulkFilled += n;
    if (bulkFilled < bulk.length) {
      return NEED_MORE;
    }
    state = State.BULK_CRLF;
    return CONTINUE;
  }

  private Object bulkEnd(ByteBuf in) {
    if (in.readableBytes() < 2) {
      return NEED_MORE;
    }
    in.skipBytes(2); // as redis-server: the two bytes after the data are taken to be \r\n
    args.add(bulk);
    bulk = new byte[0];
    if (--remainingArgs > 0) {
      state = State.BULK_LENGTH;
      return CONTINUE;
    }
    Request request = new Request(args.toArray(new byte[0][]));
    args = new ArrayList<>();
    state = State.START;
    return request;
  }

  private void fail() {
    state = State.FAILED;
    args = new ArrayList<>();
    bulk = new byte[0];
  }
}
