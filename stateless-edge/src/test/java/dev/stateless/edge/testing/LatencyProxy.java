package dev.stateless.edge.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy on a free loopback port that delays every byte by a one-way delay plus a random
 * jitter, in each direction: one simulated WAN link between two processes on 127.0.0.1 (kernel
 * {@code netem} is not available here). Bytes keep their order: a chunk is never released before
 * the one read before it, so the jitter stretches the delay but never reorders a TCP stream.
 *
 * <pre>{@code
 * try (LatencyProxy link = LatencyProxy.start(redisPort, Duration.ofMillis(30), Duration.ofMillis(5))) {
 *   String uri = "redis://127.0.0.1:" + link.port(); // 60-70 ms round trips to Redis
 * }
 * }</pre>
 *
 * <p>Loopback only: it listens on and connects to the loopback address. Closing it closes every
 * connection through it. Thread-safe; {@link #delay} applies to bytes read from then on.
 */
public final class LatencyProxy implements AutoCloseable {
  private final EventLoopGroup group;
  private final Channel server;
  private final int target;

  /** Every relay, to release what each holds when the proxy closes (a few per connection). */
  private final Set<Relay> relays = ConcurrentHashMap.newKeySet();

  private volatile long delayNanos;
  private volatile long jitterNanos;

  private LatencyProxy(int target, Duration delay, Duration jitter) {
    this.target = target;
    delay(delay, jitter);
    this.group =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("latency-proxy", true), NioIoHandler.newFactory());
    try {
      this.server =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childOption(ChannelOption.AUTO_READ, false)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel client) {
                      client.pipeline().addLast(new Inbound());
                    }
                  })
              .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
              .syncUninterruptibly()
              .channel();
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw e;
    }
  }

  /**
   * Starts a proxy to {@code 127.0.0.1:targetPort}.
   *
   * @param targetPort the port the proxied process listens on
   * @param oneWayDelay the delay of every byte, in each direction
   * @param jitter the most a random extra delay adds (uniform from zero), in each direction
   * @return the running proxy
   * @throws IllegalArgumentException if a duration is negative
   */
  public static LatencyProxy start(int targetPort, Duration oneWayDelay, Duration jitter) {
    return new LatencyProxy(targetPort, oneWayDelay, jitter);
  }

  /**
   * Returns the port clients connect to.
   *
   * @return the proxy's loopback port
   */
  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /**
   * Changes the delay of the bytes read from now on.
   *
   * @param oneWayDelay the delay of every byte, in each direction
   * @param jitter the most a random extra delay adds
   * @throws IllegalArgumentException if a duration is negative
   */
  public void delay(Duration oneWayDelay, Duration jitter) {
    if (oneWayDelay.isNegative() || jitter.isNegative()) {
      throw new IllegalArgumentException(
          "negative delay " + oneWayDelay + " or jitter " + jitter + " of a LatencyProxy");
    }
    this.delayNanos = oneWayDelay.toNanos();
    this.jitterNanos = jitter.toNanos();
  }

  private long nextDelay() {
    long j = jitterNanos;
    return delayNanos + (j > 0 ? ThreadLocalRandom.current().nextLong(j + 1) : 0);
  }

  /** The client's side: connects to the target, then relays both ways. */
  private final class Inbound extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      Channel client = ctx.channel();
      new Bootstrap()
          .group(client.eventLoop())
          .channel(NioSocketChannel.class)
          .option(ChannelOption.AUTO_READ, false)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(new Relay(client))
          .connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target))
          .addListener(
              (ChannelFutureListener)
                  f -> {
                    if (!f.isSuccess()) {
                      client.close();
                      return;
                    }
                    Channel upstream = f.channel();
                    client.pipeline().replace(this, "relay", new Relay(upstream));
                    client.read();
                    upstream.read();
                  });
    }
  }

  /**
   * Relays what one channel reads to {@code to}, each chunk after its delay and never before the
   * chunk read before it; a close follows the last chunk. Runs on the proxy's one event loop.
   */
  private final class Relay extends ChannelInboundHandlerAdapter {
    private final Channel to;
    private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
    private long lastRelease;

    Relay(Channel to) {
      this.to = to;
      relays.add(this);
    }

    private long waitNanos() {
      long now = System.nanoTime();
      lastRelease = Math.max(now + nextDelay(), lastRelease);
      return Math.max(0, lastRelease - now);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof ByteBuf bytes)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      pending.add(bytes);
      var unused = ctx.executor().schedule(this::releaseOne, waitNanos(), TimeUnit.NANOSECONDS);
      ctx.read();
    }

    /** Sends the oldest chunk: the tasks run in the order of their nondecreasing deadlines. */
    private void releaseOne() {
      ByteBuf bytes = pending.poll();
      if (bytes == null) {
        return; // dropped by close
      }
      if (to.isActive()) {
        var unused = to.writeAndFlush(bytes);
      } else {
        bytes.release();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      var unused = ctx.executor().schedule(() -> to.close(), waitNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // a reset connection: its peer is closed after what was read before
    }

    /** Drops what was not sent yet (the proxy closes). */
    void drop() {
      ByteBuf b;
      while ((b = pending.poll()) != null) {
        b.release();
      }
      to.close();
    }
  }

  /** Closes the listening socket and every connection through the proxy. */
  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group
        .submit(
            () -> {
              for (Relay r : relays) {
                r.drop();
              }
            })
        .syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Override
  public String toString() {
    return "LatencyProxy(127.0.0.1:" + port() + " -> 127.0.0.1:" + target + ")";
  }
}
