package dev.stateless.edge.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import org.jspecify.annotations.Nullable;

/**
 * Writes each {@link Reply} in the connection's current protocol (RESP2, or RESP3 after {@code
 * HELLO 3}), the replies of a pipeline into one buffer: one allocation and one write per batch (up
 * to {@value #BATCH_BYTES} bytes) instead of one per reply. The batch goes down the pipeline at the
 * next flush, before any other outbound message, when it reaches {@value #BATCH_BYTES} bytes (so
 * the channel's writability sees it), or at once for a write that wants its own promise.
 *
 * <p>Not Netty's codec-redis {@code RedisEncoder}: it has no RESP3 types. One per connection.
 */
public final class RespReplyEncoder extends ChannelOutboundHandlerAdapter {
  /** A batch this large is written without waiting for the flush. */
  static final int BATCH_BYTES = 16 * 1024;

  private final Client client;
  private @Nullable ByteBuf batch;

  /**
   * @param client the connection, whose protocol decides the encoding
   */
  public RespReplyEncoder(Client client) {
    this.client = client;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof Reply reply)) {
      writeBatch(ctx);
      ChannelFuture unused = ctx.write(msg, promise);
      return;
    }
    ByteBuf buf = batch;
    if (buf == null) {
      buf = ctx.alloc().ioBuffer();
      batch = buf;
    }
    reply.writeTo(buf, client.protocol());
    if (!promise.isVoid() || buf.readableBytes() >= BATCH_BYTES) {
      batch = null;
      ChannelFuture unused = ctx.write(buf, promise);
    }
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    writeBatch(ctx);
    ctx.flush();
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    discardBatch(); // unflushed writes do not survive a close
    ChannelFuture unused = ctx.close(promise);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    discardBatch();
  }

  private void writeBatch(ChannelHandlerContext ctx) {
    ByteBuf buf = batch;
    if (buf != null) {
      batch = null;
      ChannelFuture unused = ctx.write(buf, ctx.voidPromise());
    }
  }

  private void discardBatch() {
    ByteBuf buf = batch;
    if (buf != null) {
      batch = null;
      buf.release();
    }
  }
}
