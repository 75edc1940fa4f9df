package dev.stateless;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A store in Redis through Lettuce. Every write is one Lua script that also appends an invalidation
 * event, numbered per owner, to the owner's stream: the write and its event cannot be separated.
 * {@link StreamInvalidations} reads the streams of the other nodes' writes.
 */
final class RedisStore extends LayerStore {
  static final String PREFIX = "__stateless:";
  static final String SEQUENCES = PREFIX + "seq";
  static final String STREAM_PREFIX = PREFIX + "inv:";
  static final String UNOWNED = "~";
  static final int STREAM_MAXLEN = 10_000;

  private static final RedisCodec<String, byte[]> CODEC =
      RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  /** Appends one event to an owner's stream: numbered by HINCRBY, trimmed to a bounded length. */
  private static final String PUBLISH =
      "local function publish(stream, field, value)\n"
          + "  local seq = redis.call('HINCRBY', KEYS[3], stream, 1)\n"
          + "  redis.call('XADD', stream, 'MAXLEN', '~', ARGV[2], '*', 's', seq, 'n', ARGV[1],"
          + " field, value)\n"
          + "end\n";

  // KEYS: key, stream, sequences. ARGV: node, maxlen, publish, value, px, condition
  static final Script SET =
      new Script(
          PUBLISH
              + "local args = {'SET', KEYS[1], ARGV[4]}\n"
              + "if tonumber(ARGV[5]) > 0 then table.insert(args, 'PX'); table.insert(args,"
              + " ARGV[5]) end\n"
              + "if ARGV[6] == 'nx' then table.insert(args, 'NX') elseif ARGV[6] == 'xx' then"
              + " table.insert(args, 'XX') end\n"
              + "if not redis.call(unpack(args)) then return 0 end\n"
              + "if ARGV[3] == '1' then publish(KEYS[2], 'k', KEYS[1]) end\n"
              + "return 1\n");

  // KEYS: key, stream, sequences. ARGV: node, maxlen, publish
  static final Script DEL =
      new Script(
          PUBLISH
              + "local n = redis.call('DEL', KEYS[1])\n"
              + "if ARGV[3] == '1' then publish(KEYS[2], 'k', KEYS[1]) end\n"
              + "return n\n");

  // KEYS: key, stream, sequences. ARGV: node, maxlen, publish, millis
  static final Script PEXPIRE =
      new Script(
          PUBLISH
              + "local n = redis.call('PEXPIRE', KEYS[1], ARGV[4])\n"
              + "if n == 1 and ARGV[3] == '1' then publish(KEYS[2], 'k', KEYS[1]) end\n"
              + "return n\n");

  // KEYS: key, stream, sequences. ARGV: node, maxlen, publish, delta. Keeps the value's type tag
  // ('s' text stays text, as in Redis) and its TTL; Lua numbers are doubles, so stay below 2^53.
  static final Script INCRBY =
      new Script(
          PUBLISH
              + "local v = redis.call('GET', KEYS[1])\n"
              + "local tag, n = 'l', 0\n"
              + "if v then\n"
              + "  tag = string.sub(v, 1, 1)\n"
              + "  n = tonumber(string.sub(v, 2))\n"
              + "  if (tag ~= 'l' and tag ~= 'i' and tag ~= 'h' and tag ~= 'y' and tag ~= 's')"
              + " or n == nil or n ~= math.floor(n) then\n"
              + "    return redis.error_reply('WRONGTYPE value is not an integer')\n"
              + "  end\n"
              + "  if tag ~= 's' then tag = 'l' end\n"
              + "end\n"
              + "n = n + tonumber(ARGV[4])\n"
              + "if math.abs(n) >= 9007199254740992 then return redis.error_reply('ERR increment"
              + " overflows 2^53') end\n"
              + "redis.call('SET', KEYS[1], tag .. string.format('%d', n), 'KEEPTTL')\n"
              + "if ARGV[3] == '1' then publish(KEYS[2], 'k', KEYS[1]) end\n"
              + "return n\n");

  // KEYS: (unused), stream, sequences. ARGV: node, maxlen, publish, pattern
  static final Script PUBLISH_PATTERN =
      new Script(PUBLISH + "publish(KEYS[2], 'p', ARGV[4])\nreturn 1\n");

  /** A Lua script and its SHA-1, run with EVALSHA and loaded on NOSCRIPT. */
  static final class Script {
    final String text;
    final String sha;

    Script(String text) {
      this.text = text;
      this.sha = sha1(text);
    }

    private static String sha1(String text) {
      try {
        byte[] d =
            java.security.MessageDigest.getInstance("SHA-1")
                .digest(text.getBytes(StandardCharsets.UTF_8));
        StringBuilder sb = new StringBuilder();
        for (byte b : d) {
          sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return sb.toString();
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-1 is required of every JVM", e);
      }
    }
  }

  private final RedisURI uri;
  private final String description;
  private final Duration timeout;
  private final AtomicBoolean bound = new AtomicBoolean();
  private RedisClient client;
  private StatefulRedisConnection<String, byte[]> connection;
  private RedisAsyncCommands<String, byte[]> async;
  private ExecutorService scans;
  private StreamInvalidations invalidations;
  private byte[] node;
  private final AtomicBoolean flushScheduled = new AtomicBoolean();
  private ExecutorService flusher;

  RedisStore(String text) {
    if (text.contains(",")) {
      throw new IllegalArgumentException(
          "Redis Cluster URIs are not supported yet: " + text + "; use one standalone server");
    }
    RedisURI parsed;
    try {
      parsed = RedisURI.create(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "malformed Redis URI \"" + text + "\": " + e.getMessage(), e);
    }
    if (!text.contains("timeout=")) {
      parsed.setTimeout(Duration.ofSeconds(2));
    }
    this.uri = parsed;
    this.timeout = parsed.getTimeout();
    this.description =
        "redis://" + parsed.getHost() + ":" + parsed.getPort() + "/" + parsed.getDatabase();
  }

  /** Connects; throws the coded network error when Redis is down. */
  void bind(String nodeId, StreamInvalidations.Listener listener, List<String> owners) {
    if (!bound.compareAndSet(false, true)) {
      throw new IllegalStateException(
          "this Redis store already serves a layer; call Stores.redis(uri) per layer and cache");
    }
    this.node = nodeId.getBytes(StandardCharsets.UTF_8);
    client = RedisClient.create(uri);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(timeout))
            .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
            .build());
    try {
      connection = client.connect(CODEC);
    } catch (RedisException e) {
      client.shutdown(0, 0, TimeUnit.MILLISECONDS);
      throw Errors.unreachable(description, e);
    }
    connection.setAutoFlushCommands(false);
    async = connection.async();
    flusher =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "stateless-redis-flush");
              t.setDaemon(true);
              return t;
            });
    scans =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "stateless-redis-scan");
              t.setDaemon(true);
              return t;
            });
    if (listener != null) {
      invalidations =
          new StreamInvalidations(this, client, CODEC, nodeId, owners, listener, timeout);
      invalidations.start();
    }
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public boolean isShared() {
    return true;
  }

  Duration timeout() {
    return timeout;
  }

  /** Whether the invalidation stream is read without a gap right now. */
  boolean live() {
    return invalidations == null || invalidations.live();
  }

  /** Whether writes append invalidation events (some nearer layer may hold copies). */
  boolean publishes() {
    return invalidations != null;
  }

  static String stream(String owner) {
    return STREAM_PREFIX + (owner == null ? UNOWNED : owner);
  }

  private <T> CompletableFuture<T> translate(CompletionStage<T> stage) {
    CompletableFuture<T> out = new CompletableFuture<>();
    stage.whenComplete(
        (v, t) -> {
          if (t == null) {
            out.complete(v);
          } else {
            out.completeExceptionally(Errors.fromStore(description, timeout, t));
          }
        });
    return out;
  }

  CompletableFuture<byte[]> get(String key) {
    return translate(flushed(async.get(key)));
  }

  /** The value and its remaining time to live in milliseconds (-1: none), in one round trip. */
  CompletableFuture<Object[]> getWithTtl(String key) {
    CompletableFuture<byte[]> v = translate(async.get(key));
    CompletableFuture<Long> ttl = translate(flushed(async.pttl(key)));
    return v.thenCombine(ttl, (value, millis) -> new Object[] {value, millis});
  }

  CompletableFuture<Boolean> set(
      String key, String owner, byte[] value, long px, SetOptions.Condition condition) {
    String cond =
        condition == SetOptions.Condition.IF_ABSENT
            ? "nx"
            : condition == SetOptions.Condition.IF_PRESENT ? "xx" : "-";
    return this.<Long>run(SET, key, owner, value, ascii(Long.toString(px)), ascii(cond))
        .thenApply(n -> n == 1L);
  }

  CompletableFuture<Boolean> del(String key, String owner) {
    return this.<Long>run(DEL, key, owner).thenApply(n -> n > 0);
  }

  CompletableFuture<Boolean> expire(String key, String owner, long millis) {
    return this.<Long>run(PEXPIRE, key, owner, ascii(Long.toString(millis)))
        .thenApply(n -> n == 1L);
  }

  CompletableFuture<Long> incrBy(String key, String owner, long delta) {
    return run(INCRBY, key, owner, ascii(Long.toString(delta)));
  }

  CompletableFuture<Long> pttl(String key) {
    return translate(flushed(async.pttl(key)));
  }

  CompletableFuture<Boolean> exists(String key) {
    return translate(flushed(async.exists(key))).thenApply(n -> n > 0);
  }

  /** Appends a pattern event to an owner's stream (after the keys are gone). */
  CompletableFuture<Long> publishPattern(String owner, String pattern) {
    return run(PUBLISH_PATTERN, PREFIX + "none", owner, pattern.getBytes(StandardCharsets.UTF_8));
  }

  private <T> CompletableFuture<T> run(Script s, String key, String owner, byte[]... extra) {
    String[] keys = {key, stream(owner), SEQUENCES};
    byte[][] args = new byte[3 + extra.length][];
    args[0] = node;
    args[1] = ascii(Integer.toString(STREAM_MAXLEN));
    args[2] = ascii(invalidations != null ? "1" : "0");
    System.arraycopy(extra, 0, args, 3, extra.length);
    CompletableFuture<T> out = new CompletableFuture<>();
    flushed(async.<T>evalsha(s.sha, ScriptOutputType.INTEGER, keys, args))
        .whenComplete(
            (v, t) -> {
              if (t == null) {
                out.complete(v);
              } else if (String.valueOf(t.getMessage()).startsWith("NOSCRIPT")) {
                translate(flushed(async.<T>eval(s.text, ScriptOutputType.INTEGER, keys, args)))
                    .whenComplete((v2, t2) -> complete(out, v2, t2));
              } else {
                out.completeExceptionally(Errors.fromStore(description, timeout, t));
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

  /**
   * Visits every key matching a Redis glob with SCAN (never KEYS), in batches of 1000, so Redis is
   * never blocked for long; our own bookkeeping keys are skipped.
   */
  CompletableFuture<Void> scan(String glob, Consumer<List<String>> batch) {
    return CompletableFuture.runAsync(
        () -> {
          try {
            ScanArgs args = ScanArgs.Builder.matches(glob).limit(1000);
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
              KeyScanCursor<String> page = await(async.scan(cursor, args));
              List<String> keys = new ArrayList<>(page.getKeys().size());
              for (String k : page.getKeys()) {
                if (!k.startsWith(PREFIX)) {
                  keys.add(k);
                }
              }
              if (!keys.isEmpty()) {
                batch.accept(keys);
              }
              cursor = page;
            } while (!cursor.isFinished());
          } catch (RuntimeException e) {
            throw Errors.fromStore(description, timeout, e);
          }
        },
        scans);
  }

  /** Deletes keys (UNLINK: memory is freed off Redis's main thread). */
  long unlink(List<String> keys) {
    try {
      return await(async.unlink(keys.toArray(new String[0])));
    } catch (RuntimeException e) {
      throw Errors.fromStore(description, timeout, e);
    }
  }

  private <T> T await(io.lettuce.core.RedisFuture<T> f) {
    try {
      return flushed(f).get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RedisException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new RedisException(e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new io.lettuce.core.RedisCommandTimeoutException(e.getMessage());
    }
  }

  /**
   * Flushes commands in groups: the connection does not flush each command; the first command after
   * a flush schedules the next one on the flusher thread, and every command dispatched until it
   * runs goes out in the same write. Under load that is redis-benchmark's pipelining; alone, a
   * command waits one thread handoff.
   */
  private <T> io.lettuce.core.RedisFuture<T> flushed(io.lettuce.core.RedisFuture<T> f) {
    if (flushScheduled.compareAndSet(false, true)) {
      flusher.execute(
          () -> {
            flushScheduled.set(false);
            connection.flushCommands();
          });
    }
    return f;
  }

  <T> CompletableFuture<T> onScanThread(java.util.function.Supplier<T> work) {
    return CompletableFuture.supplyAsync(work, scans);
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() {
    if (invalidations != null) {
      invalidations.close();
    }
    if (connection != null) {
      connection.close();
    }
    if (scans != null) {
      scans.shutdownNow();
    }
    if (flusher != null) {
      flusher.shutdown();
    }
    if (client != null) {
      client.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }
}
