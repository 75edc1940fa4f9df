package dev.stateless.internal.redis;

import dev.stateless.SetOptions;
import dev.stateless.core.KeyPattern;
import dev.stateless.internal.Errors;
import dev.stateless.internal.Futures;
import dev.stateless.internal.InvalidationListener;
import dev.stateless.internal.OfflineQueue;
import dev.stateless.internal.RemoteStore;
import dev.stateless.internal.StreamedValues;
import dev.stateless.internal.Threads;
import dev.stateless.internal.TtlValue;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.push.PushMessage;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.ByteArrayOutput;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.protocol.ProtocolVersion;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A layer kept by a {@code stateless-edge} node ({@code Stores.edge}), spoken to in RESP3 through
 * Lettuce as any Redis client would. The node enforces TTLs, sizes and ownership itself, and reads
 * through to its own upstream, so each operation is the plain Redis command: {@code GET}, {@code
 * SET ... PX NX|XX}, {@code DEL}, {@code PEXPIRE}, {@code INCRBY}, {@code SCAN}; the atomic ones (a
 * bounded {@link #incrBy}, {@link #batch}) are {@code WATCH}/{@code MULTI}/{@code EXEC} on a second
 * connection of their own, one at a time.
 *
 * <p><b>Invalidations</b> are the node's client tracking: the command connection runs {@code CLIENT
 * TRACKING ON BCAST}, so the node pushes every key any client changes (another SDK node, redis-cli,
 * the node's own upstream, this connection too); a push with no keys (the node lost what it
 * tracked) drops every copy. A PING every second proves the connection and its pushes alive: copies
 * are trusted only while one was answered lately. A connection that fails (or a PING that goes
 * unanswered for the timeout) stops the store: every call fails fast with SL100, every copy is
 * dropped and no fill in flight installs its copy; a new connection, tracking again, drops every
 * copy made meanwhile and then serves calls again.
 *
 * <p>{@code @Streaming} values go a chunk at a time through the node's {@code STATELESS.CHUNK*} and
 * {@code STATELESS.STREAM*} commands, as they go to Redis through chunk keys and scripts. What the
 * node cannot keep is refused when the cache is built ({@link #queuesWrites}): {@code CLIENT_FIRST}
 * owners' queued writes need Redis's scripts. The node keeps no versions (every copy's is 0). An
 * {@code atomicUpdate}'s compare-and-set and its lease on a key are the node's own commands, {@code
 * STATELESS.CAS} and {@code STATELESS.LOCK} ({@code docs/edge.md}), each one step on the node as
 * Redis runs their scripts.
 */
public final class EdgeNodeStore implements RemoteStore {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeNodeStore.class);
  private static final long MAX_RECONNECT_BACKOFF_MILLIS = 1000;

  /** How often the command connection is PINGed. */
  private static final long PING_MILLIS = 1000;

  /** WATCH/EXEC rounds a bounded increment tries before it fails with SL103. */
  private static final int INCREMENT_ATTEMPTS = 100;

  private final RedisURI uri;
  private final String description;
  private final Duration timeout;
  private final AtomicBoolean bound = new AtomicBoolean();

  private @Nullable RedisClient client;
  private @Nullable InvalidationListener listener;
  private List<String> owners = List.of();

  /** The open connections, or null while there are none (never connected, or reconnecting). */
  private volatile @Nullable Connections open;

  private volatile boolean everConnected;
  private volatile boolean closing;
  private volatile @Nullable Throwable lastFailure;

  /** Runs the WATCH/MULTI/EXEC operations, one at a time, on the transaction connection. */
  private final ExecutorService transactions;

  /** Reconnects, one attempt loop at a time. */
  private final ExecutorService reconnects;

  private final AtomicBoolean reconnecting = new AtomicBoolean();

  /** Where scans and pattern deletes wait for their pages (never an I/O thread). */
  private final ExecutorService scans;

  /** Sends the PINGs that prove the command connection (and its pushes) alive. */
  private final ScheduledExecutorService pinger;

  /** When the last PING was answered ({@link System#nanoTime}). */
  private volatile long lastPong;

  /**
   * The round trip of the PINGs, smoothed (an exponentially weighted moving average, a quarter per
   * sample); measured anew on each connect. 0 until the first one is answered.
   */
  private volatile long rttNanos;

  /** How long after the last PONG copies are still trusted: two PINGs and a timeout. */
  private final long liveNanos;

  /** The node's longest bulk string; Redis's default until the node says. */
  private volatile long maxBulk = RedisStore.MAX_BULK_BYTES;

  /** The transaction operations not yet run: failed, not dropped, if the store closes first. */
  private final Map<Long, CompletableFuture<?>> pendingTransactions = new ConcurrentHashMap<>();

  private final java.util.concurrent.atomic.AtomicLong transactionIds =
      new java.util.concurrent.atomic.AtomicLong();

  /** The PINGs' schedule; null until connect. */
  private java.util.concurrent.@Nullable ScheduledFuture<?> pings;

  /** The command connection (tracking pushes arrive on it) and the transaction connection. */
  private record Connections(
      StatefulRedisConnection<String, byte[]> commands,
      StatefulRedisConnection<String, byte[]> transactions) {
    void close() {
      Futures.bestEffort(commands.closeAsync(), "close");
      Futures.bestEffort(transactions.closeAsync(), "close");
    }
  }

  /**
   * A store for an edge node's URI: {@code redis://[[user:]password@]host[:port][?timeout=2s]}, or
   * {@code rediss://} for TLS.
   *
   * @throws IllegalArgumentException if the URI is malformed or names no single node
   */
  public EdgeNodeStore(String text) {
    if (!text.regionMatches(true, 0, "redis://", 0, 8)
        && !text.regionMatches(true, 0, "rediss://", 0, 9)) {
      throw RedisStore.malformedUri(true, text, "the scheme is not redis:// or rediss://", null);
    }
    String authority = text.substring(text.indexOf("://") + 3).replaceFirst("[/?#].*$", "");
    if (authority.substring(authority.lastIndexOf('@') + 1).contains(",")) {
      throw RedisStore.malformedUri(true, text, "it names several hosts", null);
    }
    RedisURI parsed = RedisStore.parse(text, true);
    if (parsed.getDatabase() != 0) {
      throw RedisStore.malformedUri(
          true, text, "a node has only database 0, not " + parsed.getDatabase(), null);
    }
    if (!RedisStore.TIMEOUT_PARAM.matcher(text).find()) {
      parsed.setTimeout(Duration.ofSeconds(2));
    }
    this.uri = parsed;
    this.timeout = parsed.getTimeout();
    this.description = "edge node " + RedisStore.description(parsed).replaceFirst("/0$", "");
    this.transactions = Threads.single("stateless-edge-transactions");
    this.reconnects = Threads.single("stateless-edge-reconnect");
    this.scans = Threads.cached("stateless-edge-scan");
    this.pinger =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            Threads.named("stateless-edge-ping"));
    this.liveNanos = TimeUnit.MILLISECONDS.toNanos(2 * PING_MILLIS) + timeout.toNanos();
  }

  @Override
  public String describe() {
    return description;
  }

  /** The node cannot apply queued CLIENT_FIRST writes exactly once: they are refused. */
  @Override
  public boolean queuesWrites() {
    return false;
  }

  @Override
  public boolean connect(
      String nodeId,
      @Nullable InvalidationListener listener,
      List<String> owners,
      Set<String> streamingOwners,
      boolean mayStartDown) {
    if (!bound.compareAndSet(false, true)) {
      throw new IllegalStateException(description + " already serves a layer");
    }
    this.listener = listener;
    this.owners = List.copyOf(owners);
    RedisClient c = RedisClient.create(uri);
    c.setOptions(
        ClientOptions.builder()
            .protocolVersion(ProtocolVersion.RESP3)
            .autoReconnect(false) // this class reconnects: tracking first, then the calls
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(timeout))
            .socketOptions(SocketOptions.builder().connectTimeout(timeout).keepAlive(true).build())
            .build());
    c.addListener(
        new RedisConnectionStateListener() {
          @Override
          public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            Connections now = open;
            if (now != null && (connection == now.commands() || connection == now.transactions())) {
              lost(now, null);
            }
          }

          @Override
          public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress a) {}
        });
    this.client = c;
    try {
      Connections first = openConnections();
      open = first;
      everConnected = true;
      checkStillOpen(first);
      startPinging();
      return true;
    } catch (RuntimeException e) {
      lastFailure = e;
      if (!mayStartDown) {
        LettuceClients.shutdown(c, Duration.ZERO);
        transactions.shutdownNow();
        reconnects.shutdownNow();
        scans.shutdownNow();
        pinger.shutdownNow();
        throw Errors.unreachable(description, e);
      }
      startPinging();
      reconnectSoon();
      return false;
    }
  }

  /** Opens both connections, the command one tracking every key; closes them on failure. */
  private Connections openConnections() {
    RedisClient c = Objects.requireNonNull(client, "client");
    StatefulRedisConnection<String, byte[]> commands = c.connect(RedisConnection.CODEC);
    StatefulRedisConnection<String, byte[]> tx;
    try {
      tx = c.connect(RedisConnection.CODEC);
    } catch (RuntimeException e) {
      Futures.bestEffort(commands.closeAsync(), "close");
      throw e;
    }
    Connections both = new Connections(commands, tx);
    try {
      // Not NOLOOP: the node would hold back a push for a key while this connection's write of it
      // is in flight, and a conditional write that then fails would leave the copy undropped.
      // Pushes of this node's own writes only drop copies once more.
      if (listener != null) {
        commands.addListener(this::onPush);
        commands.sync().clientTracking(TrackingArgs.Builder.enabled().bcast());
      }
      maxBulk = maxBulk(commands);
      long sent = System.nanoTime();
      commands.sync().ping();
      lastPong = System.nanoTime();
      rttNanos = Math.max(1, lastPong - sent); // a new connection: the old samples say nothing
    } catch (RuntimeException e) {
      both.close();
      throw e;
    }
    return both;
  }

  /**
   * The node's {@code proto-max-bulk-len}: a longer value would make it close the connection (every
   * call on it would fail); Redis's 512 MB when the node does not say.
   */
  private static long maxBulk(StatefulRedisConnection<String, byte[]> c) {
    try {
      Map<String, String> config = c.sync().configGet("proto-max-bulk-len");
      String v = config.get("proto-max-bulk-len");
      return v == null ? RedisStore.MAX_BULK_BYTES : Long.parseLong(v);
    } catch (RuntimeException e) {
      return RedisStore.MAX_BULK_BYTES;
    }
  }

  /**
   * A pair published while it failed: its disconnect found {@code open} not yet set and was let go,
   * so nothing else would notice.
   */
  private void checkStillOpen(Connections c) {
    if (!c.commands().isOpen() || !c.transactions().isOpen()) {
      lost(c, null);
    }
  }

  private void startPinging() {
    pings =
        pinger.scheduleWithFixedDelay(this::ping, PING_MILLIS, PING_MILLIS, TimeUnit.MILLISECONDS);
  }

  /**
   * Every {@value #PING_MILLIS} ms: a PING on the command connection, whose reply comes after every
   * push sent before it (one connection, in order). A half-open connection (a partition, a host
   * gone, an idle connection dropped by a firewall) sends no disconnect: without a reply within the
   * timeout the connection is taken for lost.
   */
  private void ping() {
    Connections c = open;
    if (c == null) {
      return;
    }
    CompletableFuture<String> pong;
    long sent = System.nanoTime();
    try {
      pong = c.commands().async().ping().toCompletableFuture();
    } catch (RuntimeException e) {
      lost(c, e); // a task that throws would never be scheduled again
      return;
    }
    Futures.whenDone(
        pong.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS),
        (v, t) -> {
          if (t == null) {
            long now = System.nanoTime();
            lastPong = now;
            long smoothed = rttNanos;
            rttNanos = Math.max(1, smoothed + (now - sent - smoothed) / 4);
          } else {
            lost(c, t);
          }
        });
  }

  /** A tracking push: the keys another client changed, or none (drop everything). */
  private void onPush(PushMessage push) {
    InvalidationListener l = listener;
    if (l == null || !"invalidate".equals(push.getType())) {
      return;
    }
    List<Object> content = push.getContent(b -> StringCodec.UTF8.decodeKey(b));
    Object keys = content.size() > 1 ? content.get(1) : null;
    if (keys instanceof List<?> list) {
      try {
        for (Object k : list) {
          l.onCopyHolderKey(String.valueOf(k));
        }
        return;
      } catch (RuntimeException e) {
        LOG.warn("an invalidation from {} failed; dropping all", description, e);
      }
    }
    dropEverything(l);
  }

  /**
   * Drops every copy: at once, no fill in flight may install its copy ({@link
   * InvalidationListener#onInterrupted}); the walk of the entries runs off the I/O thread.
   */
  private void dropEverything(InvalidationListener l) {
    l.onInterrupted();
    try {
      scans.execute(() -> dropAll(l));
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      // closing: the cache's copies go with it
    }
  }

  private void dropAll(InvalidationListener l) {
    for (String owner : owners) {
      l.onLost(owner, 1);
    }
    l.onLost(null, 1);
  }

  /** A connection of {@code was} failed: stop serving, and reconnect in the background. */
  private void lost(Connections was, @Nullable Throwable why) {
    synchronized (this) {
      if (!was.equals(open)) {
        return; // another failure of the same pair got here first
      }
      open = null;
    }
    lastFailure = why != null ? why : new java.io.IOException("connection to the node closed");
    InvalidationListener l = listener;
    if (l != null) {
      // No fill read before now may install its copy, and no copy is served from now: nothing
      // would tell this node of a change (server-owned copies filled from the node included).
      dropEverything(l);
    }
    was.close();
    if (!closing) {
      LOG.warn("lost {}; calls fail with SL100 until it is back", description);
      reconnectSoon();
    }
  }

  private void reconnectSoon() {
    if (!reconnecting.compareAndSet(false, true)) {
      return;
    }
    try {
      reconnects.execute(this::reconnect);
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      reconnecting.set(false);
    }
  }

  /** Retries with a capped backoff; once connected, drops every copy, then serves calls. */
  private void reconnect() {
    long backoff = 50;
    try {
      while (!closing) {
        try {
          Connections fresh = openConnections();
          InvalidationListener l = listener;
          if (l != null) {
            dropAll(l); // what changed while nothing was tracked is not known
            l.onResumed();
          }
          synchronized (this) {
            if (closing) {
              fresh.close();
              return;
            }
            open = fresh;
          }
          checkStillOpen(fresh);
          everConnected = true;
          lastFailure = null;
          LOG.info("connected to {}", description);
          return;
        } catch (RuntimeException e) {
          lastFailure = e;
          LOG.debug("cannot reach {}, retrying in {} ms", description, backoff);
        }
        Thread.sleep(backoff);
        backoff = Math.min(MAX_RECONNECT_BACKOFF_MILLIS, backoff * 2);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closing
    } finally {
      reconnecting.set(false);
    }
  }

  @Override
  public boolean connected() {
    return everConnected;
  }

  /** The PINGs' smoothed round trip in nanoseconds (0: never answered); see {@link NearestNode}. */
  long rttNanos() {
    return rttNanos;
  }

  /** Why the node is away, or null. */
  @Nullable Throwable lastFailure() {
    return lastFailure;
  }

  /**
   * Whether calls are served and every key is tracked right now: connected, and the last PING
   * answered recently (every push sent before it has arrived).
   */
  @Override
  public boolean live() {
    return open != null && System.nanoTime() - lastPong < liveNanos;
  }

  /** Connected, and the last PING answered recently: what {@link #live()} says. */
  @Override
  public boolean reachable() {
    return live();
  }

  /** The node tells its clients of every write itself (tracking); nothing is published here. */
  @Override
  public boolean publishes() {
    return false;
  }

  @Override
  public Duration timeout() {
    return timeout;
  }

  /** The node's {@code proto-max-bulk-len} (read on each connect). */
  @Override
  public long maxValueBytes() {
    return maxBulk;
  }

  @Override
  public void checkFits(String key, long valueBytes) {
    RedisStore.checkFits(key, valueBytes, maxBulk, description);
  }

  @Override
  public RuntimeException failure(@Nullable Throwable failure) {
    return RedisExceptions.fromLettuce(description, timeout, failure);
  }

  /** The connections, or the coded failure of every call while there are none. */
  private Connections connections() {
    Connections c = open;
    if (c == null) {
      throw closing ? Errors.closed() : Errors.unreachable(description, lastFailure);
    }
    return c;
  }

  /** One command on the command connection, its failure coded. */
  private <T> CompletableFuture<T> call(
      Function<RedisAsyncCommands<String, byte[]>, RedisFuture<T>> command) {
    RedisFuture<T> f;
    try {
      f = command.apply(connections().commands().async());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(failure(e));
    }
    CompletableFuture<T> out = new CompletableFuture<>();
    f.whenComplete(
        (v, t) -> {
          if (t != null) {
            out.completeExceptionally(failure(t));
          } else {
            out.complete(v);
          }
        });
    return out;
  }

  /** One WATCH/MULTI/EXEC operation on the transaction connection, after the ones before it. */
  private <T> CompletableFuture<T> transaction(
      Function<RedisCommands<String, byte[]>, T> operation) {
    CompletableFuture<T> out = new CompletableFuture<>();
    long id = transactionIds.incrementAndGet();
    pendingTransactions.put(id, out);
    Futures.whenDone(out, (v, t) -> pendingTransactions.remove(id));
    try {
      transactions.execute(
          () -> {
            try {
              RedisCommands<String, byte[]> sync = connections().transactions().sync();
              try {
                out.complete(operation.apply(sync));
              } catch (RuntimeException e) {
                try {
                  sync.unwatch(); // the next operation starts clean
                } catch (RuntimeException ignored) {
                  // the connection failed: the next operation gets a new one
                }
                throw e;
              }
            } catch (RuntimeException e) {
              out.completeExceptionally(failure(e));
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      out.completeExceptionally(Errors.closed());
    }
    return out;
  }

  @Override
  public CompletableFuture<byte[]> get(String key) {
    checkFits(key, 0);
    return call(a -> a.get(key));
  }

  /** The value and its PTTL, pipelined (the node keeps no versions: 0). */
  @Override
  public CompletableFuture<TtlValue> getWithTtl(String key, @Nullable String owner) {
    checkFits(key, 0);
    CompletableFuture<byte[]> value = call(a -> a.get(key));
    CompletableFuture<Long> pttl = call(a -> a.pttl(key));
    return value.thenCombine(pttl, (v, t) -> new TtlValue(v, v == null ? -2 : t));
  }

  @Override
  public CompletableFuture<List<TtlValue>> getAllWithTtl(List<String> keys) {
    List<CompletableFuture<TtlValue>> each = new ArrayList<>(keys.size());
    for (String key : keys) {
      each.add(getWithTtl(key, null));
    }
    return CompletableFuture.allOf(each.toArray(new CompletableFuture<?>[0]))
        .thenApply(
            v -> {
              List<TtlValue> all = new ArrayList<>(each.size());
              for (CompletableFuture<TtlValue> f : each) {
                all.add(f.join());
              }
              return all;
            });
  }

  /** {@code SET}; completes with 1 when written (the node keeps no versions), 0 when not. */
  @Override
  public CompletableFuture<Long> set(
      String key, @Nullable String owner, byte[] value, long px, SetOptions.Condition condition) {
    checkFits(key, value.length);
    SetArgs args = new SetArgs();
    if (px > 0) {
      args.px(px);
    }
    switch (condition) {
      case IF_ABSENT -> args.nx();
      case IF_PRESENT -> args.xx();
      case ALWAYS -> {}
    }
    return call(a -> a.set(key, value, args)).thenApply(ok -> "OK".equals(ok) ? 1L : 0L);
  }

  @Override
  public CompletableFuture<Boolean> del(String key, @Nullable String owner) {
    checkFits(key, 0);
    return call(a -> a.del(key)).thenApply(n -> n > 0);
  }

  /** {@code DEL}: the node drops the value; readers that opened it keep it for the grace. */
  @Override
  public CompletableFuture<Boolean> delStreamed(String key, @Nullable String owner) {
    return del(key, owner);
  }

  @Override
  public CompletableFuture<Boolean> expire(String key, @Nullable String owner, long millis) {
    checkFits(key, 0);
    return call(a -> a.pexpire(key, millis));
  }

  /**
   * {@code INCRBY} for a 64-bit owner type; else WATCH, read, check the range, MULTI, SET KEEPTTL,
   * EXEC, until no other write came between: a result outside {@code min..max} is refused with the
   * error the Redis store's script gives, and the value stays.
   */
  @Override
  public CompletableFuture<Long> incrBy(
      String key, @Nullable String owner, long delta, long min, long max) {
    checkFits(key, 0);
    if (min == Long.MIN_VALUE && max == Long.MAX_VALUE) {
      return call(a -> a.incrby(key, delta));
    }
    return transaction(
        sync -> {
          for (int attempt = 1; ; attempt++) {
            if (attempt > INCREMENT_ATTEMPTS) {
              throw Errors.versionConflict(key, INCREMENT_ATTEMPTS);
            }
            sync.watch(key);
            byte[] current = sync.get(key);
            long before = current == null ? 0 : parseInteger(current);
            long after;
            try {
              after = Math.addExact(before, delta);
            } catch (ArithmeticException e) {
              throw refusal("ERR increment or decrement would overflow");
            }
            if (after < min || after > max) {
              throw refusal("ERR increment overflows the type");
            }
            sync.multi();
            sync.set(key, RedisStore.ascii(Long.toString(after)), SetArgs.Builder.keepttl());
            if (!sync.exec().wasDiscarded()) {
              return after;
            }
          }
        });
  }

  private static long parseInteger(byte[] value) {
    String text = new String(value, java.nio.charset.StandardCharsets.US_ASCII);
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw refusal("ERR value is not an integer or out of range");
    }
  }

  /** A refusal worded as Redis's (or the Redis store's script's) reply, mapped as one. */
  private static RuntimeException refusal(String reply) {
    return new io.lettuce.core.RedisCommandExecutionException(reply);
  }

  @Override
  public CompletableFuture<Long> pttl(String key) {
    checkFits(key, 0);
    return call(a -> a.pttl(key));
  }

  /** The node's own commands ({@code STATELESS.*}): what Redis gets as scripts. */
  private static final class NodeCommand implements ProtocolKeyword {
    static final NodeCommand LOCK = new NodeCommand("STATELESS.LOCK");
    static final NodeCommand UNLOCK = new NodeCommand("STATELESS.UNLOCK");
    static final NodeCommand CAS = new NodeCommand("STATELESS.CAS");
    static final NodeCommand CHUNK_SET = new NodeCommand("STATELESS.CHUNKSET");
    static final NodeCommand CHUNK_GET = new NodeCommand("STATELESS.CHUNKGET");
    static final NodeCommand CHUNK_RENEW = new NodeCommand("STATELESS.CHUNKRENEW");
    static final NodeCommand CHUNK_UNLINK = new NodeCommand("STATELESS.CHUNKUNLINK");
    static final NodeCommand STREAM_SWAP = new NodeCommand("STATELESS.STREAMSWAP");
    static final NodeCommand STREAM_OPEN = new NodeCommand("STATELESS.STREAMOPEN");

    private final String name;
    private final byte[] bytes;

    NodeCommand(String name) {
      this.name = name;
      this.bytes = RedisStore.ascii(name);
    }

    @Override
    public byte[] getBytes() {
      return bytes.clone();
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private CompletableFuture<List<Object>> nodeCommand(
      NodeCommand command, String key, byte[]... args) {
    CommandArgs<String, byte[]> a = new CommandArgs<>(RedisConnection.CODEC).addKey(key);
    for (byte[] arg : args) {
      a.add(arg);
    }
    return call(c -> c.dispatch(command, new NestedMultiOutput<>(RedisConnection.CODEC), a));
  }

  /**
   * {@code STATELESS.CAS}: the node writes (or deletes, when {@code value} is null) only if the key
   * holds {@code expected} (null: absent) and no other token's lease is held, then releases {@code
   * token}'s: {@code {1}}, or {@code {0, current}}.
   */
  @Override
  public CompletableFuture<List<Object>> compareAndSet(
      String key,
      @Nullable String owner,
      @Nullable String token,
      byte @Nullable [] expected,
      byte @Nullable [] value,
      long px,
      boolean keepTtl) {
    checkFits(key, value == null ? 0 : value.length);
    return nodeCommand(
        NodeCommand.CAS,
        key,
        RedisStore.utf8(token == null ? "" : token),
        RedisStore.ascii(expected == null ? "-" : "="),
        expected == null ? new byte[0] : expected,
        RedisStore.ascii(value == null ? "d" : "s"),
        value == null ? new byte[0] : value,
        RedisStore.ascii(Long.toString(px)),
        RedisStore.ascii(keepTtl ? "k" : "r"));
  }

  /**
   * {@code STATELESS.LOCK}: the key's lease for {@code millis}, {@code {1, current}}, or {@code
   * {0}}.
   */
  @Override
  public CompletableFuture<List<Object>> lock(String key, String token, long millis) {
    checkFits(key, 0);
    return nodeCommand(
        NodeCommand.LOCK, key, RedisStore.utf8(token), RedisStore.ascii(Long.toString(millis)));
  }

  @Override
  public CompletableFuture<Long> unlock(String key, String token) {
    checkFits(key, 0);
    return integer(NodeCommand.UNLOCK, key, token);
  }

  /** MULTI, a SET or DEL per key, EXEC: the node applies them as one atomic batch. */
  @Override
  public CompletableFuture<Long> batch(
      List<String> keys, List<String> owners, List<byte[]> values, long[] px) {
    for (int i = 0; i < keys.size(); i++) {
      byte[] v = values.get(i);
      checkFits(keys.get(i), v == null ? 0 : v.length);
    }
    return transaction(
        sync -> {
          sync.multi();
          for (int i = 0; i < keys.size(); i++) {
            byte[] v = values.get(i);
            if (v == null) {
              sync.del(keys.get(i));
            } else if (px[i] > 0) {
              sync.set(keys.get(i), v, SetArgs.Builder.px(px[i]));
            } else {
              sync.set(keys.get(i), v);
            }
          }
          TransactionResult done = sync.exec();
          for (Object r : done) {
            if (r instanceof Exception e) {
              throw new io.lettuce.core.RedisCommandExecutionException(e.getMessage(), e);
            }
          }
          return (long) keys.size();
        });
  }

  @Override
  public CompletableFuture<List<Object>> applyQueued(
      OfflineQueue.QueuedWrite write, String queueId, long prev) {
    throw new IllegalStateException("checkOwner refused CLIENT_FIRST owners on " + description);
  }

  @Override
  public CompletableFuture<Long> forgetQueuedConflict(String key, String queueId, long seq) {
    throw new IllegalStateException("checkOwner refused CLIENT_FIRST owners on " + description);
  }

  /** One shard: the node applies any set of keys atomically. */
  @Override
  public String shard(String key) {
    return RedisKeys.STANDALONE;
  }

  /**
   * Deletes the node's keys the pattern matches (SCAN MATCH, then DEL a page at a time), whatever
   * their owner: the node checks this connection's rights on each. Called once per owner the
   * pattern overlaps, the later calls find the keys gone.
   */
  @Override
  public CompletableFuture<Long> deleteMatching(
      @Nullable String owner, KeyPattern pattern, @Nullable String except) {
    return CompletableFuture.supplyAsync(
        () -> {
          long[] deleted = {0};
          scanPages(
              pattern.toRedisGlob(),
              1000,
              page -> {
                List<String> doomed = new ArrayList<>(page.size());
                for (String k : page) {
                  if (pattern.matches(k) && !k.equals(except)) {
                    doomed.add(k);
                  }
                }
                if (!doomed.isEmpty()) {
                  deleted[0] += await(call(a -> a.del(doomed.toArray(new String[0]))));
                }
                return true;
              });
          return deleted[0];
        },
        scans);
  }

  /** Nothing to publish: the node tells its tracking clients of each key it deleted. */
  @Override
  public CompletableFuture<Long> publishPattern(@Nullable String owner, String pattern) {
    return CompletableFuture.completedFuture(0L);
  }

  @Override
  public CompletableFuture<Void> scan(String glob, Consumer<List<String>> batch) {
    return CompletableFuture.runAsync(
        () ->
            scanPages(
                glob,
                1000,
                keys -> {
                  batch.accept(keys);
                  return true;
                }),
        scans);
  }

  @Override
  public void scanPages(String glob, int count, Predicate<List<String>> page) {
    ScanArgs args = ScanArgs.Builder.matches(glob).limit(count);
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      ScanCursor at = cursor;
      KeyScanCursor<String> scanned = await(call(a -> a.scan(at, args)));
      if (!scanned.getKeys().isEmpty() && !page.test(scanned.getKeys())) {
        return;
      }
      cursor = scanned;
    } while (!cursor.isFinished());
  }

  /** Waits for a call (never on an I/O thread: scans and pattern deletes run on a pool). */
  private <T> T await(CompletableFuture<T> f) {
    try {
      return f.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Errors.closed();
    } catch (java.util.concurrent.ExecutionException e) {
      throw failure(e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw Errors.timedOut(description, timeout, e);
    }
  }

  /** {@code STATELESS.STREAMOPEN}: the value's version, chunk count and length, as a pointer. */
  @Override
  public CompletableFuture<byte[]> getStreamed(String key) {
    checkFits(key, 0);
    return nodeCommand(NodeCommand.STREAM_OPEN, key)
        .thenApply(
            reply ->
                reply == null || reply.size() < 3 // nil: no value (Lettuce may give [null])
                    ? null
                    : StreamedValues.pointer(
                        new String((byte[]) reply.get(0), StandardCharsets.UTF_8),
                        Math.toIntExact((Long) reply.get(1)),
                        (Long) reply.get(2)));
  }

  @Override
  public CompletableFuture<String> setChunk(
      String key, String version, int index, byte[] bytes, long leaseMillis) {
    checkFits(key, bytes.length);
    CommandArgs<String, byte[]> a =
        new CommandArgs<>(RedisConnection.CODEC)
            .addKey(key)
            .add(RedisStore.utf8(version))
            .add(index)
            .add(bytes)
            .add(leaseMillis);
    return call(
        c -> c.dispatch(NodeCommand.CHUNK_SET, new StatusOutput<>(RedisConnection.CODEC), a));
  }

  @Override
  public CompletableFuture<byte[]> getChunk(String key, String version, int index) {
    CommandArgs<String, byte[]> a =
        new CommandArgs<>(RedisConnection.CODEC)
            .addKey(key)
            .add(RedisStore.utf8(version))
            .add(index);
    return call(
        c -> c.dispatch(NodeCommand.CHUNK_GET, new ByteArrayOutput<>(RedisConnection.CODEC), a));
  }

  @Override
  public CompletableFuture<Long> renewChunks(
      String key, String version, int first, int last, long leaseMillis) {
    return integer(NodeCommand.CHUNK_RENEW, key, version, first, last, leaseMillis);
  }

  @Override
  public CompletableFuture<Long> unlinkChunks(String key, String version, int count) {
    return integer(NodeCommand.CHUNK_UNLINK, key, version, count);
  }

  /**
   * {@code STATELESS.STREAMSWAP}: the node makes the staged chunks the key's value (its owner's
   * {@code @Ttl} applies there); {@code -STALE chunk ...} when one is gone.
   */
  @Override
  public CompletableFuture<Long> swapStream(
      String key, @Nullable String owner, byte[] pointer, long px, String version, int count) {
    return integer(NodeCommand.STREAM_SWAP, key, version, count);
  }

  /** A node command of a key, a text and numbers, answering an integer. */
  private CompletableFuture<Long> integer(
      NodeCommand command, String key, String text, long... numbers) {
    CommandArgs<String, byte[]> a =
        new CommandArgs<>(RedisConnection.CODEC).addKey(key).add(RedisStore.utf8(text));
    for (long n : numbers) {
      a.add(n);
    }
    return call(c -> c.dispatch(command, new IntegerOutput<>(RedisConnection.CODEC), a));
  }

  @Override
  public void close() {
    Connections c;
    synchronized (this) {
      closing = true;
      c = open;
      open = null;
    }
    java.util.concurrent.ScheduledFuture<?> p = pings;
    if (p != null) {
      p.cancel(false);
    }
    reconnects.shutdownNow();
    scans.shutdownNow();
    pinger.shutdownNow();
    transactions.shutdown();
    try {
      if (!transactions.awaitTermination(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS)) {
        transactions.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (CompletableFuture<?> f : pendingTransactions.values()) {
      f.completeExceptionally(Errors.closed()); // never run: the caller is told
    }
    if (c != null) {
      c.close();
    }
    RedisClient cl = client;
    if (cl != null) {
      LettuceClients.shutdown(cl, timeout);
    }
  }

  @Override
  public String toString() {
    return description;
  }
}
