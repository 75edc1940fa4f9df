package dev.stateless.internal;

import dev.stateless.SetOptions;
import dev.stateless.core.KeyPattern;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A store in another process, shared by every node that uses it (Redis today; a cluster or an edge
 * node later, each one class). Every write of a key also indexes it under its owner and publishes
 * an invalidation event that the other nodes' {@link InvalidationListener}s receive; this node
 * skips its own. Futures may complete on the store's I/O thread: callers must not block in them.
 */
public interface RemoteStore extends Store {

  @Override
  default boolean isShared() {
    return true;
  }

  /**
   * Connects and starts receiving invalidations. When the store is down, throws the coded network
   * error, or, with {@code mayStartDown}, starts disconnected and connects in the background (every
   * call fails fast with SL100 until then). Returns whether it is connected.
   *
   * @param listener where other nodes' events go; null when no nearer layer keeps copies
   */
  boolean connect(
      String nodeId,
      @Nullable InvalidationListener listener,
      List<String> owners,
      Set<String> streamingOwners,
      boolean mayStartDown);

  /**
   * Whether this store applies {@code CLIENT_FIRST} writes queued by {@link OfflineWrites} ({@link
   * #applyQueued}): exactly once and in order. A store that cannot refuses them, when the cache is
   * built for owners that are {@code CLIENT_FIRST} and at the call for a strategy asked for then.
   */
  default boolean queuesWrites() {
    return true;
  }

  /** Whether the store has connected (it may start disconnected). */
  boolean connected();

  /**
   * Whether the store is connected and answering right now, as far as this node last saw: no I/O (a
   * health check may call it at any rate).
   */
  boolean reachable();

  /** Whether its invalidations are read without a gap right now: copies may be trusted. */
  boolean live();

  /** Whether its writes publish invalidation events (someone may hold copies). */
  boolean publishes();

  /** How long any one call may take. */
  Duration timeout();

  /**
   * The largest value (or key) one command may carry; a streamed value's chunks are kept below it.
   */
  long maxValueBytes();

  /**
   * Refuses, with SL102 and before anything is sent, a key or a value of {@code valueBytes}
   * (encoded) larger than this store takes in one command: Redis would drop the connection, and
   * every call in flight on it would fail.
   */
  void checkFits(String key, long valueBytes);

  /** This store's coded exception for a failure of one of its calls (already coded: itself). */
  RuntimeException failure(@Nullable Throwable failure);

  CompletableFuture<byte[]> get(String key);

  /**
   * The pointer of a streamed value ({@link StreamedValues#pointer}), or null when absent: the
   * value of its key, unless the store keeps streamed values otherwise.
   */
  default CompletableFuture<byte[]> getStreamed(String key) {
    return get(key);
  }

  /** The value, its remaining TTL and its version ({@link Entry#version}), read atomically. */
  CompletableFuture<TtlValue> getWithTtl(String key, @Nullable String owner);

  CompletableFuture<List<TtlValue>> getAllWithTtl(List<String> keys);

  /**
   * Writes a value ({@code px}: milliseconds, 0 none); completes with the key's new version ({@link
   * Entry#version}), or 0 when the condition did not hold.
   */
  CompletableFuture<Long> set(
      String key, @Nullable String owner, byte[] value, long px, SetOptions.Condition condition);

  CompletableFuture<Boolean> del(String key, @Nullable String owner);

  /** Deletes a streamed value's pointer; its chunks get a grace period. */
  CompletableFuture<Boolean> delStreamed(String key, @Nullable String owner);

  CompletableFuture<Boolean> expire(String key, @Nullable String owner, long millis);

  /**
   * Adds {@code delta} to an integer value, refusing (and leaving the value) a result outside
   * {@code min..max}, the range of the owner's integer type.
   */
  CompletableFuture<Long> incrBy(
      String key, @Nullable String owner, long delta, long min, long max);

  /** Remaining TTL in milliseconds: -1 none, -2 absent. */
  CompletableFuture<Long> pttl(String key);

  /**
   * Writes {@code value} (null: deletes) only if the key holds {@code expected} and no other node's
   * lock is held: {@code {1}}, or {@code {0, current}}. A new key expires after {@code px} ms (0:
   * never); an existing one keeps its TTL when {@code keepTtl}, else takes {@code px} too.
   */
  CompletableFuture<List<Object>> compareAndSet(
      String key,
      @Nullable String owner,
      @Nullable String token,
      byte @Nullable [] expected,
      byte @Nullable [] value,
      long px,
      boolean keepTtl);

  /** Takes a key's lock for {@code millis}: {@code {1, current value}}, or {@code {0}}. */
  CompletableFuture<List<Object>> lock(String key, String token, long millis);

  CompletableFuture<Long> unlock(String key, String token);

  /** Writes every value (null: delete) in one atomic step. */
  CompletableFuture<Long> batch(
      List<String> keys, List<String> owners, List<byte[]> values, long[] px);

  /**
   * Applies one queued CLIENT_FIRST write exactly once and in order; see the offline queue. {@code
   * prev} is the number of the queue's latest earlier record in the same {@linkplain #shard shard}
   * not yet acknowledged (0: none): the write waits for it ("out of order" until it is applied).
   */
  CompletableFuture<List<Object>> applyQueued(
      OfflineQueue.QueuedWrite write, String queueId, long prev);

  /** Forgets a queued write's conflict once it was reported. */
  CompletableFuture<Long> forgetQueuedConflict(String key, String queueId, long seq);

  /**
   * The shard of a key: the part of the store whose writes (and their events) are ordered with the
   * key's, and which an atomic step can span. One for a standalone Redis; its hash slot in Redis
   * Cluster.
   */
  String shard(String key);

  /** Deletes an owner's keys that the pattern matches, but {@code except}; returns how many. */
  CompletableFuture<Long> deleteMatching(
      @Nullable String owner, KeyPattern pattern, @Nullable String except);

  /** Publishes a pattern invalidation to an owner's readers (after the keys are gone). */
  CompletableFuture<Long> publishPattern(@Nullable String owner, String pattern);

  /** Lists the keys matching a Redis glob, a batch at a time. */
  CompletableFuture<Void> scan(String glob, Consumer<List<String>> batch);

  /** Lists keys a page at a time, blocking, until {@code page} answers false or none are left. */
  void scanPages(String glob, int count, Predicate<List<String>> page);

  /**
   * Writes chunk {@code index} of a value being streamed into {@code key}, expiring after {@code
   * leaseMillis}; the chunks live in the key's shard.
   */
  CompletableFuture<String> setChunk(
      String key, String version, int index, byte[] bytes, long leaseMillis);

  /** Reads chunk {@code index} of a streamed value of {@code key}; null when it is gone. */
  CompletableFuture<byte[]> getChunk(String key, String version, int index);

  /** Extends the lease of chunks {@code first..last} of a value being streamed in. */
  CompletableFuture<Long> renewChunks(
      String key, String version, int first, int last, long leaseMillis);

  /** Drops the first {@code count} chunks of a write that failed. */
  CompletableFuture<Long> unlinkChunks(String key, String version, int count);

  /** Points {@code key} at fully written chunks, in one step. */
  CompletableFuture<Long> swapStream(
      String key, @Nullable String owner, byte[] pointer, long px, String version, int count);
}
