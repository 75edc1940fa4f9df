package dev.stateless.edge.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a connection's requests in the order they arrive and writes their replies in that order,
 * flushing once per read (pipelining of any depth costs one write per batch).
 *
 * <p>Back-pressure: once the connection's unsent replies pass the output buffer limit (Netty's high
 * water mark, the channel turns unwritable), the handler stops running requests and stops reading
 * the socket, so a client that sends without reading holds at most that many bytes of the node's
 * memory; if it still has not read them after the output buffer timeout, it is disconnected.
 *
 * <p>Limits and errors: over {@code maxclients}, a new connection gets {@code -ERR max number of
 * clients reached} and is closed; after a {@link ProtocolError} the requests before it are
 * answered, then the error, then the connection is closed. One per connection; every method runs on
 * its event loop.
 */
public final class RespCommandHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(RespCommandHandler.class);

  private final NodeContext node;
  private final Dispatcher dispatcher;
  private final Client client;
  private final ArrayDeque<Object> pending = new ArrayDeque<>();
  private boolean admitted;
  private boolean closing;
  private boolean draining;

  /** A command's reply is not ready yet ({@link Reply.Deferred}): later requests wait for it. */
  private boolean waiting;

  private boolean shuttingDown;
  private long unwritableEpisode;

  /** Pushes that came while a deferred reply was outstanding: written right after it. */
  private final ArrayDeque<Reply> heldPushes = new ArrayDeque<>();

  private long heldPushBytes;

  /**
   * @param node the node
   * @param dispatcher runs the commands
   * @param client this connection
   */
  public RespCommandHandler(NodeContext node, Dispatcher dispatcher, Client client) {
    this.node = node;
    this.dispatcher = dispatcher;
    this.client = client;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    node.stats().connectionsReceived.increment();
    if (!node.clients().tryAdd(client)) {
      node.stats().rejectedConnections.increment();
      closing = true;
      log.debug(
          "Refusing {}: max number of clients reached ({})",
          client.address(),
          node.clients().maxClients());
      ctx.writeAndFlush(ErrorReplies.MAX_CLIENTS).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    admitted = true;
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (admitted) {
      node.clients().remove(client);
    }
    pending.clear();
    heldPushes.clear();
    closing = true;
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (closing) {
      return; // Requests and protocol errors hold no buffers: dropping them leaks nothing.
    }
    pending.add(msg);
    drain(ctx);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush();
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    Channel ch = ctx.channel();
    long episode = ++unwritableEpisode;
    if (ch.isWritable()) {
      drain(ctx);
    } else {
      long timeoutNanos = node.config().outputBufferTimeout().toNanos();
      Future<?> unused =
          ctx.executor()
              .schedule(
                  () -> disconnectIfStillUnwritable(ch, episode),
                  timeoutNanos,
                  TimeUnit.NANOSECONDS);
    }
    ctx.fireChannelWritabilityChanged();
  }

  private void disconnectIfStillUnwritable(Channel ch, long episode) {
    if (episode == unwritableEpisode && !ch.isWritable() && ch.isActive()) {
      node.stats().outputBufferLimitDisconnections.increment();
      log.warn(
          "Client {} closed for overcoming of output buffer limits ({} bytes unread for {}).",
          client,
          node.config().outputBufferLimit(),
          node.config().outputBufferTimeout());
      closing = true;
      pending.clear();
      ChannelFuture unused = ch.close();
    }
  }

  /**
   * Stops reading, answers what was read, then closes: one connection's part of a graceful
   * shutdown. Call on the connection's event loop.
   */
  void shutdown(ChannelHandlerContext ctx) {
    shuttingDown = true;
    ctx.channel().config().setAutoRead(false);
    drain(ctx);
  }

  private void drain(ChannelHandlerContext ctx) {
    if (draining) {
      return; // a writability change fired from inside one of our writes; the loop goes on
    }
    Channel ch = ctx.channel();
    draining = true;
    try {
      while (true) {
        while (!pending.isEmpty() && !closing && !waiting && ch.isWritable()) {
          handle(ctx, pending.poll());
        }
        if (closing || waiting || pending.isEmpty()) {
          break;
        }
        ctx.flush(); // unwritable with requests left: the socket may take the replies at once
        if (!ch.isWritable()) {
          break;
        }
      }
    } finally {
      draining = false;
    }
    if (closing) {
      return;
    }
    if (shuttingDown && pending.isEmpty() && !waiting) {
      closeAfterFlush(ctx);
      return;
    }
    boolean read = pending.isEmpty() && !waiting && ch.isWritable() && !shuttingDown;
    if (ch.config().isAutoRead() != read) {
      ch.config().setAutoRead(read);
    }
  }

  private void handle(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Request request) {
      Reply reply = dispatcher.dispatch(client, request);
      if (reply instanceof Reply.Deferred deferred) {
        CompletableFuture<Reply> later = deferred.reply();
        if (!later.isDone()) {
          waiting = true;
          CompletableFuture<?> unused =
              later.whenComplete((r, t) -> ctx.executor().execute(() -> answerLater(ctx, later)));
          return;
        }
        reply = dispatcher.completed(later);
      }
      reply(ctx, reply);
    } else if (msg instanceof ProtocolError error) {
      node.stats().protocolErrors.increment();
      String reply = error.reply();
      if (reply == null) {
        node.stats().queryBufferLimitDisconnections.increment();
        log.warn("Client {} {}", client, error.reason());
      } else {
        node.stats().errorReplies.increment();
        log.debug("Client {}: {}", client, error.reason());
        ChannelFuture unused = ctx.write(Reply.error(reply), ctx.voidPromise());
      }
      closeAfterFlush(ctx);
    } else {
      throw new IllegalStateException("not a request: " + msg.getClass().getName());
    }
  }

  /** Sends a deferred reply once it is ready (on the event loop), then the requests after it. */
  private void answerLater(ChannelHandlerContext ctx, CompletableFuture<Reply> later) {
    waiting = false;
    if (!closing) {
      reply(ctx, dispatcher.completed(later));
      for (Reply push; (push = heldPushes.poll()) != null; ) {
        ChannelFuture unused = ctx.write(push, ctx.voidPromise());
      }
      heldPushBytes = 0;
      drain(ctx);
      ctx.flush();
    }
  }

  /**
   * Writes a push ({@link Pushes}: a pub/sub message, an invalidation) after the replies to the
   * requests already run, so an invalidation never overtakes the read it is about. A push cannot
   * wait for the client to read as requests do: one that finds more than the output buffer limit
   * unsent disconnects the client at once (redis-server's hard limit for pub/sub clients). Call on
   * the event loop.
   *
   * @param bytes about the push's encoded size
   */
  void push(ChannelHandlerContext ctx, Reply push, long bytes) {
    if (closing) {
      return;
    }
    Channel ch = ctx.channel();
    ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
    long unsent = (out == null ? 0 : out.totalPendingWriteBytes()) + heldPushBytes;
    if (unsent + bytes > node.config().outputBufferLimit()) {
      node.stats().outputBufferLimitDisconnections.increment();
      log.warn(
          "Client {} closed for overcoming of output buffer limits ({} bytes unsent, a push of {}"
              + " more, limit {}).",
          client,
          unsent,
          bytes,
          node.config().outputBufferLimit());
      closing = true;
      pending.clear();
      heldPushes.clear();
      heldPushBytes = 0;
      ChannelFuture unused = ch.close();
      return;
    }
    if (waiting) {
      heldPushes.add(push);
      heldPushBytes += bytes;
      return;
    }
    ChannelFuture unused = ctx.write(push, ctx.voidPromise());
    ctx.flush();
  }

  private void reply(ChannelHandlerContext ctx, Reply reply) {
    ChannelFuture unused = ctx.write(reply, ctx.voidPromise());
    if (client.closingAfterReply()) {
      closeAfterFlush(ctx);
    }
  }

  private void closeAfterFlush(ChannelHandlerContext ctx) {
    closing = true;
    pending.clear();
    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException) {
      log.debug("Client {} closed: {}", client, cause.toString());
    } else {
      log.warn("Client {} closed after an unexpected error", client, cause);
    }
    closing = true;
    pending.clear();
    ChannelFuture unused = ctx.close();
  }
}
