package dev.stateless.edge.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * Sends pushes (pub/sub messages, invalidations) to a connection from any thread: on the
 * connection's event loop, through its {@link RespCommandHandler#push}, so they take their place
 * among its replies and count against its output buffer limit.
 */
final class Pushes {
  private Pushes() {}

  /** About the bytes a push adds to its frame's payload: the type, lengths and CRLFs. */
  static final int FRAME_BYTES = 64;

  /**
   * Sends {@code push} to {@code target}: after the reply of the command running now, or, when
   * {@code target} is the connection running it ({@code current}, as a {@code PUBLISH} to a channel
   * its own connection subscribed), before that reply, as redis-server does.
   *
   * @param bytes about the push's encoded size
   */
  static void send(Client target, @Nullable Client current, Reply push, long bytes) {
    Channel ch = target.channel();
    if (target == current && ch.eventLoop().inEventLoop()) {
      write(ch, push, bytes);
      return;
    }
    try {
      ch.eventLoop().execute(() -> write(ch, push, bytes));
    } catch (RejectedExecutionException e) {
      // the node is shutting down: the connection is closing, nothing is owed to it
    }
  }

  private static void write(Channel ch, Reply push, long bytes) {
    ChannelHandlerContext ctx = ch.pipeline().context(RespCommandHandler.class);
    if (ctx != null) {
      ((RespCommandHandler) ctx.handler()).push(ctx, push, bytes);
    }
  }
}
