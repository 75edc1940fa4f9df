package dev.stateless.edge.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/**
 * A new connection's pipeline: byte counting, {@link RespRequestDecoder}, {@link RespReplyEncoder},
 * {@link RespCommandHandler}, sharing one {@link Client}.
 */
final class EdgeChannelInitializer extends ChannelInitializer<Channel> {
  private final NodeContext node;
  private final Dispatcher dispatcher;
  private final TrafficCounter counter;

  EdgeChannelInitializer(NodeContext node, Dispatcher dispatcher) {
    this.node = node;
    this.dispatcher = dispatcher;
    this.counter = new TrafficCounter(node.stats());
  }

  @Override
  protected void initChannel(Channel ch) {
    Client client =
        new Client(
            node.clients().nextId(), ch, node.config().passwordRequired(), node.clock().millis());
    ch.pipeline()
        .addLast("traffic", counter)
        .addLast("decoder", new RespRequestDecoder(node.config().limits(), client::authRequired))
        .addLast("encoder", new RespReplyEncoder(client))
        .addLast("handler", new RespCommandHandler(node, dispatcher, client));
  }
}
