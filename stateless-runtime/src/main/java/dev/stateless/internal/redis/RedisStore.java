package dev.stateless.internal.redis;

import dev.stateless.SetOptions;
import dev.stateless.core.KeyPattern;
import dev.stateless.core.Literals;
import dev.stateless.core.StatelessException;
import dev.stateless.internal.Errors;
import dev.stateless.internal.Futures;
import dev.stateless.internal.InvalidationListener;
import dev.stateless.internal.OfflineQueue;
import dev.stateless.internal.RemoteStore;
import dev.stateless.internal.StreamedValues;
import dev.stateless.internal.TtlValue;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SslOptions;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
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
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  static final Pattern TIMEOUT_PARAM = Pattern.compile("[?&]timeout=([^&#]*)");

  /** A Sentinel URI: Lettuce finds the master through the sentinels it names. */
  private static final Pattern SENTINEL_SCHEME = Pattern.compile("rediss?-sentinel://");

  /** One sentinel of a Sentinel URI's list: a host (or [IPv6 address]) and an optional port. */
  private static final Pattern SENTINEL_NODE =
      Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[^:\\[\\]]+)(?::([0-9]+))?");

  /** The scheme and the user information of a URI that has one (to its last '@' before ? or #). */
  private static final Pattern USER_INFO = Pattern.compile("^([A-Za-z0-9+.-]*://)?[^?#]*@");

  /**
   * How many replicas confirm each write before it is acknowledged: a number, or {@code auto}.
   * Lettuce ignores the parameter; this class reads it.
   */
  private static final Pattern REPLICAS_PARAM = Pattern.compile("(?i)[?&]replicas=([^&#]*)");

  /** The most replicas a URI may ask to confirm a write. */
  private static final int MAX_REPLICAS = 16;

  /** Lettuce reads query parameter names in any case. */
  private static final Pattern VERIFY_PEER_PARAM = Pattern.compile("(?i)[?&]verifyPeer=([^&#]*)");

  private final String description;
  private final Duration timeout;

  /** Whether this is a Redis Cluster: one shard per hash slot, else one shard. */
  private final boolean cluster;

  /** The length each invalidation log is trimmed to (ARGV[2] of the write scripts). */
  private final byte[] maxlen;

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
    this.cluster = isClusterUri(text);
    List<RedisURI> uris = new ArrayList<>();
    if (cluster) {
      for (String seed : seeds(text)) {
        uris.add(parse(seed));
      }
    } else {
      uris.add(parse(text));
    }
    for (RedisURI parsed : uris) {
      if (!TIMEOUT_PARAM.matcher(text).find()) {
        parsed.setTimeout(Duration.ofSeconds(2));
      }
      if (cluster && parsed.getDatabase() != 0) {
        throw malformedUri(
            text,
            "Redis Cluster has only database 0, not " + parsed.getDatabase() + " (drop /db)",
            null);
      }
    }
    RedisURI first = uris.get(0);
    SslOptions ssl = null;
    if (trustedCertificates != null) {
      if (!first.isSsl()) {
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
    this.timeout = first.getTimeout();
    this.description = cluster ? clusterDescription(uris) : description(first);
    this.maxlen =
        ascii(
            Integer.toString(cluster ? RedisKeys.CLUSTER_STREAM_MAXLEN : RedisKeys.STREAM_MAXLEN));
    this.transport =
        new RedisConnection(
            uris,
            cluster,
            description,
            ssl,
            replicas(text, cluster || !first.getSentinels().isEmpty()));
    transport.holdBack(this::issueHeld);
  }

  /**
   * The replicas that confirm each write (the {@code replicas} parameter): a number from 0 to
   * {@value #MAX_REPLICAS}, or {@code auto} ({@link ReplicaAcks#AUTO}: one where the master has
   * one), which is the default of a cluster or Sentinel URI, whose masters fail over; 0 that of one
   * server.
   */
  private static int replicas(String text, boolean failsOver) {
    Matcher m = REPLICAS_PARAM.matcher(text);
    if (!m.find()) {
      return failsOver ? ReplicaAcks.AUTO : 0;
    }
    String value = m.group(1);
    if (value.equalsIgnoreCase("auto")) {
      return ReplicaAcks.AUTO;
    }
    if (!value.matches("[0-9]{1,2}") || Integer.parseInt(value) > MAX_REPLICAS) {
      throw malformedUri(
          text,
          "replicas \""
              + value
              + "\" is neither auto nor a number of replicas from 0 to "
              + MAX_REPLICAS,
          null);
    }
    return Integer.parseInt(value);
  }

  /** What messages call a cluster store: its seeds, with no password. */
  private static String clusterDescription(List<RedisURI> seeds) {
    StringBuilder hosts = new StringBuilder();
    for (RedisURI u : seeds) {
      hosts
          .append(hosts.length() == 0 ? "" : ",")
          .append(u.getHost())
          .append(':')
          .append(u.getPort());
    }
    return (seeds.get(0).isSsl() ? "rediss://" : "redis://") + hosts + " (cluster)";
  }

  /**
   * Whether a URI names a Redis Cluster: {@code redis://} or {@code rediss://} with several {@code
   * host:port} seeds, comma-separated.
   */
  private static boolean isClusterUri(String text) {
    Matcher m = AUTHORITY.matcher(text);
    return m.find() && m.group(2).contains(",");
  }

  /** The scheme, the user info and the host list of a URI. */
  private static final Pattern AUTHORITY =
      Pattern.compile("^(?i)(rediss?://(?:[^@/?#]*@)?)([^/?#]*)");

  /**
   * A cluster URI as one URI per seed, each with the scheme, user info, database and parameters of
   * the whole.
   */
  private static List<String> seeds(String text) {
    Matcher m = AUTHORITY.matcher(text);
    if (!m.find()) {
      throw malformedUri(text, "no host list", null);
    }
    String rest = text.substring(m.end());
    List<String> out = new ArrayList<>();
    for (String host : m.group(2).split(",", -1)) {
      if (host.isBlank()) {
        throw malformedUri(text, "an empty host in the cluster's host list", null);
      }
      out.add(m.group(1) + host.strip() + rest);
    }
    return out;
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
    return parse(text, false);
  }

  /** Parses a URI; {@code edge}: one of {@code Stores.edge}, whose messages say so. */
  static RedisURI parse(String text, boolean edge) {
    Matcher verify = VERIFY_PEER_PARAM.matcher(text);
    boolean verifyPeer = verify.find();
    if (verifyPeer && !verify.group(1).matches("(?i)NONE|CA|FULL")) {
      throw malformedUri(
          edge, text, "verifyPeer \"" + verify.group(1) + "\" is none of NONE, CA, FULL", null);
    }
    Matcher user = USER_INFO.matcher(text);
    if (user.find() && user.group().substring(Math.max(0, user.end(1))).contains("/")) {
      throw malformedUri(
          edge,
          text,
          "the user or password holds a '/', which ends the address: write it %2F",
          null);
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
      throw malformedUri(edge, text, e.getMessage(), e);
    }
    if (verifyPeer && !parsed.isSsl()) {
      String scheme = sentinel ? "redis-sentinel://" : "redis://";
      throw malformedUri(
          edge,
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
            edge, text, "timeout \"" + value + "\" is no duration such as 2s or 500ms", null);
      }
      Duration t = parsed.getTimeout();
      if (t.isZero() || t.isNegative() || t.compareTo(MAX_TIMEOUT) > 0) {
        throw malformedUri(edge, text, "timeout " + value + " is not between 1 ms and 1 day", null);
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
  static String description(RedisURI parsed) {
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
    return malformedUri(false, text, problem, cause);
  }

  static IllegalArgumentException malformedUri(
      boolean edge, String text, @Nullable String problem, @Nullable Throwable cause) {
    if (edge) {
      return new IllegalArgumentException(
          "malformed edge node URI \""
              + withoutPassword(text)
              + "\" (argument uri of Stores.edge): "
              + problem
              + "; write redis://[[user:]password@]host[:port][?timeout=2s] (rediss:// for TLS,"
              + " with &verifyPeer=NONE|CA|FULL), the port between 1 and 65535: one node, no"
              + " database, Sentinel or cluster",
          cause);
    }
    return new IllegalArgumentException(
        "malformed Redis URI \""
            + withoutPassword(text)
            + "\" (argument uri of Stores.redis): "
            + problem
            + "; write redis://[[user:]password@]host[:port][/database][?timeout=2s]"
            + "[&replicas=N|auto] (rediss:// for"
            + " TLS, with &verifyPeer=NONE|CA|FULL), the port between 1 and 65535; for Redis"
            + " Cluster, several seeds: redis://host1:port1,host2:port2; for Sentinel"
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
    checkFits(key, valueBytes, MAX_BULK_BYTES, description);
  }

  /**
   * Refuses a key or value (encoded) longer than {@code max} bytes, the server's longest bulk
   * string, before anything is sent (SL102).
   */
  static void checkFits(String key, long valueBytes, long max, String store) {
    if (valueBytes > max) {
      throw Errors.valueTooLargeForStore(key, valueBytes, max, store);
    }
    if (key.length() > max / 3) { // at most 3 bytes a char: shorter keys fit
      long bytes = Literals.utf8Length(key);
      if (bytes > max) {
        throw Errors.keyTooLargeForStore(key, bytes, max, store);
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

  @Override
  public boolean reachable() {
    return transport.reachable();
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
    checkFits(key, 0);
    CompletableFuture<byte[]> value = new CompletableFuture<>();
    return hold(new HeldGet(key, value), value);
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
            new String[] {key, RedisKeys.versions(shard(key))})
        .thenApply(reply -> valueAndTtl(reply, 0).withVersion(version(reply, 2)));
  }

  /**
   * Per key of a page: its value (null when absent or not a string) and remaining TTL in
   * milliseconds, as {@link #getWithTtl}, in one script call.
   */
  @Override
  public CompletableFuture<List<TtlValue>> getAllWithTtl(List<String> keys) {
    if (cluster) {
      // one script per hash slot, the replies put back in the keys' order
      Map<String, List<Integer>> byShard = new LinkedHashMap<>();
      for (int i = 0; i < keys.size(); i++) {
        byShard.computeIfAbsent(shard(keys.get(i)), s -> new ArrayList<>()).add(i);
      }
      TtlValue[] out = new TtlValue[keys.size()];
      List<CompletableFuture<?>> parts = new ArrayList<>(byShard.size());
      for (List<Integer> at : byShard.values()) {
        List<String> group = new ArrayList<>(at.size());
        for (int i : at) {
          group.add(keys.get(i));
        }
        parts.add(
            getAllWithTtlOfOneShard(group)
                .thenAccept(
                    values -> {
                      for (int j = 0; j < at.size(); j++) {
                        out[at.get(j)] = values.get(j);
                      }
                    }));
      }
      return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]))
          .thenApply(v -> Arrays.asList(out));
    }
    return getAllWithTtlOfOneShard(keys);
  }

  private CompletableFuture<List<TtlValue>> getAllWithTtlOfOneShard(List<String> keys) {
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
    if (condition == null || condition == SetOptions.Condition.ALWAYS) {
      CompletableFuture<Long> version = new CompletableFuture<>();
      return hold(new HeldSet(key, owner, value, px, version), version);
    }
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

  // ---- unconditional sets and plain gets, held back until the next flush ----

  /** A set or a get waiting for the next flush. */
  private abstract static class Held {
    final String key;

    Held(String key) {
      this.key = key;
    }
  }

  /** One unconditional set waiting for the next flush. */
  private static final class HeldSet extends Held {
    final @Nullable String owner;
    final byte[] value;
    final long px;
    final CompletableFuture<Long> version;

    HeldSet(
        String key,
        @Nullable String owner,
        byte[] value,
        long px,
        CompletableFuture<Long> version) {
      super(key);
      this.owner = owner;
      this.value = value;
      this.px = px;
      this.version = version;
    }
  }

  /** One get waiting for the next flush. */
  private static final class HeldGet extends Held {
    final CompletableFuture<byte[]> value;

    HeldGet(String key, CompletableFuture<byte[]> value) {
      super(key);
      this.value = value;
    }
  }

  private static final byte[] SET_MANY_PLAIN = ascii("p");
  private static final byte[] SET_MANY_EXPIRING = ascii("x");

  /** The most sets one {@code set-many.lua} call applies, and the most keys of one MGET. */
  private static final int SETS_PER_SCRIPT = 256;

  /** Sets and gets waiting for the next flush, in call order; guarded by the issuing lock. */
  private final List<Held> held = new ArrayList<>();

  /**
   * Holds a set or get back for the next flush, unless the store is down or closed (then fails it,
   * as a command issued at once would be).
   */
  private <T> CompletableFuture<T> hold(Held h, CompletableFuture<T> result) {
    RuntimeException down = transport.down();
    if (down != null) {
      return CompletableFuture.failedFuture(down);
    }
    try {
      transport.heldBack(() -> held.add(h));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e); // closed: no flush will issue it
    }
    return result;
  }

  /**
   * Issues the held sets and gets (under the connection's issuing lock, before any later command
   * and before each flush), each run of sets or of gets in call order. Of a run, those of one shard
   * go together, in order: a run of sets of one owner that all expire or all do not ({@value
   * #SETS_PER_SCRIPT} at most) is one script call with one event listing its keys, and a shard's
   * gets are one MGET. Under load, one flush's sets cost one script call, not one each, and its
   * gets one command.
   */
  private void issueHeld() {
    if (held.isEmpty()) {
      return;
    }
    List<Held> all = new ArrayList<>(held);
    held.clear();
    int from = 0;
    for (int i = 1; i <= all.size(); i++) {
      if (i == all.size() || all.get(i).getClass() != all.get(from).getClass()) {
        Map<String, List<Held>> byShard = new LinkedHashMap<>();
        for (Held h : all.subList(from, i)) {
          byShard.computeIfAbsent(shard(h.key), k -> new ArrayList<>()).add(h);
        }
        for (Map.Entry<String, List<Held>> e : byShard.entrySet()) {
          if (all.get(from) instanceof HeldSet) {
            setRuns(e.getKey(), e.getValue());
          } else {
            getMany(e.getValue());
          }
        }
        from = i;
      }
    }
  }

  /** The sets one set-many.lua call can take together: one owner's, all expiring or none. */
  private record SetGroup(@Nullable String owner, boolean expiring) {}

  /**
   * Applies the held sets of one shard: each owner's sets that all expire or all do not as one
   * script ({@value #SETS_PER_SCRIPT} at most). Sets of different keys may go in another order than
   * they were made (no reader can tell); a key's sets keep theirs: when a key's set belongs in
   * another group than its last one, the groups so far go first.
   */
  private void setRuns(String shard, List<Held> sets) {
    Map<SetGroup, List<HeldSet>> groups = new LinkedHashMap<>();
    Map<String, SetGroup> groupOf = new HashMap<>();
    for (Held held : sets) {
      HeldSet h = (HeldSet) held;
      SetGroup g = new SetGroup(h.owner, h.px > 0);
      SetGroup last = groupOf.put(h.key, g);
      if (last != null && !last.equals(g)) {
        groups.values().forEach(run -> setMany(shard, run));
        groups.clear();
        groupOf.clear();
        groupOf.put(h.key, g);
      }
      List<HeldSet> run = groups.computeIfAbsent(g, k -> new ArrayList<>());
      run.add(h);
      if (run.size() == SETS_PER_SCRIPT) {
        setMany(shard, run);
        groups.remove(g);
      }
    }
    groups.values().forEach(run -> setMany(shard, run));
  }

  /** Reads the held gets of one shard (one slot in a cluster): one GET, or MGETs. */
  private void getMany(List<Held> gets) {
    for (int from = 0; from < gets.size(); from += SETS_PER_SCRIPT) {
      List<Held> part = gets.subList(from, Math.min(gets.size(), from + SETS_PER_SCRIPT));
      if (part.size() == 1) {
        HeldGet g = (HeldGet) part.get(0);
        Futures.whenDone(
            this.<byte[]>call(a -> a.get(g.key)),
            (v, t) -> {
              if (t == null) {
                g.value.complete(v);
              } else {
                g.value.completeExceptionally(t);
              }
            });
        continue;
      }
      String[] keys = new String[part.size()];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = part.get(i).key;
      }
      Futures.whenDone(
          this.<List<KeyValue<String, byte[]>>>call(a -> a.mget(keys)),
          (values, t) -> {
            for (int i = 0; i < keys.length; i++) {
              CompletableFuture<byte[]> f = ((HeldGet) part.get(i)).value;
              if (t != null) {
                f.completeExceptionally(t);
              } else {
                KeyValue<String, byte[]> kv = values.get(i);
                f.complete(kv.hasValue() ? kv.getValue() : null);
              }
            }
          });
    }
  }

  private static void forward(CompletableFuture<Long> from, CompletableFuture<Long> to) {
    Futures.whenDone(
        from,
        (v, t) -> {
          if (t == null) {
            to.complete(v);
          } else {
            to.completeExceptionally(t);
          }
        });
  }

  /**
   * Applies a run of held sets of one shard and one owner, all expiring or none: one set through
   * set.lua, more through set-many.lua.
   */
  private void setMany(String shard, List<HeldSet> sets) {
    HeldSet first = sets.get(0);
    if (sets.size() == 1) {
      CompletableFuture<Long> sent;
      try {
        sent =
            run(
                RedisScripts.SET,
                first.key,
                first.owner,
                first.value,
                ascii(Long.toString(first.px)),
                ascii("-"));
      } catch (RuntimeException e) {
        sent = CompletableFuture.failedFuture(e);
      }
      forward(sent, first.version);
      return;
    }
    int n = sets.size();
    boolean expiring = first.px > 0;
    String[] keys = new String[5 + n];
    byte[][] args = new byte[4 + 6 * n][];
    keys[0] = RedisKeys.log(shard);
    keys[1] = RedisKeys.sequence(shard);
    keys[2] = RedisKeys.versions(shard);
    keys[3] = RedisKeys.index(shard, first.owner);
    keys[4] = RedisKeys.expiries(shard, first.owner);
    args[0] = node;
    args[1] = maxlen;
    args[2] = ownerArg(first.owner);
    args[3] = expiring ? SET_MANY_EXPIRING : SET_MANY_PLAIN;
    byte[] zero = ascii("0");
    for (int i = 0; i < n; i++) {
      HeldSet h = sets.get(i);
      byte[] key = h.key.getBytes(StandardCharsets.UTF_8);
      keys[5 + i] = h.key;
      args[4 + 2 * i] = expiring ? h.value : key;
      args[5 + 2 * i] = expiring ? ascii(Long.toString(h.px)) : h.value;
      args[4 + 2 * n + 2 * i] = zero;
      args[5 + 2 * n + 2 * i] = key;
      args[4 + 4 * n + 2 * i] = ascii(InvalidationEvent.KEY + (i + 1));
      args[5 + 4 * n + 2 * i] = key;
    }
    CompletableFuture<Long> reply;
    try {
      reply = script(RedisScripts.SET_MANY, ScriptOutputType.INTEGER, keys, args);
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    Futures.whenDone(
        reply,
        (base, t) -> {
          for (int i = 0; i < n; i++) {
            if (t != null) {
              sets.get(i).version.completeExceptionally(t);
            } else {
              sets.get(i).version.complete(base + i);
            }
          }
        });
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
    checkFits(key, 0);
    return call(a -> a.pttl(key));
  }

  public CompletableFuture<Boolean> exists(String key) {
    checkFits(key, 0);
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
      long px,
      boolean keepTtl) {
    checkFits(key, value == null ? 0 : value.length);
    String shard = shard(key);
    String[] keys = {
      key,
      RedisKeys.log(shard),
      RedisKeys.sequence(shard),
      RedisKeys.index(shard, owner),
      RedisKeys.expiries(shard, owner),
      RedisKeys.lock(shard, key),
      RedisKeys.versions(shard)
    };
    return script(
        RedisScripts.COMPARE_AND_SET,
        ScriptOutputType.MULTI,
        keys,
        node,
        maxlen,
        ownerArg(owner),
        utf8(token == null ? "" : token),
        ascii(expected == null ? "-" : "="),
        expected == null ? new byte[0] : expected,
        ascii(value == null ? "d" : "s"),
        value == null ? new byte[0] : value,
        ascii(Long.toString(px)),
        ascii(keepTtl ? "k" : "r"));
  }

  /** Takes a key's lock for {@code millis}: {@code {1, current value}}, or {@code {0}}. */
  @Override
  public CompletableFuture<List<Object>> lock(String key, String token, long millis) {
    return script(
        RedisScripts.LOCK,
        ScriptOutputType.MULTI,
        new String[] {RedisKeys.lock(shard(key), key), key},
        utf8(token),
        ascii(Long.toString(millis)));
  }

  @Override
  public CompletableFuture<Long> unlock(String key, String token) {
    return script(
        RedisScripts.UNLOCK,
        ScriptOutputType.INTEGER,
        new String[] {RedisKeys.lock(shard(key), key)},
        utf8(token));
  }

  /**
   * Applies writes atomically: {@code values[i]} null deletes {@code keys[i]}; {@code px[i]} > 0
   * expires it. The keys must be of one {@linkplain #shard shard} (in Redis Cluster, one hash
   * slot): else SL015, before anything is sent.
   */
  @Override
  public CompletableFuture<Long> batch(
      List<String> keys, List<String> owners, List<byte[]> values, long[] px) {
    int n = keys.size();
    String shard = shard(keys.get(0));
    for (String key : keys) {
      if (!shard(key).equals(shard)) {
        throw Errors.crossSlotBatch(keys.get(0), key, description);
      }
    }
    String[] k = new String[3 + 3 * n];
    byte[][] args = new byte[2 + 4 * n][];
    k[0] = RedisKeys.log(shard);
    k[1] = RedisKeys.sequence(shard);
    k[2] = RedisKeys.versions(shard);
    args[0] = node;
    args[1] = maxlen;
    for (int i = 0; i < n; i++) {
      String owner = owners.get(i);
      k[3 + 3 * i] = keys.get(i);
      k[4 + 3 * i] = RedisKeys.index(shard, owner);
      k[5 + 3 * i] = RedisKeys.expiries(shard, owner);
      byte[] v = values.get(i);
      checkFits(keys.get(i), v == null ? 0 : v.length);
      args[2 + 4 * i] = ascii(v == null ? "d" : "s");
      args[3 + 4 * i] = v == null ? new byte[0] : v;
      args[4 + 4 * i] = ascii(Long.toString(px[i]));
      args[5 + 4 * i] = ownerArg(owner);
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
      OfflineQueue.QueuedWrite rec, String queueId, long prev) {
    checkFits(rec.key, rec.value == null ? 0 : rec.value.length);
    String shard = shard(rec.key);
    String[] keys = {
      rec.key,
      RedisKeys.log(shard),
      RedisKeys.sequence(shard),
      RedisKeys.index(shard, rec.owner),
      RedisKeys.expiries(shard, rec.owner),
      RedisKeys.queues(shard),
      RedisKeys.queueConflicts(shard, queueId),
      RedisKeys.versions(shard)
    };
    return script(
        RedisScripts.APPLY_QUEUED,
        ScriptOutputType.MULTI,
        keys,
        node,
        maxlen,
        ownerArg(rec.owner),
        new byte[] {rec.op},
        rec.value == null ? new byte[0] : rec.value,
        ascii(Long.toString(rec.px)),
        ascii(rec.base),
        utf8(queueId),
        ascii(Long.toString(rec.seq)),
        ascii(Long.toString(prev)));
  }

  /** Forgets a queued record's conflict once it was reported. */
  @Override
  public CompletableFuture<Long> forgetQueuedConflict(String key, String queueId, long seq) {
    return call(a -> a.hdel(RedisKeys.queueConflicts(shard(key), queueId), Long.toString(seq)));
  }

  @Override
  public String shard(String key) {
    return cluster ? RedisKeys.clusterShard(key) : RedisKeys.STANDALONE;
  }

  /**
   * Appends a pattern event (after the keys are gone) to the log of the pattern's shard: every
   * reader reads every log, so any one would do.
   */
  @Override
  public CompletableFuture<Long> publishPattern(@Nullable String owner, String pattern) {
    return run(
        RedisScripts.PUBLISH_PATTERN,
        RedisKeys.noKey(shard(pattern)),
        owner,
        pattern.getBytes(StandardCharsets.UTF_8));
  }

  /** One command, failing at once with SL100 while the store has never connected. */
  private <T> CompletableFuture<T> call(
      Function<RedisClusterAsyncCommands<String, byte[]>, RedisFuture<T>> command) {
    return transport.call(command);
  }

  /** Runs a script with the given keys and arguments, loading it on NOSCRIPT. */
  private <T> CompletableFuture<T> script(
      Script s, ScriptOutputType type, String[] keys, byte[]... args) {
    for (String k : keys) {
      checkFits(k, 0);
    }
    CompletableFuture<T> reply = transport.script(s, type, keys, args);
    if (cluster && RedisScripts.WRITES.contains(s)) {
      // once it is applied, readers are told to read its slot's log
      // (after a failure too: a write that timed out may have been applied)
      Futures.whenDone(reply, (v, t) -> transport.wrote(keys[0]));
    }
    return reply;
  }

  /**
   * Runs a write script: KEYS key, log, sequence, index, expiries, versions (of the key's shard);
   * ARGV node, maxlen, owner, extra.
   */
  private <T> CompletableFuture<T> run(
      Script s, String key, @Nullable String owner, byte[]... extra) {
    String shard = shard(key);
    String[] keys = {
      key,
      RedisKeys.log(shard),
      RedisKeys.sequence(shard),
      RedisKeys.index(shard, owner),
      RedisKeys.expiries(shard, owner),
      RedisKeys.versions(shard)
    };
    byte[][] args = new byte[3 + extra.length][];
    args[0] = node;
    args[1] = maxlen;
    args[2] = ownerArg(owner);
    System.arraycopy(extra, 0, args, 3, extra.length);
    return script(s, ScriptOutputType.INTEGER, keys, args);
  }

  /** The owner as the write scripts take it: empty for the keys nobody owns. */
  private static byte[] ownerArg(@Nullable String owner) {
    return owner == null ? new byte[0] : utf8(owner);
  }

  /**
   * Deletes the keys of one owner that a pattern matches, found through the owner's key index in
   * each shard: the cost is the number of the owner's keys that share the pattern's literal prefix
   * (in Redis Cluster, plus one script per master that finds the slots holding any), not the size
   * of the keyspace, and each step touches at most 500 keys.
   */
  @Override
  public CompletableFuture<Long> deleteMatching(
      @Nullable String owner, KeyPattern pattern, @Nullable String except) {
    String start = "[" + pattern.literalPrefix();
    if (!cluster) {
      return deletePage(RedisKeys.STANDALONE, owner, pattern, except, start);
    }
    // Which shards hold a candidate: one script per master; then only those shards are paged.
    String[] name = RedisKeys.index("\0", owner).split("\0", -1);
    return transport
        .<List<byte[]>>scriptOnEachMaster(
            RedisScripts.INDEX_SHARDS,
            ScriptOutputType.MULTI,
            slots -> {
              byte[][] args = new byte[3 + slots.length][];
              args[0] = utf8(name[0]);
              args[1] = utf8(name[1]);
              args[2] = utf8(pattern.literalPrefix());
              for (int i = 0; i < slots.length; i++) {
                args[3 + i] = ascii(RedisKeys.slotTag(slots[i]));
              }
              return args;
            })
        .thenCompose(
            perMaster -> {
              List<CompletableFuture<Long>> deletes = new ArrayList<>();
              for (List<byte[]> shards : perMaster) {
                for (byte[] shard : shards) {
                  deletes.add(
                      deletePage(
                          new String(shard, StandardCharsets.US_ASCII),
                          owner,
                          pattern,
                          except,
                          start));
                }
              }
              return CompletableFuture.allOf(deletes.toArray(new CompletableFuture<?>[0]))
                  .thenApply(v -> deletes.stream().mapToLong(CompletableFuture::join).sum());
            });
  }

  private CompletableFuture<Long> deletePage(
      String shard,
      @Nullable String owner,
      KeyPattern pattern,
      @Nullable String except,
      String start) {
    String prefix = pattern.literalPrefix();
    String index = RedisKeys.index(shard, owner);
    return this.<List<byte[]>>script(
            RedisScripts.INDEX_PAGE,
            ScriptOutputType.MULTI,
            new String[] {index},
            utf8(start),
            utf8(prefix),
            ascii("500"))
        .thenCompose(
            page -> {
              if (page.isEmpty()) {
                return CompletableFuture.completedFuture(0L);
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
              String[] keys = {index, RedisKeys.expiries(shard, owner), RedisKeys.versions(shard)};
              CompletableFuture<Long> dropped =
                  matching.isEmpty()
                      ? CompletableFuture.completedFuture(0L)
                      : streamingOwners.contains(owner)
                          ? dropStreamed(shard, keys, matching)
                          : this.<Long>script(
                              RedisScripts.DROP_KEYS,
                              ScriptOutputType.INTEGER,
                              keys,
                              matching.toArray(new byte[0][]));
              return dropped.thenCompose(
                  n ->
                      page.size() < 500
                          ? CompletableFuture.completedFuture(n)
                          : deletePage(shard, owner, pattern, except, next)
                              .thenApply(more -> n + more));
            });
  }

  // ---- streamed values ----

  /** Owners whose keys may hold streamed values (their deletions release chunks). */
  private volatile Set<String> streamingOwners = Set.of();

  void streamingOwners(Set<String> owners) {
    this.streamingOwners = Set.copyOf(owners);
  }

  private CompletableFuture<Long> dropStreamed(String shard, String[] keys, List<byte[]> matching) {
    byte[][] args = new byte[matching.size() + 2][];
    args[0] = ascii(Long.toString(StreamedValues.GRACE_MILLIS));
    args[1] = utf8(RedisKeys.chunkPrefix(shard));
    for (int i = 0; i < matching.size(); i++) {
      args[i + 2] = matching.get(i);
    }
    return script(RedisScripts.STREAM_DROP_KEYS, ScriptOutputType.INTEGER, keys, args);
  }

  /** DEL of a key of a {@code @Streaming} owner: a streamed value's chunks get the grace period. */
  @Override
  public CompletableFuture<Boolean> delStreamed(String key, @Nullable String owner) {
    return this.<Long>run(
            RedisScripts.STREAM_DEL,
            key,
            owner,
            ascii(Long.toString(StreamedValues.GRACE_MILLIS)),
            utf8(RedisKeys.chunkPrefix(shard(key))))
        .thenApply(n -> n > 0);
  }

  /** Writes one chunk of a value being streamed in, expiring after {@code leaseMillis}. */
  @Override
  public CompletableFuture<String> setChunk(
      String key, String version, int index, byte[] bytes, long leaseMillis) {
    String chunkKey = RedisKeys.chunk(shard(key), version, index);
    return call(a -> a.set(chunkKey, bytes, SetArgs.Builder.px(leaseMillis)));
  }

  @Override
  public CompletableFuture<byte[]> getChunk(String key, String version, int index) {
    return get(RedisKeys.chunk(shard(key), version, index));
  }

  /**
   * Extends the leases of chunks {@code first..last} of a write in progress, in one script; how
   * many exist. See {@code stream-renew.lua}.
   */
  @Override
  public CompletableFuture<Long> renewChunks(
      String key, String version, int first, int last, long leaseMillis) {
    String shard = shard(key);
    return script(
        RedisScripts.STREAM_RENEW,
        ScriptOutputType.INTEGER,
        new String[] {RedisKeys.chunk(shard, version, first)},
        utf8(RedisKeys.chunkPrefix(shard) + version + ":"),
        ascii(Integer.toString(first)),
        ascii(Integer.toString(last)),
        ascii(Long.toString(leaseMillis)));
  }

  /** Drops the chunks of a write that failed. */
  @Override
  public CompletableFuture<Long> unlinkChunks(String key, String version, int count) {
    String shard = shard(key);
    String[] chunkKeys = new String[count];
    for (int i = 0; i < count; i++) {
      chunkKeys[i] = RedisKeys.chunk(shard, version, i);
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
        ascii(Integer.toString(count)),
        utf8(RedisKeys.chunkPrefix(shard(key))));
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
