package dev.stateless.edge.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A node's whole connection pipeline on an {@link EmbeddedChannel}, for codec and command tests.
 */
final class EdgeChannels {
  private EdgeChannels() {}

  static EdgeConfig config() {
    return EdgeConfig.DEFAULTS;
  }

  static EdgeConfig config(@Nullable String requirepass, ProtocolLimits limits, int maxClients) {
    return new EdgeConfig(
        "127.0.0.1",
        0,
        requirepass,
        maxClients,
        limits,
        EdgeConfig.DEFAULT_OUTPUT_BUFFER_LIMIT,
        Duration.ofSeconds(60),
        Duration.ofSeconds(1),
        1);
  }

  static NodeContext node(EdgeConfig config) {
    return NodeContext.create(config, NodeClock.SYSTEM, List.of());
  }

  /** A connection to {@code node}: the pipeline EdgeServer gives each accepted socket. */
  static EmbeddedChannel open(NodeContext node) {
    return new EmbeddedChannel(
        new EdgeChannelInitializer(node, new Dispatcher(node.table(), node.stats(), node.clock())));
  }

  /** Sends {@code text} (Latin-1: one char per byte) as one read. */
  static void send(EmbeddedChannel ch, String text) {
    ch.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
  }

  /** Everything the node wrote so far, as Latin-1 text; the buffers are released. */
  static String replies(EmbeddedChannel ch) {
    StringBuilder out = new StringBuilder();
    if (ch.isOpen()) {
      ch.flushOutbound();
    }
    for (Object msg; (msg = ch.readOutbound()) != null; ) {
      ByteBuf buf = (ByteBuf) msg;
      try {
        out.append(buf.toString(StandardCharsets.ISO_8859_1));
      } finally {
        buf.release();
      }
    }
    return out.toString();
  }

  /** A request as a client library sends it: a multibulk array of bulk strings. */
  static String command(String... args) {
    StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
    for (String arg : args) {
      sb.append('$')
          .append(arg.getBytes(StandardCharsets.ISO_8859_1).length)
          .append("\r\n")
          .append(arg)
          .append("\r\n");
    }
    return sb.toString();
  }

  /** Sends one command and returns the reply text. */
  static String call(EmbeddedChannel ch, String... args) {
    send(ch, command(args));
    return replies(ch);
  }
}
