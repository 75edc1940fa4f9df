package dev.stateless.internal.redis;

import dev.stateless.internal.Errors;
import dev.stateless.internal.Futures;
import dev.stateless.internal.InvalidationListener;
import dev.stateless.internal.Threads;
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
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.time.Duration;
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
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The Lettuce side of a {@link RedisStore}: the client and its one connection (commands are not
 * flushed one by one but in groups, see {@link #flushed}), connecting at once or in the background,
 * loading the scripts on every (re)connect, EVALSHA with the EVAL fallback on NOSCRIPT, the
 * invalidation reader's lifecycle, and every failure mapped by {@link RedisExceptions}. It knows
 * nothing of keys, arguments or replies: {@link RedisStore} does.
 */
final class RedisConnection implements AutoCloseable {
  private static final Logger LOG = System.getLogger(RedisConnection.class.getName());
  private static final long MAX_CONNECT_BACKOFF_MILLIS = 1000;

  private static final RedisCodec<String, byte[]> CODEC =
      RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  private final RedisURI uri;
  private final String description;
  private final Duration timeout;

  /** Null until {@link #connect}, which every command follows. */
  private @Nullable RedisClient client;

  private volatile @Nullable StatefulRedisConnection<String, byte[]> connection;

  /** Null until connected: published last, once everything {@link #open} does is done. */
  private volatile @Nullable RedisAsyncCommands<String, byte[]> async;

  private @Nullable ExecutorService scans; // null until connect()
  private volatile @Nullable StreamInvalidations invalidations;

  /** Connects in the background when the store started disconnected; null otherwise. */
  private volatile @Nullable Thread connector;

  private volatile boolean closing;

  /** Why the last connection attempt failed, while the store has never connected. */
  private volatile @Nullable Throwable connectFailure;

  private final AtomicBoolean flushScheduled = new AtomicBoolean();
  private @Nullable ExecutorService flusher; // null until connect()

  /** Moves the connections to a new master after a Sentinel failover; null: no Sentinel. */
  private volatile @Nullable SentinelFollower follower;

  /** The TLS options of a rediss:// URI with its own trusted certificates; null: Lettuce's. */
  private final @Nullable SslOptions ssl;

  RedisConnection(RedisURI uri, String description, @Nullable SslOptions ssl) {
    this.uri = uri;
    this.description = description;
    this.timeout = uri.getTimeout();
    this.ssl = ssl;
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
    RedisClient client = RedisClient.create(uri);
    this.client = client;
    ClientOptions.Builder options =
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(timeout))
            .socketOptions(SocketOptions.builder().connectTimeout(timeout).build());
    if (ssl != null) {
      options.sslOptions(ssl); // the client's every connection: commands and the stream reader
    }
    client.setOptions(options.build());
    follower = SentinelFollower.follow(client, uri, description);
    StatefulRedisConnection<String, byte[]> first;
    try {
      first = client.connect(CODEC);
    } catch (RedisException e) {
      if (!mayStartDown) {
        client.shutdown(0, 0, TimeUnit.MILLISECONDS);
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
      StatefulRedisConnection<String, byte[]> conn,
      String nodeId,
      @Nullable InvalidationListener listener,
      List<String> owners) {
    // connect() created the client before it opens any connection
    RedisClient client = Objects.requireNonNull(this.client, "client");
    StreamInvalidations inv = null;
    try {
      if (listener != null) {
        inv =
            new StreamInvalidations(description, client, CODEC, nodeId, owners, listener, timeout);
        inv.start();
      }
    } catch (RuntimeException e) {
      if (inv != null) {
        inv.close();
      }
      conn.close();
      throw e;
    }
    conn.setAutoFlushCommands(false);
    connection = conn;
    RedisAsyncCommands<String, byte[]> commands = conn.async();
    loadScripts(commands);
    client.addListener(
        new RedisConnectionStateListener() {
          @Override
          public void onRedisConnected(RedisChannelHandler<?, ?> c, SocketAddress address) {
            RedisAsyncCommands<String, byte[]> a = async;
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
    // connect() created the client before it started this thread
    RedisClient client = Objects.requireNonNull(this.client, "client");
    long backoff = 50;
    while (!closing) {
      try {
        StatefulRedisConnection<String, byte[]> conn = client.connect(CODEC);
        if (closing) {
          conn.close();
          return;
        }
        open(conn, nodeId, listener, owners);
        StreamInvalidations inv = invalidations;
        if (closing && inv != null) {
          inv.close(); // closed while opening, after close() stopped waiting
        }
        if (closing) {
          return;
        }
        connectFailure = null;
        LOG.log(Level.INFO, "connected to {0}", description);
        return;
      } catch (RuntimeException e) {
        connectFailure = e;
        LOG.log(
            Level.DEBUG,
            "cannot reach {0}, retrying in {1} ms: {2}",
            description,
            backoff,
            String.valueOf(e));
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

  /** Whether the invalidation stream is read without a gap right now. */
  boolean live() {
    StreamInvalidations inv = invalidations;
    return async != null && (inv == null || inv.live());
  }

  /** The commands; throws the coded network error while the store has never connected. */
  RedisAsyncCommands<String, byte[]> commands() {
    RedisAsyncCommands<String, byte[]> a = async;
    if (a == null) {
      throw notConnected();
    }
    return a;
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
      Function<RedisAsyncCommands<String, byte[]>, RedisFuture<T>> command) {
    RedisAsyncCommands<String, byte[]> a = async;
    if (a == null || failingOver()) {
      return CompletableFuture.failedFuture(notConnected());
    }
    return translate(flushed(command.apply(a)));
  }

  /** Runs a script with the given keys and arguments, loading it on NOSCRIPT. */
  <T> CompletableFuture<T> script(Script s, ScriptOutputType type, String[] keys, byte[]... args) {
    RedisAsyncCommands<String, byte[]> async = this.async;
    if (async == null || failingOver()) {
      return CompletableFuture.failedFuture(notConnected());
    }
    CompletableFuture<T> out = new CompletableFuture<>();
    flushed(async.<T>evalsha(s.sha(), type, keys, args))
        .whenComplete(
            (v, t) -> {
              if (t == null) {
                out.complete(v);
              } else if (RedisExceptions.isNoScript(t)) {
                try {
                  Futures.whenDone(
                      translate(flushed(async.<T>eval(s.text(), type, keys, args))),
                      (v2, t2) -> complete(out, v2, t2));
                } catch (RuntimeException e) {
                  out.completeExceptionally(RedisExceptions.fromLettuce(description, timeout, e));
                }
              } else {
                out.completeExceptionally(RedisExceptions.fromLettuce(description, timeout, t));
              }
            });
    return out;
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
    if (flushScheduled.compareAndSet(false, true)) {
      try {
        // connect() started the flusher before any command could be sent
        Objects.requireNonNull(flusher, "flusher")
            .execute(
                () -> {
                  flushScheduled.set(false);
                  StatefulRedisConnection<String, byte[]> c = connection;
                  if (c != null) {
                    c.flushCommands();
                  }
                });
      } catch (RejectedExecutionException e) {
        flushScheduled.set(false);
        f.cancel(false);
        throw Errors.closed(); // the store was closed: nothing will flush this command
      }
    }
    return f;
  }

  private void loadScripts(RedisAsyncCommands<String, byte[]> commands) {
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
    StreamInvalidations inv = invalidations;
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
        client.shutdown(0, 2, TimeUnit.SECONDS);
      }
    }
  }
}
