package dev.stateless.internal.redis;

import dev.stateless.SetOptions;
import dev.stateless.core.KeyPattern;
import dev.stateless.core.Literals;
import dev.stateless.core.StatelessException;
import dev.stateless.internal.Errors;
import dev.stateless.internal.InvalidationListener;
import dev.stateless.internal.OfflineQueue;
import dev.stateless.internal.RemoteStore;
import dev.stateless.internal.StreamedValues;
import dev.stateless.internal.TtlValue;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A store in Redis: each operation becomes a command or a Lua script ({@link RedisScripts}) on the
 * key layout of {@link RedisKeys}, and its reply a value; {@link RedisConnection} runs them through
 * Lettuce. Every write is one Lua script that also appends an invalidation event ({@link
 * InvalidationEvent}), numbered per owner, to the owner's stream: the write and its event cannot be
 * separated. {@link StreamInvalidations} reads the streams of the other nodes' writes.
 */
public final class RedisStore implements RemoteStore {
  /**
   * The most bytes one bulk string, a key or a value, may have: Redis's {@code proto-max-bulk-len}
   * (its default, 512 MB). A command with a larger one is not answered: Redis drops the connection,
   * failing every command in flight on it; so {@link #checkFits} refuses it first.
   */
  public static final long MAX_BULK_BYTES = 512L * 1024 * 1024;

  /** The longest command timeout a URI may ask for: longer is a mistake (and overflows). */
  private static final Duration MAX_TIMEOUT = Duration.ofDays(1);

  private static final Pattern TIMEOUT_PARAM = Pattern.compile("[?&]timeout=([^&#]*)");

  /** A Sentinel URI: Lettuce finds the master through the sentinels it names. */
  private static final Pattern SENTINEL_SCHEME = Pattern.compile("rediss?-sentinel://");

  /** One sentinel of a Sentinel URI's list: a host (or [IPv6 address]) and an optional port. */
  private static final Pattern SENTINEL_NODE =
      Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[^:\\[\\]]+)(?::([0-9]+))?");

  /** The scheme and the user information of a URI that has one (to its last '@' before ? or #). */
  private static final Pattern USER_INFO = Pattern.compile("^([A-Za-z0-9+.-]*://)?[^?#]*@");

  /** Lettuce reads query parameter names in any case. */
  private static final Pattern VERIFY_PEER_PARAM = Pattern.compile("(?i)[?&]verifyPeer=([^&#]*)");

  private final String description;
  private final Duration timeout;
  private final AtomicBoolean bound = new AtomicBoolean();

  /** The connection, which runs the commands this class encodes. */
  private final RedisConnection transport;

  @SuppressWarnings("NullAway.Init") // set by bind(), which runs before any command is sent
  private byte[] node;

  /** A store for a URI, trusting the JVM's trust store if it uses TLS. */
  public RedisStore(String text) {
    this(text, null);
  }

  /**
   * A store for a URI, which may use TLS ({@code rediss://}); {@code trustedCertificates}, a PEM
   * file, replaces the JVM's trust store for it (null: the JVM's).
   */
  public RedisStore(String text, @Nullable Path trustedCertificates) {
    if (text.contains(",") && !SENTINEL_SCHEME.matcher(text).lookingAt()) {
      throw new IllegalArgumentException(
          "Redis Cluster URIs are not supported yet: "
              + withoutPassword(text)
              + "; use one standalone server");
    }
    RedisURI parsed = parse(text);
    if (!TIMEOUT_PARAM.matcher(text).find()) {
      parsed.setTimeout(Duration.ofSeconds(2));
    }
    SslOptions ssl = null;
    if (trustedCertificates != null) {
      if (!parsed.isSsl()) {
        throw new IllegalArgumentException(
            "trusted certificates "
                + trustedCertificates
                + " given for \""
                + withoutPassword(text)
                + "\", which does not use TLS (argument trustedCertificates of Stores.redis):"
                + " write rediss://host:port (rediss-sentinel://... for Sentinel), or call"
                + " Stores.redis(uri)");
      }
      ssl = trusting(trustedCertificates);
    }
    this.timeout = parsed.getTimeout();
    this.description = description(parsed);
    this.transport = new RedisConnection(parsed, description, ssl);
  }

  /**
   * TLS options that trust the certificates of a PEM file, read here so that a wrong file fails
   * now, naming it, rather than at the first connection with a handshake error.
   */
  private static SslOptions trusting(Path pem) {
    int count;
    try (InputStream in = Files.newInputStream(pem)) {
      count = CertificateFactory.getInstance("X.509").generateCertificates(in).size();
    } catch (IOException | CertificateException e) {
      throw new IllegalArgumentException(
          "cannot read trusted certificates from "
              + pem
              + " (argument trustedCertificates of Stores.redis): "
              + e.getMessage()
              + "; give a PEM file of X.509 certificates (-----BEGIN CERTIFICATE-----)",
          e);
    }
    if (count == 0) {
      throw new IllegalArgumentException(
          pem
              + " holds no certificate (argument trustedCertificates of Stores.redis); give a PEM"
              + " file of X.509 certificates (-----BEGIN CERTIFICATE-----)");
    }
    return SslOptions.builder().jdkSslProvider().trustManager(pem.toFile()).build();
  }

  /**
   * Parses a URI as Lettuce does, refusing what Lettuce would take silently and then fail on, or
   * read otherwise than written: a port that is no number from 1 to 65535 (Lettuce takes "host:-1"
   * as a host name and port 0 as 6379), a timeout that is no positive duration up to a day (Lettuce
   * ignores "timeout=abc" and takes "timeout=-5s" as 0), and {@code verifyPeer} on a URI without
   * TLS (Lettuce ignores it: the connection would not be encrypted at all).
   */
  private static RedisURI parse(String text) {
    Matcher verify = VERIFY_PEER_PARAM.matcher(text);
    boolean verifyPeer = verify.find();
    if (verifyPeer && !verify.group(1).matches("(?i)NONE|CA|FULL")) {
      throw malformedUri(
          text, "verifyPeer \"" + verify.group(1) + "\" is none of NONE, CA, FULL", null);
    }
    Matcher user = USER_INFO.matcher(text);
    if (user.find() && user.group().substring(Math.max(0, user.end(1))).contains("/")) {
      throw malformedUri(
          text, "the user or password holds a '/', which ends the address: write it %2F", null);
    }
    boolean sentinel = SENTINEL_SCHEME.matcher(text).lookingAt();
    RedisURI parsed;
    try {
      if (sentinel) {
        checkSentinels(text);
      }
      parsed = RedisURI.create(text);
      URI uri = URI.create(text);
      if (!sentinel
          && uri.getRawAuthority() != null
          && (uri.getHost() == null || uri.getPort() == 0)) {
        throw new IllegalArgumentException(
            "\"" + withoutPassword(uri.getRawAuthority()) + "\" is no host[:port]");
      }
    } catch (RuntimeException e) {
      throw malformedUri(text, e.getMessage(), e);
    }
    if (verifyPeer && !parsed.isSsl()) {
      String scheme = sentinel ? "redis-sentinel://" : "redis://";
      throw malformedUri(
          text,
          "verifyPeer needs TLS, which "
              + scheme
              + " does not use (Lettuce would ignore it and connect unencrypted): write "
              + scheme.replace("redis", "rediss"),
          null);
    }
    Matcher timeout = TIMEOUT_PARAM.matcher(text);
    if (timeout.find()) {
      String value = timeout.group(1);
      if (!value.matches("[0-9]+(ns|us|ms|s|m|h|d)?")) {
        throw malformedUri(
            text, "timeout \"" + value + "\" is no duration such as 2s or 500ms", null);
      }
      Duration t = parsed.getTimeout();
      if (t.isZero() || t.isNegative() || t.compareTo(MAX_TIMEOUT) > 0) {
        throw malformedUri(text, "timeout " + value + " is not between 1 ms and 1 day", null);
      }
    }
    return parsed;
  }

  /**
   * Refuses a Sentinel URI Lettuce would take and then fail on, or read otherwise than written: no
   * master name (Lettuce's message names its query parameter, not the {@code #name} form), no
   * sentinel, or a sentinel whose port is no number from 1 to 65535 (Lettuce takes port 0).
   */
  private static void checkSentinels(String text) {
    // without the password, as withoutPassword() removes it, so that no message repeats it
    String rest = text.substring(text.indexOf("://") + 3).replaceFirst("^[^?#]*@", "");
    int hash = rest.indexOf('#');
    String master = hash < 0 ? "" : rest.substring(hash + 1);
    if (master.isEmpty() && !rest.matches("(?is)[^#]*[?&]sentinelMasterId=[^&#]+.*")) {
      throw new IllegalArgumentException(
          "no master name: end the URI with #name, the name the sentinels monitor (sentinel"
              + " monitor <name> <host> <port> <quorum>)");
    }
    String nodes = rest.split("[/?#]", 2)[0];
    if (nodes.isEmpty()) {
      throw new IllegalArgumentException("no sentinel: name one or more, host:port,host:port");
    }
    for (String node : nodes.split(",", -1)) {
      Matcher m = SENTINEL_NODE.matcher(node);
      String port = m.matches() ? m.group(2) : null;
      if (!m.matches()
          || (port != null && (port.length() > 5 || !between(Integer.parseInt(port), 1, 65535)))) {
        throw new IllegalArgumentException("sentinel \"" + node + "\" is no host[:port]");
      }
    }
  }

  private static boolean between(int value, int min, int max) {
    return value >= min && value <= max;
  }

  /**
   * What messages call the store: its address, with no password; for Sentinel, the sentinels and
   * the master's name, as the URI writes them.
   */
  private static String description(RedisURI parsed) {
    if (parsed.getSentinels().isEmpty()) {
      return (parsed.isSsl() ? "rediss://" : "redis://")
          + parsed.getHost()
          + ":"
          + parsed.getPort()
          + "/"
          + parsed.getDatabase();
    }
    List<String> nodes = new ArrayList<>();
    for (RedisURI s : parsed.getSentinels()) {
      String host = s.getHost();
      if (host.contains(":") && !host.startsWith("[")) {
        host = "[" + host + "]"; // an IPv6 address
      }
      nodes.add(host + ":" + s.getPort());
    }
    return (parsed.isSsl() ? "rediss-sentinel://" : "redis-sentinel://")
        + String.join(",", nodes)
        + "/"
        + parsed.getDatabase()
        + "#"
        + parsed.getSentinelMasterId();
  }

  private static IllegalArgumentException malformedUri(
      String text, @Nullable String problem, @Nullable Throwable cause) {
    return new IllegalArgumentException(
        "malformed Redis URI \""
            + withoutPassword(text)
            + "\" (argument uri of Stores.redis): "
            + problem
            + "; write redis://[[user:]password@]host[:port][/database][?timeout=2s] (rediss:// for"
            + " TLS, with &verifyPeer=NONE|CA|FULL), or for Sentinel"
            + " redis-sentinel://[[user:]password@]host[:port][,host[:port]...][/database]"
            + "[?timeout=2s]#master (rediss-sentinel:// for TLS), each port between 1 and 65535",
        cause);
  }

  /**
   * A URI for a message: a password in it (redis://user:secret@host) is not repeated, even one
   * holding an '@' or a '/' that should have been percent-encoded (the user information ends at the
   * last '@' before the query or the fragment).
   */
  private static String withoutPassword(String uri) {
    return uri.replaceFirst(USER_INFO.pattern(), "$1***@");
  }

  @Override
  public boolean connect(
      String nodeId,
      @Nullable InvalidationListener listener,
      List<String> owners,
      Set<String> streamingOwners,
      boolean mayStartDown) {
    streamingOwners(streamingOwners);
    return bind(nodeId, listener, owners, mayStartDown);
  }

  /**
   * Connects; when Redis is down, throws the coded network error, or, with {@code mayStartDown},
   * starts disconnected and connects in the background (every call fails fast with SL100 until
   * then, and {@link #live()} is false). Returns whether it is connected.
   */
  public boolean bind(
      String nodeId,
      @Nullable InvalidationListener listener,
      List<String> owners,
      boolean mayStartDown) {
    if (!bound.compareAndSet(false, true)) {
      throw new IllegalStateException(
          "this Redis store already serves a layer; call Stores.redis(uri) per layer and cache");
    }
    this.node = nodeId.getBytes(StandardCharsets.UTF_8);
    return transport.connect(nodeId, listener, owners, mayStartDown);
  }

  /** Whether the store is connected (it may start disconnected: see {@link #bind}). */
  @Override
  public boolean connected() {
    return transport.connected();
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public boolean isShared() {
    return true;
  }

  @Override
  public Duration timeout() {
    return timeout;
  }

  @Override
  public long maxValueBytes() {
    return MAX_BULK_BYTES;
  }

  @Override
  public void checkFits(String key, long valueBytes) {
    if (valueBytes > MAX_BULK_BYTES) {
      throw Errors.valueTooLargeForStore(key, valueBytes, MAX_BULK_BYTES, description);
    }
    checkKey(key);
  }

  /** A key Redis takes: at most {@link #MAX_BULK_BYTES} in UTF-8 (at most 3 bytes a char). */
  private void checkKey(String key) {
    if (key.length() > MAX_BULK_BYTES / 3) {
      long bytes = Literals.utf8Length(key);
      if (bytes > MAX_BULK_BYTES) {
        throw Errors.keyTooLargeForStore(key, bytes, MAX_BULK_BYTES, description);
      }
    }
  }

  @Override
  public RuntimeException failure(@Nullable Throwable failure) {
    return RedisExceptions.fromLettuce(description, timeout, failure);
  }

  /** Whether the invalidation stream is read without a gap right now. */
  @Override
  public boolean live() {
    return transport.live();
  }

  /**
   * Whether this store's writes append invalidation events, which the engine then counts as sent
   * and completes with pattern events: always. Each write script appends its event in the same
   * script as the write ({@link RedisScripts#WRITES}, checked when they load), whether or not this
   * node reads events: other nodes sharing the Redis may hold copies even when this one has no
   * layer nearer than Redis (no listener at {@link #bind}). It is not "whether a listener was
   * given": answering that once left a writer with only a server layer sending no pattern events.
   */
  @Override
  public boolean publishes() {
    return true;
  }

  @Override
  public CompletableFuture<byte[]> get(String key) {
    checkKey(key);
    return call(a -> a.get(key));
  }

  /**
   * The value and its remaining time to live in milliseconds (-1: none; 0 or -2: it just expired),
   * read atomically.
   */
  @Override
  public CompletableFuture<TtlValue> getWithTtl(String key, @Nullable String owner) {
    return this.<List<Object>>script(
            RedisScripts.GET_WITH_TTL,
            ScriptOutputType.MULTI,
            new String[] {key, RedisKeys.versions(owner)})
        .thenApply(reply -> valueAndTtl(reply, 0).withVersion(version(reply, 2)));
  }

  /**
   * Per key of a page: its value (null when absent or not a string) and remaining TTL in
   * milliseconds, as {@link #getWithTtl}, in one script call.
   */
  @Override
  public CompletableFuture<List<TtlValue>> getAllWithTtl(List<String> keys) {
    return this.<List<Object>>script(
            RedisScripts.GET_ALL_WITH_TTL, ScriptOutputType.MULTI, keys.toArray(new String[0]))
        .thenApply(
            reply -> {
              List<TtlValue> out = new ArrayList<>(keys.size());
              for (int i = 0; i < keys.size(); i++) {
                out.add(valueAndTtl(reply, 2 * i));
              }
              return out;
            });
  }

  /**
   * The value (null when absent or not a string) and remaining TTL at {@code at} of a GET_WITH_TTL
   * or GET_ALL_WITH_TTL reply; a missing TTL reads as -2 (absent).
   */
  /** A version in a reply ({@code fragments/version.lua}); 0 when there is none. */
  private static long version(List<Object> reply, int at) {
    Object v = at < reply.size() ? reply.get(at) : null;
    if (v instanceof byte[] b) {
      try {
        return Long.parseLong(new String(b, StandardCharsets.US_ASCII));
      } catch (NumberFormatException e) {
        return 0;
      }
    }
    return v instanceof Long l ? l : 0;
  }

  private static TtlValue valueAndTtl(List<Object> reply, int at) {
    Object value = at < reply.size() ? reply.get(at) : null;
    Object ttl = at + 1 < reply.size() ? reply.get(at + 1) : null;
    return new TtlValue(value instanceof byte[] b ? b : null, ttl instanceof Long l ? l : -2L);
  }

  /** Returns the key's new version, or 0 when the condition kept it from being written. */
  @Override
  public CompletableFuture<Long> set(
      String key, @Nullable String owner, byte[] value, long px, SetOptions.Condition condition) {
    checkFits(key, value.length);
    String cond =
        condition == null
            ? "-"
            : switch (condition) {
              case IF_ABSENT -> "NX";
              case IF_PRESENT -> "XX";
              case ALWAYS -> "-";
            };
    return run(RedisScripts.SET, key, owner, value, ascii(Long.toString(px)), ascii(cond));
  }

  @Override
  public CompletableFuture<Boolean> del(String key, @Nullable String owner) {
    return this.<Long>run(RedisScripts.DEL, key, owner).thenApply(n -> n > 0);
  }

  @Override
  public CompletableFuture<Boolean> expire(String key, @Nullable String owner, long millis) {
    return this.<Long>run(RedisScripts.PEXPIRE, key, owner, ascii(Long.toString(millis)))
        .thenApply(n -> n == 1L);
  }

  @Override
  public CompletableFuture<Long> incrBy(
      String key, @Nullable String owner, long delta, long min, long max) {
    return run(
        RedisScripts.INCRBY,
        key,
        owner,
        ascii(Long.toString(delta)),
        ascii(Long.toString(min)),
        ascii(Long.toString(max)));
  }

  @Override
  public CompletableFuture<Long> pttl(String key) {
    checkKey(key);
    return call(a -> a.pttl(key));
  }

  public CompletableFuture<Boolean> exists(String key) {
    checkKey(key);
    return call(a -> a.exists(key)).thenApply(n -> n > 0);
  }

  /**
   * Writes (or deletes, when {@code value} is null) a key only if it still holds {@code expected}
   * (null: absent) and no other node holds its lock; releases the lock if {@code token} holds it.
   * Returns {@code {1}} when applied, else {@code {0, current value}}.
   */
  @Override
  public CompletableFuture<List<Object>> compareAndSet(
      String key,
      @Nullable String owner,
      @Nullable String token,
      byte @Nullable [] expected,
      byte @Nullable [] value,
      long px) {
    checkFits(key, value == null ? 0 : value.length);
    String[] keys = {
      key,
      RedisKeys.stream(owner),
      RedisKeys.SEQUENCES,
      RedisKeys.index(owner),
      RedisKeys.expiries(owner),
      RedisKeys.lock(key),
      RedisKeys.versions(owner)
    };
    return script(
        RedisScripts.COMPARE_AND_SET,
        ScriptOutputType.MULTI,
        keys,
        node,
        ascii(Integer.toString(RedisKeys.STREAM_MAXLEN)),
        utf8(token == null ? "" : token),
        ascii(expected == null ? "-" : "="),
        expected == null ? new byte[0] : expected,
        ascii(value == null ? "d" : "s"),
        value == null ? new byte[0] : value,
        ascii(Long.toString(px)));
  }

  /** Takes a key's lock for {@code millis}: {@code {1, current value}}, or {@code {0}}. */
  @Override
  public CompletableFuture<List<Object>> lock(String key, String token, long millis) {
    return script(
        RedisScripts.LOCK,
        ScriptOutputType.MULTI,
        new String[] {RedisKeys.lock(key), key},
        utf8(token),
        ascii(Long.toString(millis)));
  }

  @Override
  public CompletableFuture<Long> unlock(String key, String token) {
    return script(
        RedisScripts.UNLOCK,
        ScriptOutputType.INTEGER,
        new String[] {RedisKeys.lock(key)},
        utf8(token));
  }

  /**
   * Applies writes atomically: {@code values[i]} null deletes {@code keys[i]}; {@code px[i]} > 0
   * expires it.
   */
  @Override
  public CompletableFuture<Long> batch(
      List<String> keys, List<String> owners, List<byte[]> values, long[] px) {
    int n = keys.size();
    String[] k = new String[1 + 5 * n];
    byte[][] args = new byte[2 + 3 * n][];
    k[0] = RedisKeys.SEQUENCES;
    args[0] = node;
    args[1] = ascii(Integer.toString(RedisKeys.STREAM_MAXLEN));
    for (int i = 0; i < n; i++) {
      String owner = owners.get(i);
      k[1 + 5 * i] = keys.get(i);
      k[2 + 5 * i] = RedisKeys.stream(owner);
      k[3 + 5 * i] = RedisKeys.index(owner);
      k[4 + 5 * i] = RedisKeys.expiries(owner);
      k[5 + 5 * i] = RedisKeys.versions(owner);
      byte[] v = values.get(i);
      checkFits(keys.get(i), v == null ? 0 : v.length);
      args[2 + 3 * i] = ascii(v == null ? "d" : "s");
      args[3 + 3 * i] = v == null ? new byte[0] : v;
      args[4 + 3 * i] = ascii(Long.toString(px[i]));
    }
    return script(RedisScripts.BATCH, ScriptOutputType.INTEGER, k, args);
  }

  /**
   * Applies one offline-queue record with {@code apply-queued.lua}; the reply is its status
   * ("applied", "skipped", "out of order", "conflict", "skipped-conflict") and, for a conflict, the
   * server's value.
   */
  @Override
  public CompletableFuture<List<Object>> applyQueued(
      OfflineQueue.QueuedWrite rec, String queueId, long floor) {
    checkFits(rec.key, rec.value == null ? 0 : rec.value.length);
    String[] keys = {
      rec.key,
      RedisKeys.stream(rec.owner),
      RedisKeys.SEQUENCES,
      RedisKeys.index(rec.owner),
      RedisKeys.expiries(rec.owner),
      RedisKeys.QUEUES,
      RedisKeys.queueConflicts(queueId),
      RedisKeys.versions(rec.owner)
    };
    return script(
        RedisScripts.APPLY_QUEUED,
        ScriptOutputType.MULTI,
        keys,
        node,
        ascii(Integer.toString(RedisKeys.STREAM_MAXLEN)),
        new byte[] {rec.op},
        rec.value == null ? new byte[0] : rec.value,
        ascii(Long.toString(rec.px)),
        ascii(rec.base),
        utf8(queueId),
        ascii(Long.toString(rec.seq)),
        ascii(Long.toString(floor)));
  }

  /** Forgets a queued record's conflict once it was reported. */
  @Override
  public CompletableFuture<Long> forgetQueuedConflict(String queueId, long seq) {
    return call(a -> a.hdel(RedisKeys.queueConflicts(queueId), Long.toString(seq)));
  }

  /** Appends a pattern event to an owner's stream (after the keys are gone). */
  @Override
  public CompletableFuture<Long> publishPattern(@Nullable String owner, String pattern) {
    return run(
        RedisScripts.PUBLISH_PATTERN,
        RedisKeys.NO_KEY,
        owner,
        pattern.getBytes(StandardCharsets.UTF_8));
  }

  /** One command, failing at once with SL100 while the store has never connected. */
  private <T> CompletableFuture<T> call(
      Function<RedisAsyncCommands<String, byte[]>, RedisFuture<T>> command) {
    return transport.call(command);
  }

  /** Runs a script with the given keys and arguments, loading it on NOSCRIPT. */
  private <T> CompletableFuture<T> script(
      Script s, ScriptOutputType type, String[] keys, byte[]... args) {
    for (String k : keys) {
      checkKey(k);
    }
    return transport.script(s, type, keys, args);
  }

  /**
   * Runs a write script: KEYS key, stream, sequences, index, expiries, versions; ARGV node, maxlen,
   * extra.
   */
  private <T> CompletableFuture<T> run(
      Script s, String key, @Nullable String owner, byte[]... extra) {
    String[] keys = {
      key,
      RedisKeys.stream(owner),
      RedisKeys.SEQUENCES,
      RedisKeys.index(owner),
      RedisKeys.expiries(owner),
      RedisKeys.versions(owner)
    };
    byte[][] args = new byte[2 + extra.length][];
    args[0] = node;
    args[1] = ascii(Integer.toString(RedisKeys.STREAM_MAXLEN));
    System.arraycopy(extra, 0, args, 2, extra.length);
    return script(s, ScriptOutputType.INTEGER, keys, args);
  }

  /**
   * Deletes the keys of one owner that a pattern matches, found through the owner's key index: the
   * cost is the number of the owner's keys that share the pattern's literal prefix, not the size of
   * the keyspace, and each step touches at most 500 keys.
   */
  @Override
  public CompletableFuture<Long> deleteMatching(
      @Nullable String owner, KeyPattern pattern, @Nullable String except) {
    return deletePage(owner, pattern, except, "[" + pattern.literalPrefix(), 0L);
  }

  private CompletableFuture<Long> deletePage(
      @Nullable String owner,
      KeyPattern pattern,
      @Nullable String except,
      String start,
      long deleted) {
    String prefix = pattern.literalPrefix();
    return this.<List<byte[]>>script(
            RedisScripts.INDEX_PAGE,
            ScriptOutputType.MULTI,
            new String[] {RedisKeys.index(owner)},
            utf8(start),
            utf8(prefix),
            ascii("500"))
        .thenCompose(
            page -> {
              if (page.isEmpty()) {
                return CompletableFuture.completedFuture(deleted);
              }
              List<byte[]> matching = new ArrayList<>();
              String last = null;
              for (byte[] member : page) {
                last = new String(member, StandardCharsets.UTF_8);
                if (pattern.matches(last) && !last.equals(except)) {
                  matching.add(member);
                }
              }
              String next = "(" + last;
              CompletableFuture<Long> dropped =
                  matching.isEmpty()
                      ? CompletableFuture.completedFuture(0L)
                      : streamingOwners.contains(owner)
                          ? dropStreamed(owner, matching)
                          : this.<Long>script(
                              RedisScripts.DROP_KEYS,
                              ScriptOutputType.INTEGER,
                              new String[] {
                                RedisKeys.index(owner),
                                RedisKeys.expiries(owner),
                                RedisKeys.versions(owner)
                              },
                              matching.toArray(new byte[0][]));
              return dropped.thenCompose(
                  n ->
                      page.size() < 500
                          ? CompletableFuture.completedFuture(deleted + n)
                          : deletePage(owner, pattern, except, next, deleted + n));
            });
  }

  // ---- streamed values ----

  /** Owners whose keys may hold streamed values (their deletions release chunks). */
  private volatile Set<String> streamingOwners = Set.of();

  void streamingOwners(Set<String> owners) {
    this.streamingOwners = Set.copyOf(owners);
  }

  private CompletableFuture<Long> dropStreamed(@Nullable String owner, List<byte[]> keys) {
    byte[][] args = new byte[keys.size() + 1][];
    args[0] = ascii(Long.toString(StreamedValues.GRACE_MILLIS));
    for (int i = 0; i < keys.size(); i++) {
      args[i + 1] = keys.get(i);
    }
    return script(
        RedisScripts.STREAM_DROP_KEYS,
        ScriptOutputType.INTEGER,
        new String[] {RedisKeys.index(owner), RedisKeys.expiries(owner), RedisKeys.versions(owner)},
        args);
  }

  /** DEL of a key of a {@code @Streaming} owner: a streamed value's chunks get the grace period. */
  @Override
  public CompletableFuture<Boolean> delStreamed(String key, @Nullable String owner) {
    return this.<Long>run(
            RedisScripts.STREAM_DEL, key, owner, ascii(Long.toString(StreamedValues.GRACE_MILLIS)))
        .thenApply(n -> n > 0);
  }

  /** Writes one chunk of a value being streamed in, expiring after {@code leaseMillis}. */
  @Override
  public CompletableFuture<String> setChunk(
      String version, int index, byte[] bytes, long leaseMillis) {
    String chunkKey = RedisKeys.chunk(version, index);
    return call(a -> a.set(chunkKey, bytes, SetArgs.Builder.px(leaseMillis)));
  }

  @Override
  public CompletableFuture<byte[]> getChunk(String version, int index) {
    return get(RedisKeys.chunk(version, index));
  }

  /**
   * Extends the leases of chunks {@code first..last} of a write in progress, in one script; how
   * many exist. See {@code stream-renew.lua}.
   */
  @Override
  public CompletableFuture<Long> renewChunks(
      String version, int first, int last, long leaseMillis) {
    return script(
        RedisScripts.STREAM_RENEW,
        ScriptOutputType.INTEGER,
        new String[0],
        ascii(version),
        ascii(Integer.toString(first)),
        ascii(Integer.toString(last)),
        ascii(Long.toString(leaseMillis)));
  }

  /** Drops the chunks of a write that failed. */
  @Override
  public CompletableFuture<Long> unlinkChunks(String version, int count) {
    String[] chunkKeys = new String[count];
    for (int i = 0; i < count; i++) {
      chunkKeys[i] = RedisKeys.chunk(version, i);
    }
    return call(a -> a.unlink(chunkKeys));
  }

  /** Points {@code key} at fully written chunks, in one script; see {@code stream-swap.lua}. */
  @Override
  public CompletableFuture<Long> swapStream(
      String key, @Nullable String owner, byte[] pointer, long px, String version, int count) {
    return run(
        RedisScripts.STREAM_SWAP,
        key,
        owner,
        pointer,
        ascii(Long.toString(px)),
        ascii(Long.toString(StreamedValues.GRACE_MILLIS)),
        ascii(version),
        ascii(Integer.toString(count)));
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Visits every key matching a Redis glob with SCAN (never KEYS), in batches of 1000, so Redis is
   * never blocked for long; our own bookkeeping keys are skipped.
   */
  @Override
  public CompletableFuture<Void> scan(String glob, Consumer<List<String>> batch) {
    return CompletableFuture.runAsync(
        () -> {
          try {
            ScanArgs args = ScanArgs.Builder.matches(glob).limit(1000);
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
              KeyScanCursor<String> page = transport.await(transport.commands().scan(cursor, args));
              List<String> keys = new ArrayList<>(page.getKeys().size());
              for (String k : page.getKeys()) {
                if (!RedisKeys.isOwn(k)) {
                  keys.add(k);
                }
              }
              if (!keys.isEmpty()) {
                batch.accept(keys);
              }
              cursor = page;
            } while (!cursor.isFinished());
          } catch (RuntimeException e) {
            throw RedisExceptions.fromLettuce(description, timeout, e);
          }
        },
        transport.scans());
  }

  /**
   * Visits the keys matching a Redis glob with SCAN (COUNT {@code count}) on the calling thread, a
   * page at a time, until {@code page} returns false; our own bookkeeping keys are skipped.
   *
   * @throws StatelessException the coded failure when Redis fails
   */
  @Override
  public void scanPages(String glob, int count, Predicate<List<String>> page) {
    try {
      ScanArgs args = ScanArgs.Builder.matches(glob).limit(count);
      ScanCursor cursor = ScanCursor.INITIAL;
      do {
        KeyScanCursor<String> scanned = transport.await(transport.commands().scan(cursor, args));
        List<String> keys = new ArrayList<>(scanned.getKeys().size());
        for (String k : scanned.getKeys()) {
          if (!RedisKeys.isOwn(k)) {
            keys.add(k);
          }
        }
        if (!keys.isEmpty() && !page.test(keys)) {
          return;
        }
        cursor = scanned;
      } while (!cursor.isFinished());
    } catch (RuntimeException e) {
      throw RedisExceptions.fromLettuce(description, timeout, e);
    }
  }

  public static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() {
    transport.close();
  }
}
