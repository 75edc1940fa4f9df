package dev.stateless.internal;

import com.github.benmanes.caffeine.cache.Cache;
import dev.stateless.SetOptions;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.core.Operation;
import dev.stateless.core.Rights;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * {@code atomicUpdate}: read-modify-write with no lost update under contention.
 *
 * <p>An update of an in-process primary runs under a per-key lock (so updates of one key never race
 * each other) and installs its result only if the entry it read is still there (so a plain {@code
 * set} in between is not lost: the update runs again on the new value).
 *
 * <p>An update of a Redis primary is optimistic: read, apply the function, then one script writes
 * only if the key still holds what was read. Updates of a key from this node are queued behind one
 * another, so only other nodes (and plain writes) can conflict, and one that follows a successful
 * update (or comes within seconds of this node's last update of the key) starts from the value that
 * update wrote instead of reading it; a wrong guess costs one failed compare-and-set, which returns
 * the real value. A conflict returns the current value, and the update runs again at once on it; if
 * it loses again, it takes the key's lock in Redis (a lease; other nodes' writes by {@code
 * atomicUpdate} fail while it is held) and tries again on that value, so a node that keeps losing
 * is served next instead of starving. After {@value #ATTEMPTS} attempts, with growing random pauses
 * between lock attempts, it fails with {@link VersionConflictException} (SL103).
 *
 * <p>The key keeps its TTL, or, given {@link SetOptions}, takes the TTL a {@code set} with them
 * would give it. A function that returns the very object it was given, when that is the stored
 * (immutable) value itself, changes nothing.
 */
public final class AtomicUpdates {
  public static final int ATTEMPTS = 32;

  private final Lifecycle lifecycle;
  private final Writes writes;
  private final Offline offline;
  private final Metrics metrics;
  private final String nodeId;

  /** Per-key locks of in-process updates, held only while some thread updates the key. */
  private final ConcurrentHashMap<String, KeyLock> localLocks = new ConcurrentHashMap<>();

  private static final class KeyLock {
    final ReentrantLock lock = new ReentrantLock();
    int users; // guarded by the map's compute
  }

  private final ConcurrentHashMap<String, Slot> queued = new ConcurrentHashMap<>();

  /**
   * A queued update of a key on this node. When it wrote, the next one knows what the key holds
   * (unless some other writer came in between, which its compare-and-set then finds out) and skips
   * reading it.
   */
  private static final class Slot {
    final CompletableFuture<Void> done = new CompletableFuture<>();
    volatile boolean known;
    volatile byte @Nullable [] value;
  }

  private final AtomicLong tokens = new AtomicLong();

  /**
   * What this node's last updates of recent keys wrote to Redis (an empty array for a delete): a
   * guess of the current value that saves the read when it is right, and costs nothing when it is
   * wrong, since the compare-and-set then fails and returns the real one.
   */
  private final Cache<String, byte[]> lastWritten =
      com.github.benmanes.caffeine.cache.Caffeine.newBuilder()
          .maximumSize(10_000)
          .expireAfterWrite(java.time.Duration.ofSeconds(10))
          .build();

  private static final byte[] DELETED = new byte[0];

  /**
   * Where update functions run when the value came from Redis: never on Lettuce's I/O thread, and
   * not on the common pool (a blocking function must not stall unrelated work).
   */
  private final java.util.concurrent.ExecutorService functions = Threads.cached("stateless-update");

  AtomicUpdates(
      Lifecycle lifecycle, Writes writes, Offline offline, Metrics metrics, String nodeId) {
    this.lifecycle = lifecycle;
    this.writes = writes;
    this.offline = offline;
    this.metrics = metrics;
    this.nodeId = nodeId;
  }

  public void close() {
    functions.shutdown();
  }

  // ---- atomicUpdate ----

  public <V> CompletableFuture<@Nullable V> update(
      Rights rights, @Nullable CacheLayer via, String key, UnaryOperator<@Nullable V> fn) {
    return update(rights, via, key, fn, null);
  }

  /**
   * As {@link #update(Rights, CacheLayer, String, UnaryOperator)}; with {@code options}, the new
   * value takes the TTL {@code set(key, value, options)} would give it instead of keeping the
   * key's.
   *
   * @throws IllegalArgumentException if {@code options} has a condition
   */
  public <V> CompletableFuture<@Nullable V> update(
      Rights rights,
      @Nullable CacheLayer via,
      String key,
      UnaryOperator<@Nullable V> fn,
      @Nullable SetOptions options) {
    java.util.Objects.requireNonNull(fn, "fn");
    if (options != null && options.condition() != SetOptions.Condition.ALWAYS) {
      throw new IllegalArgumentException("atomicUpdate takes a TTL, not a condition: " + options);
    }
    Route r = writes.writable(rights, Operation.ATOMIC_UPDATE, key, via);
    // A new key's TTL, and with options every key's: theirs, else the owner's.
    Duration given = options == null ? null : options.ttl();
    long ttlNanos = writes.jitter(given != null ? Writes.nanos(given) : r.ttlNanos);
    boolean keepTtl = options == null;
    if (rights.lifetime() == dev.stateless.annotation.Lifetime.SESSION) {
      // A session's entries need a cleanup callback, which an update cannot carry (SL010).
      Checks.throwIfErrors(
          dev.stateless.core.AccessRules.check(
              rights, Operation.WRITE, dev.stateless.core.KeyShape.exact(key), via));
    }
    CacheLayer target = via != null ? via : r.primary;
    Region region = r.regions[target.ordinal()];
    CompletableFuture<@Nullable V> done;
    if (region != null) {
      done = updateLocal(r, target, region, key, fn, ttlNanos, keepTtl);
    } else {
      RemoteStore redis = writes.remote(target);
      // This node's queued CLIENT_FIRST writes of the key go first, or the update would read
      // around them and the drain would overwrite it.
      CompletableFuture<Void> queuedFirst =
          via == null && offline.pending(key)
              ? offline
                  .flush()
                  .copy() // the timeout must not complete a future other callers wait for
                  .orTimeout(redis.timeout().toMillis(), TimeUnit.MILLISECONDS)
                  .exceptionally(
                      t -> {
                        throw Errors.queuedWritesFirst(key, redis.describe(), redis.timeout());
                      })
              : CompletableFuture.completedFuture(null);
      done =
          queuedFirst.<@Nullable V>thenCompose(
              x ->
                  this.<@Nullable V>queue(
                      key,
                      (before, mine) ->
                          this.<V>updateRedis(r, redis, key, fn, ttlNanos, keepTtl, before, mine)));
    }
    return writes.<@Nullable V>afterWrite(done, r, rights, target, key);
  }

  @SuppressWarnings("unchecked")
  private <V> CompletableFuture<@Nullable V> updateLocal(
      Route r,
      CacheLayer target,
      Region region,
      String key,
      UnaryOperator<@Nullable V> fn,
      long ttlNanos,
      boolean keepTtl) {
    KeyLock lock =
        localLocks.compute(
            key,
            (k, l) -> {
              KeyLock held = l == null ? new KeyLock() : l;
              held.users++;
              return held;
            });
    lock.lock.lock();
    try {
      for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
        Entry cur = region.get(key);
        boolean absent = cur == null || cur.isAbsent();
        @Nullable V given = absent || cur == null ? null : (V) Values.copyOut(cur.value);
        @Nullable V next = fn.apply(given);
        boolean installed;
        // Unchanged: the function returned the very value it was given, and that is the stored
        // object itself (an immutable one). A copy it was handed may have been changed in place.
        if (next == given && (cur == null || given == null || given == cur.value)) {
          installed = true; // nothing to write
        } else if (next == null) {
          installed = cur == null || region.remove(key, cur);
        } else {
          Values.Encoded encoded = Values.encode(r.values, key, next, null);
          int weight = Entry.weigh(key, encoded.bytes().length);
          if (r.maxBytes > 0 && weight > r.maxBytes) {
            throw Errors.valueTooLarge(key, r.ownerName, encoded.bytes().length, r.maxBytes);
          }
          long ttl = absent || !keepTtl ? Entry.ttlFor(ttlNanos) : region.remainingOrForever(key);
          Entry e = new Entry(encoded.stored(), weight, ttl, r, target != r.primary);
          installed =
              cur == null ? region.putIfAbsent(key, e) == null : region.replace(key, cur, e);
        }
        if (installed) {
          // The function's own result: the entry keeps an encoded copy, not this object.
          return CompletableFuture.<@Nullable V>completedFuture(next);
        }
      }
      return CompletableFuture.failedFuture(Errors.versionConflict(key, ATTEMPTS));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    } finally {
      lock.lock.unlock();
      localLocks.compute(key, (k, l) -> --l.users == 0 ? null : l);
    }
  }

  /** Runs {@code op} after every earlier queued operation of the key on this node. */
  private <V extends @Nullable Object> CompletableFuture<V> queue(
      String key, java.util.function.BiFunction<@Nullable Slot, Slot, CompletableFuture<V>> op) {
    Slot mine = new Slot();
    Slot before = queued.put(key, mine);
    CompletableFuture<V> result =
        (before == null ? CompletableFuture.<Void>completedFuture(null) : before.done)
            .thenCompose(
                x -> {
                  try {
                    return op.apply(before, mine);
                  } catch (RuntimeException e) {
                    return CompletableFuture.failedFuture(e);
                  }
                });
    Futures.whenDone(
        result,
        (v, t) -> {
          queued.remove(key, mine);
          mine.done.complete(null);
        });
    return result;
  }

  /** One optimistic update against Redis, and its retries. */
  private final class RedisUpdate<V> {
    final Route r;
    final RemoteStore redis;
    final String key;
    final UnaryOperator<@Nullable V> fn;
    final long px;
    final boolean keepTtl;
    final long leaseMillis;
    final Slot slot;
    int attempts;
    boolean retried;
    boolean guessed; // the first attempt used a remembered value, not one read from Redis
    @Nullable String token;
    long lockWaitStart;
    final CompletableFuture<@Nullable V> result = new CompletableFuture<>();

    RedisUpdate(
        Route r,
        RemoteStore redis,
        String key,
        UnaryOperator<@Nullable V> fn,
        long ttlNanos,
        boolean keepTtl,
        Slot slot) {
      this.slot = slot;
      this.r = r;
      this.redis = redis;
      this.key = key;
      this.fn = fn;
      this.keepTtl = keepTtl;
      this.px = ttlNanos > 0 ? Math.max(1, TimeUnit.NANOSECONDS.toMillis(ttlNanos)) : 0;
      this.leaseMillis = Math.max(1000, 2 * redis.timeout().toMillis());
    }

    void start(@Nullable Slot before) {
      byte[] guess;
      if (before != null && before.known) {
        guessed = true;
        onRead(before.value, null); // this node wrote it last: no need to read it
      } else if ((guess = lastWritten.getIfPresent(key)) != null) {
        guessed = true;
        onRead(guess == DELETED ? null : guess, null);
      } else {
        try {
          Futures.whenDone(redis.get(key), this::onRead);
        } catch (RuntimeException e) {
          fail(e);
        }
      }
    }

    private void onRead(byte @Nullable [] current, @Nullable Throwable failure) {
      if (failure != null) {
        fail(failure);
        return;
      }
      attempts++;
      try {
        functions.execute(() -> guarded(() -> apply(current)));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        fail(Errors.closed());
      }
    }

    /** Runs a step; whatever it throws fails the update (its future must always complete). */
    private void guarded(Runnable step) {
      try {
        step.run();
      } catch (RuntimeException | Error e) {
        fail(lifecycle.isClosed() ? Errors.closed() : e); // a closed client throws its own errors
      }
    }

    @SuppressWarnings("unchecked")
    private void apply(byte @Nullable [] current) {
      @Nullable V next;
      byte @Nullable [] encoded;
      boolean unchanged;
      try {
        Object decoded = current == null ? null : Reads.decode(r, key, current);
        Object value = decoded == null ? null : Values.copyOut(decoded);
        next = fn.apply((V) value);
        // Unchanged: the function returned the very value it was given, an immutable one (a copy
        // it was handed may have been changed in place): the same bytes and TTL, sent only to
        // check that they are still current (the script then writes nothing).
        unchanged = next == value && value == decoded;
        // The result goes to Redis in one command: it must fit, checked before it is sent.
        encoded =
            unchanged
                ? current
                : next == null ? null : Values.encode(r.values, key, next, redis).bytes();
        if (encoded != null && r.maxBytes > 0) {
          int weight = Entry.weigh(key, encoded.length);
          if (weight > r.maxBytes) {
            throw Errors.valueTooLarge(key, r.ownerName, encoded.length, r.maxBytes);
          }
        }
      } catch (RuntimeException e) {
        fail(e);
        return;
      }
      metrics.sent(redis);
      Futures.whenDone(
          redis.compareAndSet(key, r.ownerName, token, current, encoded, px, keepTtl || unchanged),
          (reply, t) -> {
            if (result.isDone()) {
              return;
            } else if (t != null) {
              fail(t);
            } else if (Long.valueOf(1L).equals(reply.get(0))) {
              slot.value = encoded;
              slot.known = true;
              lastWritten.put(key, encoded == null ? DELETED : encoded);
              result.complete(next); // the function's own object: the cache kept none
            } else if ((guessed || !retried) && token == null && attempts < ATTEMPTS) {
              // A wrong guess, or lost once: try again at once on the value the script
              // returned.
              retried |= !guessed;
              guessed = false;
              onRead(reply.size() > 1 ? (byte[]) reply.get(1) : null, null);
            } else {
              lose();
            }
          });
    }

    /**
     * Lost to another writer: take the key's lock, then try again on its current value. Waiting for
     * the lock is bounded by its lease (a holder that died loses it then), not by attempts.
     */
    private void lose() {
      if (attempts >= ATTEMPTS) {
        fail(Errors.versionConflict(key, attempts));
        return;
      }
      if (token == null) {
        token = nodeId + ":" + tokens.incrementAndGet();
        lockWaitStart = System.nanoTime();
      }
      Futures.whenDone(
          redis.lock(key, token, leaseMillis),
          (reply, t) ->
              guarded(
                  () -> {
                    if (t != null) {
                      fail(t);
                    } else if (Long.valueOf(1L).equals(reply.get(0))) {
                      lockWaitStart = System.nanoTime();
                      onRead(reply.size() > 1 ? (byte[]) reply.get(1) : null, null);
                    } else if (System.nanoTime() - lockWaitStart
                        > TimeUnit.MILLISECONDS.toNanos(leaseMillis + 100)) {
                      fail(Errors.versionConflict(key, attempts));
                    } else {
                      // The holder needs a few round trips: poll soon, then every ~13 ms.
                      int polls = (int) Math.min(7, (System.nanoTime() - lockWaitStart) >> 20);
                      long pause = ThreadLocalRandom.current().nextLong(50, 100L << polls);
                      CompletableFuture.delayedExecutor(pause, TimeUnit.MICROSECONDS, functions)
                          .execute(() -> guarded(this::lose));
                    }
                  }));
    }

    private void fail(Throwable failure) {
      result.completeExceptionally(failure);
      if (token != null) {
        try {
          Futures.bestEffort(redis.unlock(key, token), "unlock"); // the lease expires by itself
        } catch (RuntimeException e) {
          // closed or disconnected: the lease expires by itself
        }
      }
    }
  }

  private <V> CompletableFuture<@Nullable V> updateRedis(
      Route r,
      RemoteStore redis,
      String key,
      UnaryOperator<@Nullable V> fn,
      long ttlNanos,
      boolean keepTtl,
      @Nullable Slot before,
      Slot mine) {
    RedisUpdate<V> u = new RedisUpdate<>(r, redis, key, fn, ttlNanos, keepTtl, mine);
    u.start(before);
    return u.result;
  }
}
