package dev.stateless.edge.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/** Counts the bytes every connection reads and writes ({@code total_net_*_bytes}). */
@Sharable
final class TrafficCounter extends ChannelDuplexHandler {
  private final NodeStats stats;

  TrafficCounter(NodeStats stats) {
    this.stats = stats;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      stats.netInputBytes.add(buf.readableBytes());
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
      throws Exception {
    if (msg instanceof ByteBuf buf) {
      stats.netOutputBytes.add(buf.readableBytes());
    }
    super.write(ctx, msg, promise);
  }
}
