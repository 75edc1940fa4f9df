package dev.stateless.internal;

import com.github.benmanes.caffeine.cache.Cache;
import dev.stateless.SetOptions;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.core.Operation;
import dev.stateless.core.Rights;
import dev.stateless.internal.redis.RedisStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * {@code atomicUpdate} and {@code atomicBatch}.
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
 */
public final class AtomicOps {
  public static final int ATTEMPTS = 32;

  private final Engine engine;

  /** Per-key locks of in-process updates, held only while some thread updates the key. */
  private final ConcurrentHashMap<String, KeyLock> localLocks = new ConcurrentHashMap<>();

  private static final class KeyLock {
    public final ReentrantLock lock = new ReentrantLock();
    public int users; // guarded by the map's compute
  }

  private final ConcurrentHashMap<String, Slot> queued = new ConcurrentHashMap<>();

  /**
   * A queued update of a key on this node. When it wrote, the next one knows what the key holds
   * (unless some other writer came in between, which its compare-and-set then finds out) and skips
   * reading it.
   */
  private static final class Slot {
    public final CompletableFuture<Void> done = new CompletableFuture<>();
    public volatile boolean known;
    public volatile byte[] value;
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

  public AtomicOps(Engine engine) {
    this.engine = engine;
  }

  public void close() {
    functions.shutdown();
  }

  // ---- atomicUpdate ----

  public <V> CompletableFuture<V> update(
      Rights rights, CacheLayer via, String key, UnaryOperator<V> fn) {
    java.util.Objects.requireNonNull(fn, "fn");
    Route r = engine.writable(rights, Operation.ATOMIC_UPDATE, key, via);
    if (rights.lifetime() == dev.stateless.annotation.Lifetime.SESSION) {
      // A session's entries need a cleanup callback, which an update cannot carry (SL010).
      Engine.throwIfErrors(
          dev.stateless.core.AccessRules.check(
              rights, Operation.WRITE, dev.stateless.core.KeyShape.exact(key), via));
    }
    CacheLayer target = via != null ? via : r.primary;
    Store s = engine.stores[target.ordinal()];
    CompletableFuture<V> done;
    if (s instanceof LocalStore) {
      done = updateLocal(r, target, (LocalStore) s, key, fn);
    } else {
      RedisStore redis = (RedisStore) s;
      // This node's queued CLIENT_FIRST writes of the key go first, or the update would read
      // around them and the drain would overwrite it.
      CompletableFuture<Void> queuedFirst =
          via == null && engine.hasQueuedWrites(key)
              ? engine
                  .flushOffline()
                  .copy() // the timeout must not complete a future other callers wait for
                  .orTimeout(redis.timeout().toMillis(), TimeUnit.MILLISECONDS)
                  .exceptionally(
                      t -> {
                        throw Errors.queuedWritesFirst(key, redis.describe(), redis.timeout());
                      })
              : CompletableFuture.completedFuture(null);
      done =
          queuedFirst.thenCompose(
              x -> queue(key, (before, mine) -> updateRedis(r, redis, key, fn, before, mine)));
    }
    return engine.afterWrite(
        done,
        r,
        rights,
        target,
        key,
        v -> {
          engine.dropCopies(r, target, key);
          return v;
        });
  }

  @SuppressWarnings("unchecked")
  private <V> CompletableFuture<V> updateLocal(
      Route r, CacheLayer target, LocalStore store, String key, UnaryOperator<V> fn) {
    Cache<String, LocalStore.Entry> region = r.regions[target.ordinal()];
    ConcurrentMap<String, LocalStore.Entry> map = region.asMap();
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
        LocalStore.Entry cur = map.get(key);
        boolean absent = cur == null || cur.value == LocalStore.ABSENT;
        V next = fn.apply(absent ? null : (V) Engine.copyOut(cur.value));
        boolean installed;
        if (next == null) {
          installed = cur == null || map.remove(key, cur);
        } else {
          byte[] bytes = engine.codec.encode(next);
          int weight = LocalStore.weigh(key, bytes.length);
          if (r.maxBytes > 0 && weight > r.maxBytes) {
            throw Errors.valueTooLarge(key, r.ownerName, bytes.length, r.maxBytes);
          }
          long ttl =
              absent
                  ? Engine.ttlFor(engine.jitter(r.ttlNanos))
                  : Engine.remainingOrForever(region, key, store);
          LocalStore.Entry e =
              new LocalStore.Entry(Engine.storedCopy(next), weight, ttl, r, target != r.primary);
          installed = cur == null ? map.putIfAbsent(key, e) == null : map.replace(key, cur, e);
        }
        if (installed) {
          return CompletableFuture.completedFuture((V) Engine.copyOut(next));
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
  private <V> CompletableFuture<V> queue(
      String key, java.util.function.BiFunction<Slot, Slot, CompletableFuture<V>> op) {
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
    result.whenComplete(
        (v, t) -> {
          queued.remove(key, mine);
          mine.done.complete(null);
        });
    return result;
  }

  /** One optimistic update against Redis, and its retries. */
  private final class RedisUpdate<V> {
    public final Route r;
    public final RedisStore redis;
    public final String key;
    public final UnaryOperator<V> fn;
    public final long px;
    public final long leaseMillis;
    public final Slot slot;
    public int attempts;
    public boolean retried;
    public boolean guessed; // the first attempt used a remembered value, not one read from Redis
    public String token;
    public long lockWaitStart;
    public final CompletableFuture<V> result = new CompletableFuture<>();

    public RedisUpdate(Route r, RedisStore redis, String key, UnaryOperator<V> fn, Slot slot) {
      this.slot = slot;
      this.r = r;
      this.redis = redis;
      this.key = key;
      this.fn = fn;
      long ttl = engine.jitter(r.ttlNanos);
      this.px = ttl > 0 ? Math.max(1, TimeUnit.NANOSECONDS.toMillis(ttl)) : 0;
      this.leaseMillis = Math.max(1000, 2 * redis.timeout().toMillis());
    }

    public void start(Slot before) {
      byte[] guess;
      if (before != null && before.known) {
        guessed = true;
        onRead(before.value, null); // this node wrote it last: no need to read it
      } else if ((guess = lastWritten.getIfPresent(key)) != null) {
        guessed = true;
        onRead(guess == DELETED ? null : guess, null);
      } else {
        try {
          redis.get(key).whenComplete(this::onRead);
        } catch (RuntimeException e) {
          fail(e);
        }
      }
    }

    private void onRead(byte[] current, Throwable failure) {
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
        fail(engine.isClosed() ? Errors.closed() : e); // a closed client throws its own errors
      }
    }

    @SuppressWarnings("unchecked")
    private void apply(byte[] current) {
      V next;
      byte[] encoded;
      try {
        Object value = current == null ? null : engine.decode(key, current);
        next = fn.apply((V) value);
        encoded = next == null ? null : engine.codec.encode(next);
        if (encoded != null && r.maxBytes > 0) {
          int weight = LocalStore.weigh(key, encoded.length);
          if (weight > r.maxBytes) {
            throw Errors.valueTooLarge(key, r.ownerName, encoded.length, r.maxBytes);
          }
        }
      } catch (RuntimeException e) {
        fail(e);
        return;
      }
      engine.countSent(redis);
      redis
          .compareAndSet(key, r.ownerName, token, current, encoded, px)
          .whenComplete(
              (reply, t) -> {
                if (result.isDone()) {
                  return;
                } else if (t != null) {
                  fail(t);
                } else if (Long.valueOf(1L).equals(reply.get(0))) {
                  slot.value = encoded;
                  slot.known = true;
                  lastWritten.put(key, encoded == null ? DELETED : encoded);
                  result.complete((V) Engine.copyOut(next));
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
        token = engine.nodeId + ":" + tokens.incrementAndGet();
        lockWaitStart = System.nanoTime();
      }
      redis
          .lock(key, token, leaseMillis)
          .whenComplete(
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
          redis.unlock(key, token); // best effort: the lease expires by itself
        } catch (RuntimeException e) {
          // closed or disconnected: the lease expires by itself
        }
      }
    }
  }

  private <V> CompletableFuture<V> updateRedis(
      Route r, RedisStore redis, String key, UnaryOperator<V> fn, Slot before, Slot mine) {
    RedisUpdate<V> u = new RedisUpdate<>(r, redis, key, fn, mine);
    u.start(before);
    return u.result;
  }

  // ---- atomicBatch ----

  /** One write of a batch, checked and encoded when it was recorded. */
  public static final class BatchWrite {
    public final Route route;
    public final CacheLayer target;
    public final String key;
    public final Object value; // null: delete
    public final byte[] bytes;
    public final int weight;
    public final long ttlNanos;

    public BatchWrite(
        Route route,
        CacheLayer target,
        String key,
        Object value,
        byte[] bytes,
        int weight,
        long ttlNanos) {
      this.route = route;
      this.target = target;
      this.key = key;
      this.value = value;
      this.bytes = bytes;
      this.weight = weight;
      this.ttlNanos = ttlNanos;
    }
  }

  /** Checks and encodes one write of a batch; nothing is applied yet. */
  public BatchWrite prepare(
      Rights rights, CacheLayer via, String key, Object value, SetOptions options) {
    Operation op = value == null ? Operation.DELETE : Operation.WRITE;
    Route r = engine.writable(rights, op, key, via);
    CacheLayer target = via != null ? via : r.primary;
    if (value == null) {
      if (r.owner != null && r.owner.isStreaming()) {
        throw Errors.streamedDeleteInBatch(key, r.ownerName);
      }
      return new BatchWrite(r, target, key, null, null, 0, 0);
    }
    if (options.condition() != SetOptions.Condition.ALWAYS) {
      throw new IllegalArgumentException(
          "atomicBatch writes take a TTL, not a condition (" + options + ")");
    }
    byte[] bytes = engine.codec.encode(value);
    int weight = LocalStore.weigh(key, bytes.length);
    if (r.maxBytes > 0 && weight > r.maxBytes) {
      throw Errors.valueTooLarge(key, r.ownerName, bytes.length, r.maxBytes);
    }
    long ttl = engine.jitter(options.ttl() != null ? options.ttl().toNanos() : r.ttlNanos);
    return new BatchWrite(r, target, key, Engine.storedCopy(value), bytes, weight, ttl);
  }

  /**
   * Applies checked writes all together: in-process stores under the batch lock, or one Redis store
   * in one script. Writes to two different kinds of store (or two Redis servers) cannot be made
   * atomic and are refused before anything is applied.
   */
  public CompletableFuture<Void> apply(Rights rights, List<BatchWrite> writes) {
    engine.checkOpen();
    if (writes.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    Store first = engine.stores[writes.get(0).target.ordinal()];
    for (BatchWrite w : writes) {
      Store s = engine.stores[w.target.ordinal()];
      boolean same = s instanceof LocalStore ? first instanceof LocalStore : s == first;
      if (!same) {
        BatchWrite a = writes.get(0);
        throw Errors.batchSpansStores(
            a.key, a.target, first.describe(), w.key, w.target, s.describe());
      }
    }
    List<String> keys = new ArrayList<>(writes.size());
    writes.forEach(w -> keys.add(w.key));
    int[] marked = engine.markBatch(keys);
    CompletableFuture<?> applied;
    if (first instanceof LocalStore) {
      engine.batchLock.lock();
      try {
        for (BatchWrite w : writes) {
          Cache<String, LocalStore.Entry> region = w.route.regions[w.target.ordinal()];
          if (w.value == null) {
            region.invalidate(w.key);
          } else {
            region.put(
                w.key,
                new LocalStore.Entry(
                    w.value,
                    w.weight,
                    Engine.ttlFor(w.ttlNanos),
                    w.route,
                    w.target != w.route.primary));
          }
          engine.dropCopies(w.route, w.target, w.key);
        }
      } finally {
        engine.batchLock.unlock();
        engine.unmarkBatch(marked);
      }
      applied = CompletableFuture.completedFuture(null);
    } else {
      RedisStore redis = (RedisStore) first;
      List<String> owners = new ArrayList<>(writes.size());
      List<byte[]> values = new ArrayList<>(writes.size());
      long[] px = new long[writes.size()];
      for (int i = 0; i < writes.size(); i++) {
        BatchWrite w = writes.get(i);
        owners.add(w.route.ownerName);
        values.add(w.bytes);
        px[i] = w.ttlNanos > 0 ? Math.max(1, TimeUnit.NANOSECONDS.toMillis(w.ttlNanos)) : 0;
        engine.countSent(redis);
      }
      CompletableFuture<Long> sent;
      try {
        sent = redis.batch(keys, owners, values, px);
      } catch (RuntimeException e) {
        sent = CompletableFuture.failedFuture(e);
      }
      // Copies are dropped whether or not the answer came back: the script may have run.
      applied =
          sent.whenComplete(
              (n, t) -> {
                for (BatchWrite w : writes) {
                  engine.dropCopies(w.route, w.target, w.key);
                }
                engine.unmarkBatch(marked);
              });
    }
    return engine
        .thenDependents(
            applied,
            () -> {
              List<CompletableFuture<Long>> dependents = new ArrayList<>();
              for (BatchWrite w : writes) {
                try {
                  dependents.add(engine.invalidateDependents(w.route, rights, w.key));
                } catch (RuntimeException e) {
                  dependents.add(CompletableFuture.failedFuture(e));
                }
              }
              return CompletableFuture.allOf(dependents.toArray(new CompletableFuture<?>[0]));
            })
        .thenApply(v -> null);
  }
}
