package dev.stateless.edge.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Writes each {@link Reply} in the connection's current protocol (RESP2, or RESP3 after {@code
 * HELLO 3}). Not Netty's codec-redis {@code RedisEncoder}: it has no RESP3 types. One per
 * connection.
 */
public final class RespReplyEncoder extends MessageToByteEncoder<Reply> {
  private final Client client;

  /**
   * @param client the connection, whose protocol decides the encoding
   */
  public RespReplyEncoder(Client client) {
    super(Reply.class);
    this.client = client;
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Reply reply, ByteBuf out) {
    reply.writeTo(out, client.protocol());
  }
}
