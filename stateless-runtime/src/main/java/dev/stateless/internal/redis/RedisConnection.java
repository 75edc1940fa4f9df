package dev.stateless.internal.redis;

import dev.stateless.internal.Errors;
import dev.stateless.internal.Futures;
import dev.stateless.internal.InvalidationListener;
import dev.stateless.internal.Threads;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.BooleanOutput;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.output.ObjectOutput;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.output.ValueOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lettuce side of a {@link RedisStore}: the client (a {@link RedisClient}, or a {@link
 * RedisClusterClient} for Redis Cluster, which routes each command to its slot's master and follows
 * MOVED, ASK and topology changes) and its one connection (commands are not flushed one by one but
 * in groups, see {@link #flushed}), connecting at once or in the background, loading the scripts on
 * every (re)connect, EVALSHA with the EVAL fallback on NOSCRIPT, the invalidation reader's
 * lifecycle, the cluster's wake-ups ({@link ClusterInvalidations#WAKE}), and every failure mapped
 * by {@link RedisExceptions}. It knows nothing of keys, arguments or replies: {@link RedisStore}
 * does.
 */
final class RedisConnection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisConnection.class);
  private static final long MAX_CONNECT_BACKOFF_MILLIS = 1000;

  static final RedisCodec<String, byte[]> CODEC =
      RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  /** The server, or a cluster's seed nodes. */
  private final List<RedisURI> uris;

  private final boolean cluster;
  private final String description;
  private final Duration timeout;

  /** Null until {@link #connect}, which every command follows. */
  private @Nullable AbstractRedisClient client;

  private volatile @Nullable StatefulConnection<String, byte[]> connection;

  /** Null until connected: published last, once everything {@link #open} does is done. */
  private volatile @Nullable RedisClusterAsyncCommands<String, byte[]> async;

  private @Nullable ExecutorService scans; // null until connect()
  private volatile @Nullable LogReader invalidations;

  /** Slots written since the last wake-up was sent (Redis Cluster); guarded by itself. */
  private final BitSet wake = new BitSet();

  /** Connects in the background when the store started disconnected; null otherwise. */
  private volatile @Nullable Thread connector;

  private volatile boolean closing;

  /** Why the last connection attempt failed, while the store has never connected. */
  private volatile @Nullable Throwable connectFailure;

  private final AtomicBoolean flushScheduled = new AtomicBoolean();

  /**
   * Held while a command is handed to Lettuce, and while the held-back writes ({@link #holdBack})
   * are: so a command issued after a held-back write goes out after it.
   */
  private final ReentrantLock issuing = new ReentrantLock();

  /**
   * Issues the writes held back for the next flush; null: none are. Runs under {@link #issuing}.
   */
  private volatile @Nullable Runnable heldBack;

  /** Whether {@link #heldBack} is running (it issues commands itself). */
  private boolean issuingHeldBack;

  private @Nullable ExecutorService flusher; // null until connect()

  /** Moves the connections to a new master after a Sentinel failover; null: no Sentinel. */
  private volatile @Nullable SentinelFollower follower;

  /** The TLS options of a rediss:// URI with its own trusted certificates; null: Lettuce's. */
  private final @Nullable SslOptions ssl;

  /** Confirms writes on replicas before they are acknowledged; null: the master's reply will do. */
  private final @Nullable ReplicaAcks acks;

  /**
   * @param replicas the replicas that must confirm each write before it is acknowledged (0: none,
   *     {@link ReplicaAcks#AUTO}: one where the master has one)
   */
  RedisConnection(
      List<RedisURI> uris,
      boolean cluster,
      String description,
      @Nullable SslOptions ssl,
      int replicas) {
    this.uris = List.copyOf(uris);
    this.cluster = cluster;
    this.description = description;
    this.timeout = uris.get(0).getTimeout();
    this.ssl = ssl;
    this.acks =
        replicas == 0 ? null : new ReplicaAcks(replicas, description, timeout, this::flushSoon);
  }

  /**
   * Connects (once: {@link RedisStore#bind} sees to it); when Redis is down, throws the coded
   * network error, or, with {@code mayStartDown}, starts disconnected and connects in the
   * background (every call fails fast with SL100 until then, and {@link #live()} is false). Starts
   * the invalidation reader when there is a listener. Returns whether it is connected.
   */
  boolean connect(
      String nodeId,
      @Nullable InvalidationListener listener,
      List<String> owners,
      boolean mayStartDown) {
    AbstractRedisClient client = createClient();
    this.client = client;
    if (client instanceof RedisClient standalone) {
      follower = SentinelFollower.follow(standalone, uris.get(0), description);
    }
    StatefulConnection<String, byte[]> first;
    try {
      first = newConnection();
    } catch (RedisException e) {
      if (!mayStartDown) {
        LettuceClients.shutdown(client, Duration.ZERO);
        throw Errors.unreachable(description, e);
      }
      connectFailure = e;
      startExecutors();
      Thread connector =
          new Thread(
              () -> connectInBackground(nodeId, listener, owners),
              "stateless-redis-connect-" + description);
      this.connector = connector;
      connector.setDaemon(true);
      connector.start();
      return false;
    }
    startExecutors();
    try {
      open(first, nodeId, listener, owners);
    } catch (RuntimeException e) {
      throw RedisExceptions.fromLettuce(description, timeout, e);
    }
    return true;
  }

  /**
   * The client: each command times out after the URI's timeout. One server's commands are refused
   * while it is disconnected (SL100 at once); a cluster's wait for their node's connection, and a
   * cluster client refreshes its view of the slots when a command meets MOVED, ASK or a failed
   * node, and every 10 seconds.
   */
  @SuppressWarnings("deprecation") // the adaptive triggers: Lettuce 7 marks them, has no successor
  private AbstractRedisClient createClient() {
    SocketOptions socket = SocketOptions.builder().connectTimeout(timeout).build();
    if (cluster) {
      RedisClusterClient c = RedisClusterClient.create(uris);
      // Commands wait for a node's connection (within their timeout) rather than fail at once: a
      // cluster connection opens node connections as commands need them, and reconnects them
      // to new masters after a failover.
      ClusterClientOptions.Builder options =
          ClusterClientOptions.builder()
              .autoReconnect(true)
              .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
              .timeoutOptions(TimeoutOptions.enabled(timeout))
              .socketOptions(socket)
              .topologyRefreshOptions(
                  ClusterTopologyRefreshOptions.builder()
                      .enablePeriodicRefresh(Duration.ofSeconds(10))
                      .enableAdaptiveRefreshTrigger(
                          ClusterTopologyRefreshOptions.RefreshTrigger.values())
                      .adaptiveRefreshTriggersTimeout(Duration.ofMillis(500))
                      .build());
      if (ssl != null) {
        options.sslOptions(ssl);
      }
      c.setOptions(options.build());
      return c;
    }
    RedisClient c = RedisClient.create(uris.get(0));
    ClientOptions.Builder options =
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(timeout))
            .socketOptions(socket);
    if (ssl != null) {
      options.sslOptions(ssl); // the client's every connection: commands and the stream reader
    }
    c.setOptions(options.build());
    return c;
  }

  /**
   * Opens the connection to every master now: a cluster connection opens them as commands need
   * them, and the first calls would wait for that.
   */
  private static void connectToMasters(StatefulRedisClusterConnection<String, byte[]> c) {
    for (RedisClusterNode n : c.getPartitions()) {
      if (n.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
        c.getConnection(n.getNodeId());
      }
    }
  }

  /**
   * Runs a script without keys on every master of the cluster, with the arguments {@code args}
   * makes of the master's slots; the replies in no particular order.
   */
  <T> CompletableFuture<List<T>> scriptOnEachMaster(
      Script s, ScriptOutputType type, Function<int[], byte[][]> args) {
    StatefulConnection<String, byte[]> c = connection;
    if (!(c instanceof StatefulRedisClusterConnection<String, byte[]> rc)) {
      return CompletableFuture.failedFuture(down() != null ? down() : Errors.closed());
    }
    List<CompletableFuture<T>> replies = new java.util.ArrayList<>();
    try {
      for (RedisClusterNode n : rc.getPartitions()) {
        if (n.is(RedisClusterNode.NodeFlag.UPSTREAM) && !n.getSlots().isEmpty()) {
          int[] slots = n.getSlots().stream().mapToInt(Integer::intValue).toArray();
          byte[][] a = args.apply(slots);
          var node = rc.getConnection(n.getNodeId()).async();
          CompletableFuture<T> out = new CompletableFuture<>();
          Futures.whenDone(
              node.<T>evalsha(s.sha(), type, new String[0], a).toCompletableFuture(),
              (v, t) -> {
                if (t == null) {
                  out.complete(v);
                } else if (RedisExceptions.isNoScript(t)) {
                  Futures.whenDone(
                      node.<T>eval(s.text(), type, new String[0], a).toCompletableFuture(),
                      (v2, t2) -> complete(out, v2, t2));
                } else {
                  out.completeExceptionally(t);
                }
              });
          replies.add(translate(out));
        }
      }
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(RedisExceptions.fromLettuce(description, timeout, e));
    }
    return CompletableFuture.allOf(replies.toArray(new CompletableFuture<?>[0]))
        .thenApply(
            v -> {
              List<T> out = new java.util.ArrayList<>();
              for (CompletableFuture<T> r : replies) {
                out.add(r.join());
              }
              return out;
            });
  }

  /** A new connection of the client (to the cluster, for a cluster client). */
  private StatefulConnection<String, byte[]> newConnection() {
    AbstractRedisClient c = Objects.requireNonNull(client, "client");
    return c instanceof RedisClusterClient rc
        ? rc.connect(CODEC)
        : ((RedisClient) c).connect(CODEC);
  }

  private static RedisClusterAsyncCommands<String, byte[]> asyncOf(
      StatefulConnection<String, byte[]> c) {
    return c instanceof StatefulRedisClusterConnection<String, byte[]> rc
        ? rc.async()
        : ((StatefulRedisConnection<String, byte[]>) c).async();
  }

  private void startExecutors() {
    flusher = Threads.single("stateless-redis-flush");
    scans = Threads.cached("stateless-redis-scan");
  }

  /**
   * Makes a new connection this store's: starts the invalidation reader (where the streams end now:
   * nothing was filled from Redis yet), then loads the scripts and publishes the commands. On
   * failure closes what it opened and throws.
   */
  private void open(
      StatefulConnection<String, byte[]> conn,
      String nodeId,
      @Nullable InvalidationListener listener,
      List<String> owners) {
    // connect() created the client before it opens any connection
    AbstractRedisClient client = Objects.requireNonNull(this.client, "client");
    LogReader inv = null;
    try {
      if (listener != null) {
        inv =
            client instanceof RedisClusterClient rc
                ? new ClusterInvalidations(
                    description, rc, CODEC, nodeId, owners, listener, timeout)
                : new StreamInvalidations(
                    description, (RedisClient) client, CODEC, nodeId, owners, listener, timeout);
        inv.start();
      }
    } catch (RuntimeException e) {
      if (inv != null) {
        inv.close();
      }
      conn.close();
      throw e;
    }
    // A cluster connection opens its node connections as commands need them, and writes a command
    // to a node when its connection is up: a flush before that would leave it unsent. So a
    // cluster connection flushes every command (its held-back sets still go out as one script).
    conn.setAutoFlushCommands(cluster);
    connection = conn;
    RedisClusterAsyncCommands<String, byte[]> commands = asyncOf(conn);
    if (conn instanceof StatefulRedisClusterConnection<String, byte[]> rc) {
      connectToMasters(rc);
    }
    loadScripts(commands);
    client.addListener(
        new RedisConnectionStateListener() {
          @Override
          public void onRedisDisconnected(RedisChannelHandler<?, ?> c) {
            ReplicaAcks a = acks;
            if (a != null) {
              a.disconnected(c); // what it sent is confirmed on no other connection
            }
          }

          @Override
          public void onRedisConnected(RedisChannelHandler<?, ?> c, SocketAddress address) {
            RedisClusterAsyncCommands<String, byte[]> a = async;
            // (In a cluster the node connections are others: a node without the scripts answers
            // NOSCRIPT, and that reloads them; see script().)
            if (c == connection && a != null) {
              loadScripts(a); // a restarted Redis has none: EVAL fallbacks could reorder writes
            }
          }
        });
    invalidations = inv;
    async = commands;
  }

  /**
   * Retries the connection with a capped backoff until it is made or the store closes; then does
   * what {@link #connect} does when Redis is up.
   */
  private void connectInBackground(
      String nodeId, @Nullable InvalidationListener listener, List<String> owners) {
    long backoff = 50;
    while (!closing) {
      try {
        StatefulConnection<String, byte[]> conn = newConnection();
        if (closing) {
          conn.close();
          return;
        }
        open(conn, nodeId, listener, owners);
        LogReader inv = invalidations;
        if (closing && inv != null) {
          inv.close(); // closed while opening, after close() stopped waiting
        }
        if (closing) {
          return;
        }
        connectFailure = null;
        LOG.info("connected to {}", description);
        return;
      } catch (RuntimeException e) {
        connectFailure = e;
        LOG.debug(
            "cannot reach {}, retrying in {} ms: {}", description, backoff, String.valueOf(e));
      }
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException e) {
        return; // closing
      }
      backoff = Math.min(MAX_CONNECT_BACKOFF_MILLIS, backoff * 2);
    }
  }

  /** Whether it is connected (it may start disconnected: see {@link #connect}). */
  boolean connected() {
    return async != null;
  }

  /**
   * Whether the connection is up now (Lettuce's view of its channel: a dropped connection shows at
   * once, while it reconnects); no I/O.
   */
  boolean reachable() {
    StatefulConnection<String, byte[]> c = connection;
    return async != null && c != null && c.isOpen();
  }

  /** Whether the invalidation stream is read without a gap right now. */
  boolean live() {
    LogReader inv = invalidations;
    return async != null && (inv == null || inv.live());
  }

  /** The commands; throws the coded network error while the store has never connected. */
  RedisClusterAsyncCommands<String, byte[]> commands() {
    RedisClusterAsyncCommands<String, byte[]> a = async;
    if (a == null) {
      throw notConnected();
    }
    return a;
  }

  /** A command Lettuce refused to take: the store was closed meanwhile, or the coded failure. */
  private RuntimeException issueFailure(RuntimeException e) {
    return closing ? Errors.closed() : RedisExceptions.fromLettuce(description, timeout, e);
  }

  /** The coded failure of every call while the store has never connected; null once it has. */
  @Nullable RuntimeException down() {
    return async == null ? notConnected() : null;
  }

  private RuntimeException notConnected() {
    if (closing) {
      return Errors.closed();
    }
    SentinelFollower f = follower;
    return Errors.unreachable(
        description, f != null && f.failingOver() ? f.failingOverCause() : connectFailure);
  }

  /** Whether a Sentinel failover is under way: calls fail fast rather than reach the old master. */
  private boolean failingOver() {
    SentinelFollower f = follower;
    return f != null && f.failingOver();
  }

  /**
   * One command, failing at once with SL100 while the store has never connected, or a Sentinel
   * failover is under way.
   */
  <T> CompletableFuture<T> call(
      Function<RedisClusterAsyncCommands<String, byte[]>, RedisFuture<T>> command) {
    RedisClusterAsyncCommands<String, byte[]> a = async;
    if (a == null || failingOver()) {
      return CompletableFuture.failedFuture(notConnected());
    }
    issuing.lock();
    try {
      issueHeldBack();
      return translate(flushed(command.apply(a)));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(issueFailure(e));
    } finally {
      issuing.unlock();
    }
  }

  /**
   * Lets the store hold writes back until the next flush (to send them as one script): {@code
   * issue} sends them; it runs before any later command is issued and before each flush, so the
   * order of commands stays the order of calls.
   */
  void holdBack(Runnable issue) {
    this.heldBack = issue;
  }

  /**
   * Runs {@code hold} (which queues a write for {@link #holdBack}'s runnable) in the order of
   * commands, and makes sure a flush follows.
   */
  void heldBack(Runnable hold) {
    issuing.lock();
    try {
      hold.run();
    } finally {
      issuing.unlock();
    }
    scheduleFlush();
  }

  private void issueHeldBack() {
    Runnable r = heldBack;
    if (r != null && !issuingHeldBack) {
      issuingHeldBack = true;
      try {
        r.run();
      } finally {
        issuingHeldBack = false;
      }
    }
  }

  /**
   * Runs a script with the given keys and arguments, loading it on NOSCRIPT. A write script's reply
   * comes once replicas confirm the write, when the URI asks for that (see {@link ReplicaAcks}).
   */
  <T> CompletableFuture<T> script(Script s, ScriptOutputType type, String[] keys, byte[]... args) {
    RedisClusterAsyncCommands<String, byte[]> async = this.async;
    if (async == null || failingOver()) {
      return CompletableFuture.failedFuture(notConnected());
    }
    ReplicaAcks acks = RedisScripts.WRITES.contains(s) ? this.acks : null;
    CompletableFuture<T> out = new CompletableFuture<>();
    RedisFuture<T> sent;
    // taken before it is sent: a connection dropped from now on fails its confirmation
    Route route = acks == null ? null : new Route(acks.epoch(), masterOf(keys[0]));
    issuing.lock();
    try {
      issueHeldBack();
      sent = flushed(this.<T>eval(async, s, false, type, keys, args, route));
    } catch (RuntimeException e) {
      // a cluster connection may throw rather than fail the command (a node not connected)
      return CompletableFuture.failedFuture(issueFailure(e));
    } finally {
      issuing.unlock();
    }
    sent.whenComplete(
        (v, t) -> {
          if (t == null) {
            confirm(route, v, out);
          } else if (RedisExceptions.isNoScript(t)) {
            if (cluster) {
              loadScripts(async); // a node restarted or new: on every master again
            }
            try {
              Futures.whenDone(
                  translate(flushed(this.<T>eval(async, s, true, type, keys, args, route))),
                  (v2, t2) -> {
                    if (t2 == null) {
                      confirm(route, v2, out);
                    } else {
                      out.completeExceptionally(t2);
                    }
                  });
            } catch (RuntimeException e) {
              out.completeExceptionally(RedisExceptions.fromLettuce(description, timeout, e));
            }
          } else {
            out.completeExceptionally(RedisExceptions.fromLettuce(description, timeout, t));
          }
        });
    return out;
  }

  /**
   * Where a write went, for its confirmation on replicas: taken when it is sent (the epoch of
   * {@link ReplicaAcks#epoch}, and in a cluster its slot's master then), and the redirection Redis
   * Cluster made of it, if any.
   */
  private static final class Route {
    final long epoch;
    final @Nullable RedisURI master;
    @Nullable RedirectOutput<?> output;

    Route(long epoch, @Nullable RedisURI master) {
      this.epoch = epoch;
      this.master = master;
    }
  }

  /** A cluster's master of the key's slot, as its connection routes a command now; else null. */
  private @Nullable RedisURI masterOf(String key) {
    if (connection instanceof StatefulRedisClusterConnection<String, byte[]> rc) {
      RedisClusterNode m = rc.getPartitions().getMasterBySlot(SlotHash.getSlot(key));
      return m == null ? null : m.getUri();
    }
    return null;
  }

  /**
   * EVALSHA, or with {@code byText} EVAL: through Lettuce's own command in the end, or, for a write
   * a cluster may redirect, with an output that notes where it went ({@code route}).
   */
  private <T> RedisFuture<T> eval(
      RedisClusterAsyncCommands<String, byte[]> async,
      Script s,
      boolean byText,
      ScriptOutputType type,
      String[] keys,
      byte[][] args,
      @Nullable Route route) {
    if (route == null || !cluster) {
      return byText
          ? async.eval(s.text(), type, keys, args)
          : async.evalsha(s.sha(), type, keys, args);
    }
    CommandArgs<String, byte[]> script =
        byText
            ? new CommandArgs<>(CODEC).add(s.text().getBytes(StandardCharsets.UTF_8))
            : new CommandArgs<>(CODEC).add(s.sha());
    RedirectOutput<T> output = new RedirectOutput<>(RedisConnection.<T>scriptOutput(type));
    route.output = output;
    return async.dispatch(
        byText ? CommandType.EVAL : CommandType.EVALSHA,
        output,
        script.add(keys.length).addKeys(keys).addValues(args));
  }

  @SuppressWarnings("unchecked")
  private static <T> CommandOutput<String, byte[], T> scriptOutput(ScriptOutputType type) {
    return (CommandOutput<String, byte[], T>)
        switch (type) {
          case BOOLEAN -> new BooleanOutput<>(CODEC);
          case INTEGER -> new IntegerOutput<>(CODEC);
          case STATUS -> new StatusOutput<>(CODEC);
          case MULTI -> new NestedMultiOutput<>(CODEC);
          case VALUE -> new ValueOutput<>(CODEC);
          case OBJECT -> new ObjectOutput<>(CODEC);
        };
  }

  /**
   * Completes {@code out} with a write's reply: at once, or (with {@code route}) once the replicas
   * of the master that applied it confirm it, on the connection it was sent on.
   */
  @SuppressWarnings("unchecked")
  private <T> void confirm(@Nullable Route route, T value, CompletableFuture<T> out) {
    ReplicaAcks a = acks;
    StatefulConnection<String, byte[]> c = connection;
    if (route == null || a == null || c == null) {
      out.complete(value);
      return;
    }
    if (!(c instanceof StatefulRedisClusterConnection<String, byte[]> rc)) {
      a.confirm((StatefulRedisConnection<String, byte[]>) c, route.epoch, value, out);
      return;
    }
    // the node Lettuce sent it to last: a redirection's target, else the slot's master then
    RedirectOutput<?> o = route.output;
    String redirected = o == null ? null : o.redirectedTo();
    String host;
    int port;
    if (redirected != null) {
      int colon = redirected.lastIndexOf(':');
      host = redirected.substring(0, colon);
      port = Integer.parseInt(redirected.substring(colon + 1));
    } else if (route.master != null) {
      host = route.master.getHost();
      port = route.master.getPort();
    } else {
      out.completeExceptionally(
          Errors.replicasUnconfirmed(description, 1, 1, Errors.connectionDropped()));
      return;
    }
    Futures.whenDone(
        rc.getConnectionAsync(host, port),
        (node, t) -> {
          if (t == null) {
            a.confirm(node, route.epoch, value, out);
          } else {
            out.completeExceptionally(Errors.replicasUnconfirmed(description, 1, 1, t));
          }
        });
  }

  private <T> CompletableFuture<T> translate(CompletionStage<T> stage) {
    CompletableFuture<T> out = new CompletableFuture<>();
    stage.whenComplete(
        (v, t) -> {
          if (t == null) {
            out.complete(v);
          } else {
            out.completeExceptionally(RedisExceptions.fromLettuce(description, timeout, t));
          }
        });
    return out;
  }

  private static <T> void complete(CompletableFuture<T> f, T v, Throwable t) {
    if (t == null) {
      f.complete(v);
    } else {
      f.completeExceptionally(t);
    }
  }

  /** Waits for a command (flushing it) on the calling thread; throws the coded failure. */
  <T> T await(RedisFuture<T> f) {
    try {
      return flushed(f).get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RedisException(e);
    } catch (ExecutionException e) {
      throw RedisExceptions.fromLettuce(description, timeout, e.getCause());
    } catch (TimeoutException e) {
      throw new RedisCommandTimeoutException(e.getMessage());
    }
  }

  /**
   * Flushes commands in groups: the connection does not flush each command; the first command after
   * a flush schedules the next one on the flusher thread, and every command dispatched until it
   * runs goes out in the same write. Under load that is redis-benchmark's pipelining; alone, a
   * command waits one thread handoff.
   */
  private <T> RedisFuture<T> flushed(RedisFuture<T> f) {
    try {
      scheduleFlush();
    } catch (RuntimeException e) {
      f.cancel(false);
      throw e;
    }
    return f;
  }

  /** Flushes the connection soon, unless the store is closed. */
  private void flushSoon() {
    try {
      scheduleFlush();
    } catch (RuntimeException e) {
      // closed: the command fails with the connection
    }
  }

  private void scheduleFlush() {
    if (flushScheduled.compareAndSet(false, true)) {
      try {
        // connect() started the flusher before any command could be sent
        Objects.requireNonNull(flusher, "flusher")
            .execute(
                () -> {
                  flushScheduled.set(false);
                  StatefulConnection<String, byte[]> c = connection;
                  if (c != null) {
                    issuing.lock();
                    try {
                      issueHeldBack();
                    } finally {
                      issuing.unlock();
                    }
                    sendWakeUp();
                    try {
                      c.flushCommands();
                    } catch (RuntimeException e) {
                      // Only a connection being closed refuses a flush (a cluster connection's
                      // writer drops its connection provider): its commands fail with it.
                      if (!closing) {
                        throw e;
                      }
                    }
                  }
                });
      } catch (RejectedExecutionException e) {
        flushScheduled.set(false);
        throw Errors.closed(); // the store was closed: nothing will flush this command
      }
    }
  }

  /**
   * Notes that a write to {@code key}'s slot was acknowledged (Redis Cluster): the next flush
   * publishes a wake-up naming its slot, so that readers read that slot's log.
   */
  void wrote(String key) {
    int slot = SlotHash.getSlot(key);
    synchronized (wake) {
      wake.set(slot);
    }
    try {
      scheduleFlush();
    } catch (RuntimeException e) {
      // closed: the readers' sweep reads the slot
    }
  }

  /** Publishes the slots written since the last wake-up (on the flusher thread, then flushed). */
  private void sendWakeUp() {
    String slots;
    synchronized (wake) {
      if (wake.isEmpty()) {
        return;
      }
      StringBuilder b = new StringBuilder();
      for (int s = wake.nextSetBit(0); s >= 0; s = wake.nextSetBit(s + 1)) {
        b.append(b.length() == 0 ? "" : ",").append(s);
      }
      wake.clear();
      slots = b.toString();
    }
    RedisClusterAsyncCommands<String, byte[]> a = async;
    if (a != null) {
      // Lost (Redis down): the readers' sweep reads every slot within its period.
      Futures.bestEffort(
          a.publish(ClusterInvalidations.WAKE, slots.getBytes(StandardCharsets.US_ASCII)),
          "publishing a wake-up");
    }
  }

  private void loadScripts(RedisClusterAsyncCommands<String, byte[]> commands) {
    for (Script s : RedisScripts.ALL) {
      try {
        Futures.bestEffort(flushed(commands.scriptLoad(s.text())), "SCRIPT LOAD");
      } catch (RuntimeException e) {
        return; // closed or disconnected: EVALSHA falls back to EVAL
      }
    }
  }

  /** The executor of SCAN walks, off the caller's and Lettuce's threads. */
  ExecutorService scans() {
    // connect() started it: a SCAN is a command, and commands come after connect()
    return Objects.requireNonNull(scans, "scans");
  }

  @Override
  public void close() {
    closing = true;
    boolean io = Threads.onIoThread();
    Thread t = connector;
    if (t != null && t != Thread.currentThread()) {
      t.interrupt();
      if (!io) {
        try {
          t.join(timeout.toMillis() + 1000); // a connect in progress ends at its timeout
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    LogReader inv = invalidations;
    if (inv != null) {
      inv.close();
    }
    SentinelFollower f = follower;
    if (f != null) {
      f.close();
    }
    if (connection != null) {
      if (io) {
        Futures.bestEffort(connection.closeAsync(), "closing the connection");
      } else {
        connection.close();
      }
    }
    if (scans != null) {
      scans.shutdownNow();
    }
    if (flusher != null) {
      flusher.shutdown();
    }
    if (client != null) {
      if (io) {
        // closed from a callback: cannot wait
        Futures.bestEffort(
            client.shutdownAsync(0, 2, TimeUnit.SECONDS), "shutting the client down");
      } else {
        LettuceClients.shutdown(client, Duration.ofSeconds(2));
      }
    }
  }
}
