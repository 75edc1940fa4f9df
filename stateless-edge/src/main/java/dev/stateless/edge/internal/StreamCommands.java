package dev.stateless.edge.internal;

import static dev.stateless.edge.internal.CommandFlag.DENYOOM;
import static dev.stateless.edge.internal.CommandFlag.FAST;
import static dev.stateless.edge.internal.CommandFlag.NO_MULTI;
import static dev.stateless.edge.internal.CommandFlag.READONLY;
import static dev.stateless.edge.internal.CommandFlag.WRITE;
import static dev.stateless.edge.internal.KeyCommands.key;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.stateless.StatelessCache;
import dev.stateless.core.Component;
import dev.stateless.core.Operation;
import dev.stateless.internal.StreamedValues;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code @Streaming} values between SDK nodes and this node ({@code Stores.edge}), a chunk at a
 * time, so that neither side holds the whole value on the wire. The node keeps each value as its
 * runtime keeps an in-process streamed value (one immutable list of chunks); these commands are
 * what the SDK's Redis store does with chunk keys and scripts:
 *
 * <ul>
 *   <li>{@code STATELESS.CHUNKSET key version index bytes leasems}: stages chunk {@code index} of a
 *       write in progress ({@code version}: the writer's fresh id); {@code +OK}. Staged chunks live
 *       {@code leasems} unless renewed: a writer that dies leaves nothing behind for long.
 *   <li>{@code STATELESS.CHUNKRENEW key version first last leasems}: extends the lease; the number
 *       of chunks staged.
 *   <li>{@code STATELESS.CHUNKUNLINK key version count}: drops a write's staged chunks.
 *   <li>{@code STATELESS.STREAMSWAP key version count}: makes chunks {@code 0..count-1} the key's
 *       value in one step (the cache's {@code setStream}, with the user's rights, the owner's
 *       {@code @MaxSize} and {@code @Ttl}); {@code -STALE chunk ...} when one is gone.
 *   <li>{@code STATELESS.STREAMOPEN key}: {@code [version, count, length]} of the key's value, or
 *       nil.
 *   <li>{@code STATELESS.CHUNKGET key version index}: chunk {@code index} of that version, or nil
 *       once it is gone: the key's current version always, a version replaced or deleted for {@link
 *       StreamedValues#GRACE_MILLIS} after its last read (at most ten times that after it was
 *       opened).
 * </ul>
 *
 * Only keys of a {@code @Streaming} owner are taken; staging needs the right to write the key, and
 * is bounded as the value is: at most {@link StreamedValues#MAX_CHUNKS} chunks, the owner's {@code
 * MaxSize}, leases of at most {@link StreamedValues#LEASE_MILLIS}.
 */
final class StreamCommands implements CommandSet {
  private static final int SWEEP_EVERY = 256;

  /**
   * The longest an opened version is kept for its readers, however often they read it: a version
   * replaced meanwhile is gone then (the key's current version is always found).
   */
  private static final long MAX_KEPT_MILLIS = 10 * StreamedValues.GRACE_MILLIS;

  private final Keyspace keyspace;

  /** Writes in progress, by version. */
  private final Map<String, Staged> staged = new ConcurrentHashMap<>();

  private final AtomicLong stagedWrites = new AtomicLong();

  /** Versions opened for reading, by id; each kept for the grace period after its last read. */
  private final Cache<String, Open> opened =
      Caffeine.newBuilder()
          .expireAfterAccess(Duration.ofMillis(StreamedValues.GRACE_MILLIS))
          .expireAfterWrite(Duration.ofMillis(MAX_KEPT_MILLIS))
          .build();

  /** The id of each version opened (weak keys: compared by identity, gone with the value). */
  private final Cache<StreamedValues.Chunks, String> ids = Caffeine.newBuilder().weakKeys().build();

  /** A version opened for reading: its key and value. */
  private record Open(String key, StreamedValues.Chunks value) {}

  /** One write in progress: its key and the chunks staged so far. */
  private static final class Staged {
    final String key;
    final Map<Integer, byte[]> chunks = new ConcurrentHashMap<>();
    final AtomicLong bytes = new AtomicLong();
    volatile long until;

    Staged(String key, long until) {
      this.key = key;
      this.until = until;
    }
  }

  StreamCommands(Keyspace keyspace) {
    this.keyspace = keyspace;
  }

  @Override
  public void registerInto(CommandTable.Builder table) {
    table.add(
        spec("stateless.chunkset", 6, "Stages a chunk of a streamed value.", WRITE, DENYOOM)
            .command(this::chunkSet));
    table.add(
        spec("stateless.chunkrenew", 6, "Extends the lease of staged chunks.", WRITE, FAST)
            .command(this::chunkRenew));
    table.add(
        spec("stateless.chunkunlink", 4, "Drops a write's staged chunks.", WRITE, FAST)
            .command(this::chunkUnlink));
    table.add(
        spec("stateless.streamswap", 4, "Makes staged chunks a key's streamed value.", WRITE)
            .command(this::swap));
    table.add(
        spec("stateless.streamopen", 2, "Returns a streamed value's version.", READONLY, FAST)
            .command(this::open));
    table.add(
        spec("stateless.chunkget", 4, "Returns a chunk of a streamed value.", READONLY, FAST)
            .command(this::chunkGet));
  }

  private static CommandSpec.Builder spec(
      String name, int arity, String summary, CommandFlag... flags) {
    CommandFlag[] all = java.util.Arrays.copyOf(flags, flags.length + 1);
    all[flags.length] = NO_MULTI;
    return KeyCommands.spec(name, arity, "string", "0.1.0", summary, all);
  }

  /** The key of a streamed value, which the user may use; else an error reply. */
  private String streamingKey(Client c, Request r) {
    String key = key(r, 1);
    StatelessCache view = keyspace.view(c);
    Component owner = view.manifest().ownerOf(key).orElse(null);
    if (owner == null || !owner.isStreaming()) {
      throw new ReplyException(
          Reply.error(
              "ERR SL105 \""
                  + key
                  + "\" is no streamed value's key: "
                  + (owner == null
                      ? "no component owns it"
                      : "its owner \"" + owner.name() + "\" is not @Streaming")
                  + "; help: the STATELESS.CHUNK* and STATELESS.STREAM* commands take keys of"
                  + " @Streaming components only"));
    }
    return key;
  }

  private static String text(Request r, int index) {
    return new String(r.arg(index), StandardCharsets.UTF_8);
  }

  private static int index(Request r, int i) {
    long n = RedisNumbers.parseLong(r.arg(i));
    if (n == RedisNumbers.INVALID || n < 0 || n > Integer.MAX_VALUE) {
      throw new ReplyException(ErrorReplies.NOT_INTEGER);
    }
    return (int) n;
  }

  private Reply chunkSet(Client c, Request r) {
    String key = streamingKey(c, r);
    keyspace.check(c, Operation.STREAM_WRITE, key); // staged memory only for those who may write
    String version = text(r, 2);
    int i = index(r, 3);
    if (i >= StreamedValues.MAX_CHUNKS) {
      throw new ReplyException(
          Reply.error(
              "ERR SL102 \""
                  + key
                  + "\" would have more than "
                  + StreamedValues.MAX_CHUNKS
                  + " chunks; help: stream it with a larger chunkSize"));
    }
    long now = keyspace.clock().millis();
    long until = now + Math.min(index(r, 5), StreamedValues.LEASE_MILLIS);
    if (stagedWrites.incrementAndGet() % SWEEP_EVERY == 0) {
      staged.values().removeIf(s -> s.until <= now);
    }
    Staged s = staged.computeIfAbsent(version, v -> new Staged(key, until));
    if (!s.key.equals(key)) {
      throw new ReplyException(
          Reply.error("ERR version " + version + " is a write of another key"));
    }
    s.until = Math.max(s.until, until);
    byte[] chunk = r.arg(4);
    byte[] before = s.chunks.put(i, chunk);
    long staged = s.bytes.addAndGet(chunk.length - (before == null ? 0 : before.length));
    long max = maxBytes(c, key);
    if (max > 0 && staged > max) {
      staged(version, s);
      throw new ReplyException(
          Reply.error(
              "ERR SL102 the streamed value of \""
                  + key
                  + "\" is over its owner's @MaxSize of "
                  + max
                  + " bytes; help: write a smaller value, or raise @MaxSize"));
    }
    return Reply.OK;
  }

  /** Drops a write's staged chunks. */
  private void staged(String version, Staged s) {
    staged.remove(version, s);
  }

  /** The owner's {@code @MaxSize} in bytes, 0 for none. */
  private long maxBytes(Client c, String key) {
    return keyspace.view(c).manifest().ownerOf(key).map(o -> o.maxSizeBytes().orElse(0)).orElse(0L);
  }

  private Reply chunkRenew(Client c, Request r) {
    String key = streamingKey(c, r);
    Staged s = staged.get(text(r, 2));
    if (s == null || !s.key.equals(key) || s.until <= keyspace.clock().millis()) {
      return Reply.integer(0);
    }
    s.until = keyspace.clock().millis() + Math.min(index(r, 5), StreamedValues.LEASE_MILLIS);
    return Reply.integer(s.chunks.size());
  }

  private Reply chunkUnlink(Client c, Request r) {
    String key = streamingKey(c, r);
    String version = text(r, 2);
    Staged s = staged.get(version);
    if (s == null || !s.key.equals(key)) {
      return Reply.integer(0);
    }
    staged.remove(version, s);
    return Reply.integer(s.chunks.size());
  }

  private Reply swap(Client c, Request r) {
    String key = streamingKey(c, r);
    String version = text(r, 2);
    int count = index(r, 3);
    Staged s = staged.get(version);
    // at most the chunks staged: a count alone allocates nothing
    List<InputStream> parts = new ArrayList<>(Math.min(count, s == null ? 0 : s.chunks.size()));
    for (int i = 0; i < count; i++) {
      byte[] chunk =
          s == null || !s.key.equals(key) || s.until <= keyspace.clock().millis()
              ? null
              : s.chunks.get(i);
      if (chunk == null) {
        staged.remove(version);
        return Reply.error(
            "STALE chunk " + i + " of version " + version + " of \"" + key + "\" is gone");
      }
      parts.add(new ByteArrayInputStream(chunk));
    }
    staged.remove(version);
    InputStream all = new SequenceInputStream(Collections.enumeration(parts));
    return Reply.later(
        keyspace
            .locks()
            .write(key, () -> keyspace.view(c).setStream(key, all).thenApply(v -> true))
            .thenApply(v -> Reply.integer(1)));
  }

  private Reply open(Client c, Request r) {
    String key = streamingKey(c, r);
    return Reply.later(
        keyspace.view(c).stream(key)
            .thenApply(
                in -> {
                  if (in == null) {
                    return Reply.NULL_BULK;
                  }
                  if (!(in instanceof StreamedValues.Opened o)) {
                    throw new IllegalStateException("the node keeps streamed values in-process");
                  }
                  StreamedValues.Chunks value = o.value();
                  String id = ids.get(value, v -> UUID.randomUUID().toString());
                  opened.put(id, new Open(key, value));
                  return Reply.array(
                      List.of(
                          Reply.bulk(id),
                          Reply.integer(value.chunks.size()),
                          Reply.integer(value.length)));
                }));
  }

  private Reply chunkGet(Client c, Request r) {
    String key = streamingKey(c, r);
    String version = text(r, 2);
    int i = index(r, 3);
    Open o = opened.getIfPresent(version);
    if (o != null && o.key().equals(key)) {
      return chunk(o.value(), i);
    }
    // Not kept (a long read): still readable while it is the key's current value, as in Redis.
    return Reply.later(
        keyspace.view(c).stream(key)
            .thenApply(
                in ->
                    in instanceof StreamedValues.Opened cur
                            && version.equals(ids.getIfPresent(cur.value()))
                        ? chunk(cur.value(), i)
                        : Reply.NULL_BULK));
  }

  private static Reply chunk(StreamedValues.Chunks value, int i) {
    return i < value.chunks.size() ? Reply.bulk(value.chunks.get(i)) : Reply.NULL_BULK;
  }
}
