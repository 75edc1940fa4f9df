package dev.stateless.internal.redis;

import dev.stateless.internal.Futures;
import io.lettuce.core.Delegating;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisChannelWriter;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.DefaultEndpoint;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a Sentinel store's master through failovers. Lettuce asks the sentinels for the master on
 * every connect and reconnect, but a connection that stays up stays with the old master, and
 * Sentinel leaves that one writable until it turns it into a replica (about ten seconds after a
 * {@code SENTINEL FAILOVER}): what it acknowledges after the replica was promoted is lost then, and
 * readers there see none of the new master's writes. So this subscribes to every sentinel's events:
 *
 * <ul>
 *   <li>{@code +failover-state-send-slaveof-noone}, the leader sentinel about to promote a replica
 *       of the store's master: from then calls fail fast ({@link #failingOver()}) rather than be
 *       acknowledged by the old master and lost, until a data connection reaches another server,
 *       the failover is aborted ({@code -failover-abort-*}), or {@value #FENCE_SECONDS} seconds
 *       pass;
 *   <li>{@code +switch-master}: the client's data connections to the old master are disconnected,
 *       and Lettuce reconnects them through the sentinels, to the new one. A sentinel that has not
 *       heard of the switch yet may still name the old master for a moment, so a connection that
 *       lands there soon after a switch is disconnected again.
 * </ul>
 */
final class SentinelFollower implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SentinelFollower.class);

  /** The channel on which a sentinel announces a new master: "name oldip oldport newip newport". */
  static final String SWITCH_MASTER = "+switch-master";

  /**
   * The leader sentinel is about to promote a replica ("slave ip:port ip port @ name ip port"): the
   * old master's writes from now on would not reach it.
   */
  static final String PROMOTING = "+failover-state-send-slaveof-noone";

  /** The failover of a master ("master name ip port") stopped before its switch. */
  static final String ABORTED = "-failover-abort-*";

  /** The longest calls fail fast for a failover: a failover ends in a second or two. */
  static final int FENCE_SECONDS = 5;

  /** How long after a switch the old master still counts as stale (Sentinel's own delay). */
  private static final long STALE_NANOS = TimeUnit.SECONDS.toNanos(15);

  private static final long RETRY_MILLIS = 1000;

  /** The master's last switch: the address it left. */
  private record Switch(String host, int port, long atNanos) {}

  private final RedisClient client;
  private final String master;
  private final String description;

  /** The client's data connections (no sentinel or pub/sub ones), each with its last address. */
  private final Map<RedisChannelHandler<?, ?>, SocketAddress> connections =
      new ConcurrentHashMap<>();

  private volatile @Nullable Switch last;

  /** The failover under way: the master being left; null when none. */
  private volatile @Nullable Switch failover;

  private volatile boolean closed;

  private SentinelFollower(RedisClient client, String master, String description) {
    this.client = client;
    this.master = master;
    this.description = description;
  }

  /**
   * Follows the master of a Sentinel URI (null for any other URI): call before the client's first
   * connection, so that every data connection is seen. Subscribes in the background, retrying a
   * sentinel it cannot reach.
   */
  static @Nullable SentinelFollower follow(RedisClient client, RedisURI uri, String description) {
    if (uri.getSentinels().isEmpty()) {
      return null;
    }
    SentinelFollower f = new SentinelFollower(client, uri.getSentinelMasterId(), description);
    client.addListener(
        new RedisConnectionStateListener() {
          @Override
          public void onRedisConnected(RedisChannelHandler<?, ?> c, SocketAddress address) {
            f.connected(c, address);
          }
        });
    for (RedisURI sentinel : uri.getSentinels()) {
      f.subscribe(sentinel);
    }
    return f;
  }

  private void connected(RedisChannelHandler<?, ?> c, SocketAddress address) {
    if (!(c instanceof StatefulRedisConnection) || c instanceof StatefulRedisPubSubConnection) {
      return; // a sentinel's: lookups and the subscriptions below
    }
    connections.put(c, address);
    Switch f = failover;
    if (f != null && !at(address, f)) {
      failover = null; // a data connection reached another server: calls may go on
    }
    Switch s = last;
    if (s != null && System.nanoTime() - s.atNanos < STALE_NANOS && at(address, s)) {
      LOG.debug("{}: reconnected to the old master {}, again", description, address);
      disconnect(c);
    }
  }

  private void subscribe(RedisURI sentinel) {
    if (closed) {
      return;
    }
    Futures.whenDone(
        client.connectPubSubAsync(StringCodec.UTF8, sentinel).toCompletableFuture(),
        (c, failure) -> {
          if (failure != null) {
            LOG.debug(
                "{}: cannot subscribe to sentinel {}, retrying: {}",
                description,
                sentinel,
                String.valueOf(failure));
            retry(sentinel);
            return;
          }
          c.addListener(
              new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                  if (channel.equals(SWITCH_MASTER)) {
                    switched(message);
                  } else {
                    promoting(message);
                  }
                }

                @Override
                public void message(String pattern, String channel, String message) {
                  aborted(message);
                }
              });
          // Lettuce subscribes again on every reconnect
          Futures.bestEffort(c.async().subscribe(SWITCH_MASTER, PROMOTING), "SUBSCRIBE");
          Futures.bestEffort(c.async().psubscribe(ABORTED), "PSUBSCRIBE");
          if (closed && c.isOpen()) { // closed meanwhile: the client's shutdown missed it
            Futures.bestEffort(c.closeAsync(), "closing a sentinel subscription");
          }
        });
  }

  private void retry(RedisURI sentinel) {
    try {
      Future<?> unused =
          client
              .getResources()
              .eventExecutorGroup()
              .schedule(() -> subscribe(sentinel), RETRY_MILLIS, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // the client is shutting down
    }
  }

  /**
   * Whether calls must fail fast: a failover of the master is under way, and the old master's
   * writes would be lost.
   */
  boolean failingOver() {
    Switch f = failover;
    if (f == null) {
      return false;
    }
    if (System.nanoTime() - f.atNanos > TimeUnit.SECONDS.toNanos(FENCE_SECONDS)) {
      failover = null; // never ended as it should: better the old master than no master
      return false;
    }
    return true;
  }

  /** Why calls fail while {@link #failingOver()}. */
  RedisException failingOverCause() {
    return new RedisException(
        "failover of master "
            + master
            + " under way (a replica is being promoted). Commands are rejected until the new"
            + " master is reached, rather than acknowledged by the old one and lost.");
  }

  /** A {@code +failover-state-send-slaveof-noone} message: is it this store's master's? */
  private void promoting(String message) {
    String[] parts = message.split(" ", -1);
    int at = List.of(parts).indexOf("@");
    if (at < 0 || at + 3 >= parts.length || !parts[at + 1].equals(master) || !port(parts[at + 3])) {
      return;
    }
    failover = new Switch(parts[at + 2], Integer.parseInt(parts[at + 3]), System.nanoTime());
    LOG.info(
        "{}: failover of master {} under way; calls fail fast until it is done",
        description,
        master);
  }

  /** A {@code -failover-abort-*} message ("master name ip port"): the master stays. */
  private void aborted(String message) {
    String[] parts = message.split(" ", -1);
    if (parts.length == 4 && parts[1].equals(master)) {
      failover = null;
    }
  }

  private static boolean port(String text) {
    return text.matches("[0-9]{1,5}");
  }

  /** A {@code +switch-master} message: when it is this store's master, leave the old one. */
  private void switched(String message) {
    String[] parts = message.split(" ", -1);
    if (parts.length != 5 || !parts[0].equals(master) || !port(parts[2])) {
      return;
    }
    Switch s = new Switch(parts[1], Integer.parseInt(parts[2]), System.nanoTime());
    last = s;
    LOG.info(
        "{}: master {} moved from {}:{} to {}:{}",
        description,
        master,
        parts[1],
        parts[2],
        parts[3],
        parts[4]);
    connections.forEach(
        (c, address) -> {
          if (c.isClosed()) {
            connections.remove(c);
          } else if (at(address, s)) {
            disconnect(c);
          }
        });
  }

  private static boolean at(SocketAddress address, Switch s) {
    if (!(address instanceof InetSocketAddress a) || a.getPort() != s.port) {
      return false;
    }
    return a.getHostString().equals(s.host)
        || (a.getAddress() != null && a.getAddress().getHostAddress().equals(s.host));
  }

  /** Closes the connection's channel, not the connection: Lettuce reconnects it. */
  private static void disconnect(RedisChannelHandler<?, ?> c) {
    RedisChannelWriter w = c.getChannelWriter();
    while (w instanceof Delegating<?> d && d.getDelegate() instanceof RedisChannelWriter inner) {
      w = inner;
    }
    if (w instanceof DefaultEndpoint endpoint) {
      endpoint.disconnect();
    } else {
      LOG.warn("cannot disconnect a {}", w.getClass().getName());
    }
  }

  /** Stops subscribing; the client's shutdown closes the subscriptions made. */
  @Override
  public void close() {
    closed = true;
  }
}
