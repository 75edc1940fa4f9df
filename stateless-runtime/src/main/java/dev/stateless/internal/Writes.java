package dev.stateless.internal;

import dev.stateless.SetOptions;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Strategy;
import dev.stateless.core.AccessRules;
import dev.stateless.core.KeyShape;
import dev.stateless.core.Literals;
import dev.stateless.core.Operation;
import dev.stateless.core.Rights;
import java.math.BigInteger;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Writes: checked against the caller's rights (core's {@link AccessRules}), applied to the owner's
 * layer (or a layer view's), then the key's copies and the owner's dependents dropped ({@link
 * #afterWrite}). {@code CLIENT_FIRST} writes of remote-owned keys go to the {@link OfflineWrites}.
 */
public final class Writes {
  private static final int CLIENT = CacheLayer.CLIENT.ordinal();
  private static final int EDGE = CacheLayer.EDGE.ordinal();

  private final Lifecycle lifecycle;
  private final Routes routes;
  private final Generations generations;
  private final Copies copies;
  private final Invalidations invalidations;
  private final Offline offline;
  private final Metrics metrics;

  /** The most a write's TTL is shortened by at random, as a fraction of it; 0: never. */
  private final double ttlJitter;

  Writes(
      Lifecycle lifecycle,
      Routes routes,
      Generations generations,
      Copies copies,
      Invalidations invalidations,
      Offline offline,
      Metrics metrics,
      double ttlJitter) {
    this.lifecycle = lifecycle;
    this.routes = routes;
    this.generations = generations;
    this.copies = copies;
    this.invalidations = invalidations;
    this.offline = offline;
    this.metrics = metrics;
    this.ttlJitter = ttlJitter;
  }

  /**
   * The preamble of every write: a well-formed key (one its owner's store takes), an open cache,
   * and the rights to write it. Nothing has been written when it throws.
   */
  public Route writable(Rights rights, Operation op, String key, @Nullable CacheLayer via) {
    Literals.checkKey(key);
    lifecycle.checkOpen();
    Route r = routes.route(key);
    Checks.throwIfErrors(AccessRules.check(rights, op, KeyShape.exact(key), via));
    if (r.primaryRemote != null) {
      r.primaryRemote.checkFits(key, 0); // before a CLIENT_FIRST write queues it, too
    }
    return r;
  }

  /** A write checked as {@code op}: a plain, scoped ({@code setScoped}) or session write. */
  public CompletableFuture<Boolean> set(
      Operation op,
      Rights rights,
      @Nullable CacheLayer via,
      String key,
      Object value,
      SetOptions options,
      @Nullable Strategy requested) {
    Route r = writable(rights, op, key, via);
    if (requested != null) {
      Checks.throwIfErrors(AccessRules.checkStrategy(rights, requested));
    }
    if (rights.strategy() == Strategy.REDIS_COMPATIBLE) {
      value = r.values.fromRedisForm(key, value); // "42" for a Long, as Redis would take it
    }
    CacheLayer target = via != null ? via : r.primary;
    // The owner's store when remote (a CLIENT_FIRST write reaches it from the queue): the value
    // must fit in one command, checked before anything is written or queued.
    RemoteStore to = r.regions[target.ordinal()] == null ? routes.remote(target) : null;
    Values.Encoded encoded = Values.encode(r.values, key, value, to);
    byte[] bytes = encoded.bytes();
    int weight = Entry.weigh(key, bytes.length);
    if (r.maxBytes > 0 && weight > r.maxBytes) {
      throw Errors.valueTooLarge(key, r.ownerName, bytes.length, r.maxBytes);
    }
    Strategy strategy =
        requested != null
            ? requested
            : rights.strategy() != Strategy.DEFAULT ? rights.strategy() : r.strategy;
    long ttl = jitter(options.ttl() != null ? nanos(options.ttl()) : r.ttlNanos); // 0: none
    Object stored = encoded.stored();
    boolean always = options.condition() == SetOptions.Condition.ALWAYS;
    boolean clientCopy =
        via == null
            && strategy == Strategy.CLIENT_FIRST
            && r.strategy != Strategy.GLOBAL_CONSISTENT
            && target != CacheLayer.CLIENT
            && r.regions[CLIENT] != null
            && always;
    if (clientCopy && r.primaryRemote != null) {
      return offline.writes().set(r, key, stored, bytes, weight, ttl);
    }
    Entry clientEntry = null;
    long afterClientPut = 0;
    if (clientCopy) {
      generations.bump(key);
      clientEntry = new Entry(stored, weight, Entry.ttlFor(ttl), r, true);
      r.region(CLIENT).put(key, clientEntry);
      afterClientPut = generations.token(key);
    }
    Entry firstCopy = clientEntry;
    long sinceCopy = afterClientPut;
    long beforeWrite = generations.token(key);
    boolean edgeCopy =
        via == null
            && strategy == Strategy.EDGE_OPTIMIZED
            && r.strategy != Strategy.GLOBAL_CONSISTENT
            && target == CacheLayer.SERVER
            && r.regions[EDGE] != null
            && always;
    CompletableFuture<Boolean> primaryWrite;
    long[] version = {0}; // the owner's version of this write, for its copies (0: none kept)
    try {
      primaryWrite =
          writePrimary(r, target, key, stored, bytes, weight, ttl, options.condition(), version);
    } catch (RuntimeException e) {
      primaryWrite = CompletableFuture.failedFuture(e);
    }
    return afterWrite(
        primaryWrite,
        r,
        rights,
        target,
        key,
        written -> {
          if (!written) {
            if (firstCopy != null) {
              r.region(CLIENT).remove(key, firstCopy);
            }
            return false;
          }
          // The copies this write made stay only if no other write of the key came in between
          // (else a copy and its owner could disagree for good). They are dropped with the rest
          // and put back, each checked against the generation the drop leaves.
          long now = generations.token(key);
          boolean undisturbed = now == (firstCopy != null ? sinceCopy : beforeWrite);
          copies.drop(r, target, key);
          if (undisturbed && firstCopy != null) {
            firstCopy.version = version[0];
            copies.install(r.region(CLIENT), CLIENT, key, firstCopy, now + 2);
          }
          if (undisturbed && edgeCopy) {
            Entry e = new Entry(stored, weight, Entry.ttlFor(ttl), r, true);
            e.version = version[0];
            copies.install(r.region(EDGE), EDGE, key, e, now + 2);
          }
          return true;
        });
  }

  /**
   * A TTL in nanoseconds, saturated as Caffeine does: one too long for a {@code long} (about 292
   * years) is kept as {@code Long.MAX_VALUE}, which never comes (in-process it is no expiry; Redis
   * gets that many milliseconds).
   */
  public static long nanos(Duration ttl) {
    try {
      return ttl.toNanos();
    } catch (ArithmeticException e) {
      return ttl.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /**
   * Shortens a write's TTL by a uniformly random part of at most {@link #ttlJitter} of it, so keys
   * written together do not expire together; no expiry (0) stays none.
   */
  public long jitter(long ttlNanos) {
    if (ttlJitter == 0 || ttlNanos <= 0) {
      return ttlNanos;
    }
    double cut = ThreadLocalRandom.current().nextDouble() * ttlJitter;
    // At least one millisecond stays: Redis expires by the millisecond.
    return Math.max(TimeUnit.MILLISECONDS.toNanos(1), ttlNanos - (long) (cut * ttlNanos));
  }

  /**
   * What follows every owner write. On success: {@code onWritten} (which drops the copies), then
   * the dependents. On failure the write may still have happened (a timeout, a dropped connection),
   * so the copies and dependents are dropped all the same, and the failure is reported; this node
   * skips its own events, so no one else would drop its copies.
   */
  public <T extends @Nullable Object> CompletableFuture<T> afterWrite(
      CompletableFuture<T> write,
      Route r,
      Rights rights,
      CacheLayer target,
      String key,
      Function<T, T> onWritten) {
    CompletableFuture<T> written =
        Futures.handleCompose(
            write,
            (v, failure) -> {
              if (failure == null) {
                return CompletableFuture.completedFuture(onWritten.apply(v));
              }
              copies.drop(r, target, key);
              return CompletableFuture.<T>failedFuture(failure);
            });
    return thenDependents(written, () -> invalidations.dependentsOf(r, rights, key));
  }

  /** {@link #afterWrite} whose only step on success is dropping the key's copies. */
  public <T extends @Nullable Object> CompletableFuture<T> afterWrite(
      CompletableFuture<T> write, Route r, Rights rights, CacheLayer target, String key) {
    return afterWrite(
        write,
        r,
        rights,
        target,
        key,
        v -> {
          copies.drop(r, target, key);
          return v;
        });
  }

  /**
   * After a write, whether or not it succeeded: drops its dependents. The result is the write's;
   * its failure wins over the dependents' failure.
   */
  public static <T> CompletableFuture<T> thenDependents(
      CompletableFuture<T> write, Supplier<CompletableFuture<?>> dependents) {
    return Futures.handleCompose(
        write,
        (v, failure) -> {
          CompletableFuture<?> dropped;
          try {
            dropped = dependents.get();
          } catch (RuntimeException e) {
            dropped = CompletableFuture.failedFuture(e);
          }
          return dropped.handle(
              (n, depFailure) -> {
                Throwable first = failure != null ? failure : depFailure;
                if (first != null) {
                  throw first instanceof CompletionException c ? c : new CompletionException(first);
                }
                return v;
              });
        });
  }

  private CompletableFuture<Boolean> writePrimary(
      Route r,
      CacheLayer target,
      String key,
      Object value,
      byte[] bytes,
      int weight,
      long ttlNanos,
      SetOptions.Condition condition,
      long[] version) {
    Region region = r.regions[target.ordinal()];
    if (region != null) {
      Entry e = new Entry(value, weight, Entry.ttlFor(ttlNanos), r, target != r.primary);
      int layer = target.ordinal();
      long start = metrics.start(layer);
      Entry marker = region.get(key);
      if (marker != null && marker.isAbsent()) {
        region.remove(key, marker); // "absent" is no value for a condition to see
      }
      boolean written =
          switch (condition) {
            case IF_ABSENT -> region.putIfAbsent(key, e) == null;
            case IF_PRESENT -> region.replace(key, e) != null;
            case ALWAYS -> {
              region.put(key, e);
              yield true;
            }
          };
      metrics.timed(layer, Metrics.SET, start);
      if (written) {
        metrics.put(r, layer);
      }
      return CompletableFuture.completedFuture(written);
    }
    RemoteStore remote = routes.remote(target);
    metrics.sent(remote);
    int layer = target.ordinal();
    return metrics
        .timed(
            remote.set(key, r.ownerName, bytes, toMillis(ttlNanos), condition), layer, Metrics.SET)
        .thenApply(
            v -> {
              version[0] = v;
              if (v > 0) {
                metrics.put(r, layer);
              }
              return v > 0;
            });
  }

  /** The remote store of a layer the caller knows is remote (its route has no region there). */
  RemoteStore remote(CacheLayer layer) {
    return routes.remote(layer);
  }

  /** A TTL for a remote store: whole milliseconds, at least one; 0 for none. */
  static long toMillis(long ttlNanos) {
    return ttlNanos > 0 ? Math.max(1, TimeUnit.NANOSECONDS.toMillis(ttlNanos)) : 0;
  }

  public CompletableFuture<Boolean> del(Rights rights, @Nullable CacheLayer via, String key) {
    return delRouted(writable(rights, Operation.DELETE, key, via), rights, via, key);
  }

  /**
   * Deletes an entry a request scope or session created, at its end: the code that wrote it may
   * remove it (even a key nobody owns, which only a scope may write).
   */
  public CompletableFuture<Boolean> delOwnEntry(
      Rights rights, @Nullable CacheLayer via, String key) {
    return delRouted(routes.route(key), rights, via, key);
  }

  /** A checked delete: queued behind this node's CLIENT_FIRST writes, or applied now. */
  private CompletableFuture<Boolean> delRouted(
      Route r, Rights rights, @Nullable CacheLayer via, String key) {
    Strategy strategy = rights.strategy() != Strategy.DEFAULT ? rights.strategy() : r.strategy;
    if (via == null
        && strategy == Strategy.CLIENT_FIRST
        && r.strategy != Strategy.GLOBAL_CONSISTENT
        && r.primaryRemote != null
        && r.regions[CLIENT] != null
        && !r.streaming()) { // a streamed value's chunks go with it
      return offline.writes().del(r, key);
    }
    CacheLayer target = via != null ? via : r.primary;
    Region region = r.regions[target.ordinal()];
    CompletableFuture<Boolean> removed;
    if (region != null) {
      removed = CompletableFuture.completedFuture(region.remove(key) != null);
    } else {
      RemoteStore remote = routes.remote(target);
      metrics.sent(remote);
      removed = r.streaming() ? remote.delStreamed(key, r.ownerName) : remote.del(key, r.ownerName);
    }
    return afterWrite(removed, r, rights, target, key);
  }

  public CompletableFuture<Boolean> expire(Rights rights, String key, long ttlNanos) {
    Route r = writable(rights, Operation.WRITE, key, null);
    Region region = r.primaryRegion();
    CompletableFuture<Boolean> done;
    if (region != null) {
      done = CompletableFuture.completedFuture(region.expire(key, ttlNanos));
    } else {
      RemoteStore remote = r.remotePrimary();
      metrics.sent(remote);
      done = remote.expire(key, r.ownerName, toMillis(ttlNanos));
    }
    // Copies carry the old expiry: drop them whether or not the answer came back.
    return done.whenComplete((ok, failure) -> copies.drop(r, r.primary, key));
  }

  public CompletableFuture<Long> increment(Rights rights, String key, long delta) {
    Route r = writable(rights, Operation.WRITE, key, null);
    r.values.checkIncrement(key);
    Region region = r.primaryRegion();
    CompletableFuture<Long> done;
    if (region != null) {
      long[] result = new long[1];
      region.compute(
          key,
          (k, cur) -> {
            Entry live = cur == null || cur.isAbsent() ? null : cur;
            Object v = live == null ? null : live.value;
            long n;
            if (v == null) {
              n = delta;
            } else if (v instanceof Long
                || v instanceof Integer
                || v instanceof Short
                || v instanceof Byte
                || v instanceof BigInteger) {
              long current;
              try {
                current = v instanceof BigInteger b ? b.longValueExact() : ((Number) v).longValue();
              } catch (ArithmeticException e) {
                throw Errors.incrementOverflow("increment", key, delta, null);
              }
              n = add(key, current, delta);
            } else if (v instanceof String s && isInteger(s)) {
              n = add(key, Long.parseLong(s), delta);
            } else {
              // a primary entry that is not absent holds a value: only client copies are
              // pending tombstones (queued deletes)
              throw Errors.wrongType(key, "increment", v);
            }
            Object next = r.values.afterIncrement(key, v, n, delta);
            result[0] = n;
            int w = Entry.weigh(key, r.values.encode(key, next).length);
            long ttl = live == null ? Long.MAX_VALUE : region.remainingOrForever(key);
            return new Entry(next, w, ttl, r, false);
          });
      done = CompletableFuture.completedFuture(result[0]);
    } else {
      RemoteStore remote = r.remotePrimary();
      metrics.sent(remote);
      done = remote.incrBy(key, r.ownerName, delta, r.values.minimum(), r.values.maximum());
    }
    return afterWrite(done, r, rights, r.primary, key);
  }

  private static long add(String key, long current, long delta) {
    try {
      return Math.addExact(current, delta);
    } catch (ArithmeticException e) {
      throw Errors.incrementOverflow("increment", key, delta, current);
    }
  }

  /** Whether a text value is an integer increment works on: a long in decimal, as in Redis. */
  private static boolean isInteger(String s) {
    if (s.isEmpty() || s.length() > 20) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9') && !(i == 0 && c == '-' && s.length() > 1)) {
        return false;
      }
    }
    try {
      Long.parseLong(s); // 19 digits may still be past a long
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
