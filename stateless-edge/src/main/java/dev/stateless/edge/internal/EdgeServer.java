package dev.stateless.edge.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening node: Netty's server bootstrap over the connection pipeline of {@link
 * EdgeChannelInitializer}, and its graceful shutdown. Thread-safe.
 */
public final class EdgeServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EdgeServer.class);

  /** Redis's {@code tcp-backlog}. */
  private static final int BACKLOG = 511;

  private final NodeContext node;
  private final EventLoopGroup acceptor;
  private final EventLoopGroup workers;
  private final ChannelGroup connections;
  private final Channel listener;
  private final CountDownLatch terminated = new CountDownLatch(1);
  private boolean closed;

  private EdgeServer(
      NodeContext node,
      EventLoopGroup acceptor,
      EventLoopGroup workers,
      ChannelGroup connections,
      Channel listener) {
    this.node = node;
    this.acceptor = acceptor;
    this.workers = workers;
    this.connections = connections;
    this.listener = listener;
  }

  /**
   * Binds and starts serving.
   *
   * @param config the node's settings
   * @param clock the node's time
   * @param commandSets the commands to serve, besides the connection and server commands
   * @return the running server
   * @throws IllegalStateException if the address cannot be bound (in use, not local), with the
   *     address in the message
   */
  public static EdgeServer start(EdgeConfig config, NodeClock clock, List<CommandSet> commandSets) {
    return start(config, Users.NONE, clock, commandSets);
  }

  /**
   * As {@link #start(EdgeConfig, NodeClock, List)}, with component users.
   *
   * @param config the node's settings
   * @param users who may connect besides the default user
   * @param clock the node's time
   * @param commandSets the commands to serve, besides the connection and server commands
   * @return the running server
   */
  public static EdgeServer start(
      EdgeConfig config, Users users, NodeClock clock, List<CommandSet> commandSets) {
    NodeContext node = NodeContext.create(config, users, clock, commandSets);
    Dispatcher dispatcher = new Dispatcher(node.table(), node.stats(), clock);

    EventLoopGroup acceptor =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("stateless-edge-accept", true), NioIoHandler.newFactory());
    EventLoopGroup workers =
        new MultiThreadIoEventLoopGroup(
            config.ioThreads(),
            new DefaultThreadFactory("stateless-edge-io", true),
            NioIoHandler.newFactory());
    ChannelGroup connections =
        new DefaultChannelGroup("stateless-edge", GlobalEventExecutor.INSTANCE);
    EdgeChannelInitializer initializer = new EdgeChannelInitializer(node, dispatcher);
    int limit = (int) config.outputBufferLimit();
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(acceptor, workers)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, BACKLOG)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            .childOption(
                ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(limit / 2, limit))
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    connections.add(ch);
                    ch.pipeline().addLast(initializer);
                  }
                });
    Channel listener;
    try {
      listener = bootstrap.bind(config.bind(), config.port()).syncUninterruptibly().channel();
    } catch (RuntimeException e) {
      acceptor.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly();
      workers.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly();
      throw new IllegalStateException(
          "cannot listen on " + config.bind() + ":" + config.port() + ": " + e, e);
    }
    node.port(((InetSocketAddress) listener.localAddress()).getPort());
    log.info(
        "stateless-edge {} (Redis protocol {}) ready to accept connections on {}:{}",
        NodeContext.statelessVersion(),
        NodeContext.REDIS_VERSION,
        config.bind(),
        node.port());
    return new EdgeServer(node, acceptor, workers, connections, listener);
  }

  /** The port it listens on. */
  public int port() {
    return node.port();
  }

  /** The node's shared state (counters, connections). */
  public NodeContext node() {
    return node;
  }

  /** Blocks until {@link #close()} has finished. */
  public void awaitTermination() throws InterruptedException {
    terminated.await();
  }

  /**
   * Graceful shutdown: stops accepting, stops reading, answers the requests already read, closes
   * every connection (forcibly after the shutdown timeout) and stops the event loops. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      log.info(
          "stateless-edge on port {}: shutting down, {} connections", port(), connections.size());
      listener.close().syncUninterruptibly();
      for (Channel ch : connections) {
        ch.eventLoop()
            .execute(
                () -> {
                  ChannelHandlerContext ctx = ch.pipeline().context(RespCommandHandler.class);
                  if (ctx != null) {
                    ((RespCommandHandler) ctx.handler()).shutdown(ctx);
                  } else {
                    ChannelFuture unused = ch.close();
                  }
                });
      }
      long timeoutMillis = node.config().shutdownTimeout().toMillis();
      if (!connections.newCloseFuture().awaitUninterruptibly(timeoutMillis)) {
        log.warn(
            "closing {} connections that did not finish in {} ms",
            connections.size(),
            timeoutMillis);
        connections.close().awaitUninterruptibly(timeoutMillis);
      }
      workers.shutdownGracefully(0, timeoutMillis, TimeUnit.MILLISECONDS).awaitUninterruptibly();
      acceptor.shutdownGracefully(0, timeoutMillis, TimeUnit.MILLISECONDS).awaitUninterruptibly();
      log.info("stateless-edge on port {}: stopped", port());
    } finally {
      terminated.countDown();
    }
  }
}
