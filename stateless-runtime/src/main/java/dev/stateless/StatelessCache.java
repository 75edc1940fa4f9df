package dev.stateless;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Lifetime;
import dev.stateless.annotation.Strategy;
import dev.stateless.core.AccessRules;
import dev.stateless.core.Code;
import dev.stateless.core.Diagnostic;
import dev.stateless.core.KeyShape;
import dev.stateless.core.Literals;
import dev.stateless.core.Manifest;
import dev.stateless.core.Operation;
import dev.stateless.core.Rights;
import dev.stateless.core.StatelessException;
import dev.stateless.internal.AccessScopes;
import dev.stateless.internal.CaffeineStore;
import dev.stateless.internal.Checks;
import dev.stateless.internal.Engine;
import dev.stateless.internal.Errors;
import dev.stateless.internal.Futures;
import dev.stateless.internal.KeyChanges;
import dev.stateless.internal.Loads;
import dev.stateless.internal.MicrometerBinder;
import dev.stateless.internal.RemoteStore;
import dev.stateless.internal.ScopedEntries;
import dev.stateless.internal.Values;
import dev.stateless.internal.Writes;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * A multi-layer cache (client, edge, server) whose keys have owners, declared in a manifest. Every
 * call is routed by the key's owner: a write goes to the owner's layer and drops the key's copies
 * in the other layers and every dependent the manifest declares ({@code @Invalidates}), in this
 * process and, through Redis Streams, in every other process sharing the Redis layer; a read walks
 * from the nearest layer to the owner's and leaves copies only where the manifest allows
 * ({@code @Backfill}, {@code CLIENT_FIRST}, {@code EDGE_OPTIMIZED}).
 *
 * <pre>{@code
 * try (StatelessCache cache = StatelessCache.builder()
 *     .manifest(AppCache.class)
 *     .server(Stores.redis("redis://127.0.0.1:6379"))
 *     .build()) {
 *   cache.set("user:123", "Ada").join();
 *   Object name = cache.sync().get("user:123");
 *   cache.component("analytics").sync().set("user:123", "x"); // throws SL002: borrowed
 * }
 * }</pre>
 *
 * <h2>Rights</h2>
 *
 * The cache itself acts for every owner: it may write any key some component owns, through that
 * owner's layer. With a manifest, a key nobody owns is refused (SL003) unless the cache or view
 * uses {@link Strategy#REDIS_COMPATIBLE}; without one ({@link Manifest#empty()}) every key is
 * allowed. {@link #component(String)} narrows the rights to one component's, {@link
 * #layer(CacheLayer)} targets one layer and {@link #withStrategy(Strategy)} changes the strategy.
 * {@link #enter(java.lang.reflect.Method)} binds a {@code @CacheAccess} method's rights to the
 * current thread, so the plain cache's calls made while the method runs are judged by them. The
 * rules are core's {@link AccessRules}: the runtime raises the same codes as the compiler.
 *
 * <h2>Errors</h2>
 *
 * Asynchronous methods never throw for a failed operation: their future fails with a {@link
 * StatelessException} carrying a code and a help line (rule codes SL0xx; {@link
 * CacheNetworkException}, {@link CacheTimeoutException}, {@link CapacityException}, {@link
 * InvalidStateException} and the other SL1xx failures). Only {@code null} arguments throw {@link
 * NullPointerException} at once. The {@link #sync()} view throws the same exceptions directly.
 *
 * <p>Futures of Redis-backed calls may complete on Lettuce's I/O thread, so callbacks attached to
 * them must not block (no {@code sync()} calls, no {@code join()} inside {@code thenApply}): use
 * the {@code *Async} variants to move work elsewhere, as with Lettuce itself.
 *
 * <p>Thread-safe. Views share the cache's stores and state; closing a view does nothing, closing
 * the cache closes its stores.
 */
public final class StatelessCache implements AutoCloseable {
  static {
    KeyChanges.engines(cache -> cache.engine); // for the edge node's client tracking; not API
  }

  private final Engine engine;
  private final Rights rights;
  private final @Nullable CacheLayer via;
  private final @Nullable String componentName;

  /**
   * Whether {@link #withStrategy} chose this view's strategy: it then beats an entered method's.
   */
  private final boolean strategyChosen;

  private final boolean root;
  private final SyncCache sync;

  /**
   * Entries that end with this view: a session's entries, or for the cache itself those written
   * with a cleanup callback (deleted when the cache closes).
   */
  private final ScopedEntries entries;

  private StatelessCache(
      Engine engine,
      Rights rights,
      @Nullable CacheLayer via,
      @Nullable String componentName,
      boolean strategyChosen,
      boolean root,
      ScopedEntries entries) {
    this.engine = engine;
    this.rights = rights;
    this.via = via;
    this.componentName = componentName;
    this.strategyChosen = strategyChosen;
    this.root = root;
    this.entries = entries;
    this.sync = new SyncCache(this);
  }

  private boolean inSession() {
    return rights.lifetime() == Lifetime.SESSION;
  }

  /**
   * The rights this call runs with: an entered {@code @CacheAccess} method's ({@link #enter}),
   * adapted to this view, or the view's own. A component view keeps its own.
   */
  private Rights rights() {
    if (componentName == null) {
      Rights bound =
          engine.accessScopes().boundRights(rights.lifetime(), rights.strategy(), strategyChosen);
      if (bound != null) {
        return bound;
      }
    }
    return rights;
  }

  /**
   * Returns a new builder.
   *
   * @return a builder with every layer in-process, the JSON codec and no manifest
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the blocking view: the same methods, waiting for the result.
   *
   * @return the blocking view of this cache (or view)
   */
  public SyncCache sync() {
    return sync;
  }

  /**
   * Returns the manifest the cache enforces.
   *
   * @return the manifest ({@link Manifest#empty()} when none was given)
   */
  public Manifest manifest() {
    return engine.manifest();
  }

  /**
   * Returns a read-only look at how this cache or view works: its rights, the entries its
   * in-process layers hold.
   *
   * @return the policy of this cache or view
   */
  public CachePolicy policy() {
    return new CachePolicy(engine, rights());
  }

  // ---- operations ----

  /**
   * Reads a key: from the nearest layer that holds it, up to its owner's layer.
   *
   * @param key the key
   * @return the value, or {@code null} when absent
   */
  public CompletableFuture<Object> get(String key) {
    Objects.requireNonNull(key, "key");
    CompletableFuture<Object> read =
        call(() -> engine.reads().get(rights(), via, key)).thenApply(Values::copyOut);
    if (rights.strategy() == Strategy.REDIS_COMPATIBLE) {
      return read.thenApply(v -> engine.values().redisForm(key, v)); // as Redis holds it: text
    }
    return read;
  }

  /**
   * Reads a key as a type: its value when it is one, or, for a key of an untyped component read
   * from Redis (text or bytes, as Redis holds it), those bytes read as {@code type} would be stored
   * ({@code "42"} as a {@code Long}, JSON as a record). Code without a manifest reads typed values
   * this way.
   *
   * @param key the key
   * @param type the value's expected type
   * @param <T> the value's type
   * @return the value, or {@code null} when absent; fails with {@link ValueCodecException} (SL105)
   *     when the text is no such value, {@link ClassCastException} when the value has another type,
   *     and, before reading, with {@code SL014} when the key's owner declares a {@code @ValueType}
   *     no value of {@code type} can have ({@code get("stock:1", String.class)} of a {@code Long}
   *     component), as the compile-time checker reports the same read
   */
  public <T> CompletableFuture<T> get(String key, Class<T> type) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(type, "type");
    try {
      engine.values().checkRead(key, type);
    } catch (StatelessException e) {
      return CompletableFuture.failedFuture(e);
    }
    return get(key).thenApply(v -> v == null ? null : type.cast(engine.values().as(key, v, type)));
  }

  /**
   * Writes a key to its owner's layer and drops its copies and dependents. A {@code CLIENT_FIRST}
   * write of a key whose owner lives in Redis applies to the client layer at once and reaches Redis
   * from the offline queue: its future completes once the write is queued (see {@link
   * Builder#offlineQueue(Path)} and {@link #flush()}).
   *
   * <p>The value is copied once (store-by-value): a {@code byte[]} is encoded into one new array,
   * which Redis receives and an in-process layer keeps.
   *
   * @param key the key
   * @param value the value: a {@code String}, {@code byte[]}, number, or what the codec supports
   * @return {@code true} when written; fails with SL012 (an empty key, or one with half a surrogate
   *     pair, which has no UTF-8 encoding), SL002 (borrowed), SL003 (not owned), SL004 (wrong layer
   *     view), SL102 ({@code @MaxSize}, or a key or encoded value over the 512 MB Redis takes in
   *     one command: stream such values, {@code @Streaming}) or SL105 (no codec for the value, or a
   *     {@code String} with half a surrogate pair); nothing is written then
   * @throws NullPointerException if {@code key} or {@code value} is null
   */
  public CacheWrite set(String key, Object value) {
    return set(key, value, SetOptions.none());
  }

  /**
   * Writes a key with options (TTL, only if absent, only if present).
   *
   * @param key the key
   * @param value the value
   * @param options the options
   * @return {@code true} when written, {@code false} when the condition did not hold; fails as
   *     {@link #set(String, Object)} does
   * @throws NullPointerException if an argument is null
   */
  public CacheWrite set(String key, Object value, SetOptions options) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(options, "options");
    return write(
        key, r -> engine.writes().set(writeOperation(), r, via, key, value, options, null));
  }

  /** A session's writes are checked as session writes; their cleanup is checked at its end. */
  private Operation writeOperation() {
    return inSession() ? Operation.WRITE_WITH_CLEANUP : Operation.WRITE;
  }

  private CacheWrite write(String key, Function<Rights, CompletableFuture<Boolean>> op) {
    Objects.requireNonNull(key, "key");
    Rights r;
    try {
      r = rights();
    } catch (StatelessException e) {
      CacheWrite refused = new CacheWrite(entries, key, rights, via);
      refused.fail(e); // the entered method's rights under this view's strategy are unsound
      return refused;
    }
    CompletableFuture<Boolean> done;
    if (inSession()) {
      try {
        done = entries.write(key, r, via, () -> call(() -> op.apply(r)));
      } catch (RuntimeException e) {
        done = CompletableFuture.failedFuture(e); // the session has ended: nothing was sent
      }
    } else {
      done = call(() -> op.apply(r));
    }
    CacheWrite w = new CacheWrite(entries, key, r, via);
    Futures.whenDone(
        done,
        (v, t) -> {
          if (t == null) {
            w.settle(v);
          } else {
            w.fail(t);
          }
        });
    return w;
  }

  /**
   * Writes a key following a given strategy for this write: {@code CLIENT_FIRST} writes the client
   * layer first, {@code EDGE_OPTIMIZED} leaves a copy at the edge, {@code GLOBAL_CONSISTENT} keeps
   * no copy. The owner's layer still receives the write ({@code CLIENT_FIRST} to a Redis owner:
   * from the offline queue, see {@link #flush()}).
   *
   * @param key the key
   * @param value the value
   * @param strategy the strategy
   * @return {@code true} when written; fails with SL007 when the strategy's layer is missing and
   *     SL008 when it clashes with this view's strategy
   */
  public CacheWrite setWithStrategy(String key, Object value, Strategy strategy) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(strategy, "strategy");
    return write(
        key,
        r ->
            engine.writes().set(writeOperation(), r, via, key, value, SetOptions.none(), strategy));
  }

  /**
   * Reads, changes and writes a key with no lost update: concurrent {@code atomicUpdate}s of the
   * key, on this node or others, apply one after another, and a plain write in between makes the
   * function run again on the newer value. The key's TTL is kept (a new key gets its owner's).
   *
   * <pre>{@code
   * cache.<Long>atomicUpdate("counter:1", n -> n == null ? 1L : n + 1);
   * }</pre>
   *
   * <p>The function may run more than once, so it must have no side effects; it runs off Redis's
   * I/O thread. Returning {@code null} deletes the key; returning the very object it was given
   * changes nothing when that is an immutable value (a {@code String}, a number, an immutable
   * record); a mutable one (a {@code byte[]}, a list, a bean) is a copy, so changing it in place
   * and returning it writes the change.
   *
   * @param key the key
   * @param fn the change: the current value ({@code null} when absent) to the new one
   * @param <V> the value's type
   * @return the new value; fails with SL011 when this view neither owns nor holds the key
   *     exclusively, SL103 when the update lost to other writers 32 times, and as {@link #set} does
   */
  public <V> CompletableFuture<@Nullable V> atomicUpdate(
      String key, UnaryOperator<@Nullable V> fn) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(fn, "fn");
    return StatelessCache.<@Nullable V>call(
        () -> engine.atomicUpdates().<V>update(rights(), via, key, fn));
  }

  /**
   * As {@link #atomicUpdate(String, UnaryOperator)}, but the new value takes the TTL that {@code
   * set(key, value, options)} would give it (the options' TTL, else the owner's) instead of keeping
   * the key's: Redis's {@code GETSET}, {@code GETEX}. A function that returns the very immutable
   * object it was given changes nothing, the TTL included.
   *
   * @param key the key
   * @param fn the change: the current value ({@code null} when absent) to the new one
   * @param options the new value's TTL; no condition
   * @param <V> the value's type
   * @return the new value; fails as {@link #atomicUpdate(String, UnaryOperator)} does
   * @throws IllegalArgumentException if {@code options} has a condition
   */
  public <V> CompletableFuture<@Nullable V> atomicUpdate(
      String key, UnaryOperator<@Nullable V> fn, SetOptions options) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(fn, "fn");
    Objects.requireNonNull(options, "options");
    if (options.condition() != SetOptions.Condition.ALWAYS) {
      throw new IllegalArgumentException("atomicUpdate takes a TTL, not a condition: " + options);
    }
    return StatelessCache.<@Nullable V>call(
        () -> engine.atomicUpdates().<V>update(rights(), via, key, fn, options));
  }

  /**
   * Reads a key and, when it is absent, loads it: {@code loader} computes the value, which is
   * written as {@link #set(String, Object) set} would write it (the owner's layer, {@code @Ttl},
   * copies and dependents dropped), and returned. Waits up to 10 seconds for a load that another
   * caller runs; see {@link #get(String, Function, Duration)}.
   *
   * <pre>{@code
   * User user = cache.sync().get("user:" + id, key -> db.loadUser(id));
   * }</pre>
   *
   * @param key the key
   * @param loader computes the value from the key; {@code null} for none (nothing is written)
   * @param <V> the value's type
   * @return the value, read or loaded; fails as {@link #get(String, Function, Duration)} does
   * @throws NullPointerException if {@code key} or {@code loader} is null
   */
  public <V> CompletableFuture<@Nullable V> get(
      String key, Function<? super String, ? extends @Nullable V> loader) {
    return get(key, loader, Loads.DEFAULT_WAIT);
  }

  /**
   * Reads a key and, when it is absent, loads it, one load per key at a time (a lease, as in
   * memcache at Facebook). A value present in any layer is returned as {@link #get(String)} returns
   * it, and {@code loader} is not called. On a miss:
   *
   * <ul>
   *   <li>The write the load would make is checked first, with this view's rights, as {@link
   *       #set(String, Object) set} checks it: a {@link #component(String) component} view that
   *       only borrows the key fails with SL002, a key no one owns with SL003, a {@code @Streaming}
   *       component's key with SL009, and {@code loader} never runs. A view that may read but not
   *       write the key reads it with {@link #get(String)}.
   *   <li>Concurrent calls for the key in this process share one call of one loader (the first
   *       caller's) and its result or failure.
   *   <li>When the layer the key is written to is shared (Redis standalone, Sentinel or Cluster, an
   *       edge node through {@link Stores#edge}), the nodes share one load too: the loading node
   *       holds the key's lease in that store while its loader runs and writes the value before it
   *       releases it. Another node finding the lease taken polls it (pauses growing from 2 ms to
   *       100 ms) and returns the value once it lands; if the lease is released or expires with no
   *       value (the loader failed, returned {@code null}, or its node died), that node loads the
   *       key itself. A lease lasts 5 seconds and is renewed while its loader runs, so a dead
   *       node's lease holds the others up for at most 5 seconds.
   *   <li>The value is written only if the key is still absent: when another writer stored a value
   *       meanwhile, that value is returned instead of the loader's.
   *   <li>{@code loader} returning {@code null}: nothing is written, {@code null} is returned, and
   *       the next call loads again. {@code loader} throwing: every caller sharing the load fails
   *       with that exception, and nothing is written.
   * </ul>
   *
   * <p>Asynchronous callers' loaders run on a thread of the cache's; the {@link #sync()} view runs
   * its caller's loader on the calling thread. The loader must not call {@code get(key, loader)}
   * for the same key (it would wait for itself until {@code maxWait}). The value returned is the
   * loader's own object when this caller's load wrote it, else a read of the key: cast to {@code V}
   * unchecked, so a value of another type fails with {@link ClassCastException} where it is used.
   *
   * @param key the key
   * @param loader computes the value from the key; {@code null} for none (nothing is written)
   * @param maxWait how long to wait for a load another caller runs (in this process, or on another
   *     node); zero to fail at once; a caller whose own loader runs waits for it
   * @param <V> the value's type
   * @return the value, read or loaded; fails with SL002, SL003, SL004, SL009, SL010 or SL012 before
   *     the loader runs, with {@link CacheTimeoutException} (SL101, naming the key and the wait)
   *     when another caller's load did not end within {@code maxWait}, with the loader's own
   *     exception, with SL105 when the cache is closed, and as {@link #set(String, Object)} does
   *     when the loaded value cannot be written (SL014, SL102, ...: then nothing is written)
   * @throws NullPointerException if an argument is null
   * @throws StatelessException SL012 if {@code maxWait} is negative
   */
  public <V> CompletableFuture<@Nullable V> get(
      String key, Function<? super String, ? extends @Nullable V> loader, Duration maxWait) {
    return load(key, loader, maxWait, null);
  }

  /**
   * The {@link java.util.Map} name of {@link #get(String, Function)}: the same call.
   *
   * @param key the key
   * @param loader computes the value from the key; {@code null} for none (nothing is written)
   * @param <V> the value's type
   * @return the value, read or loaded; fails as {@link #get(String, Function, Duration)} does
   * @throws NullPointerException if {@code key} or {@code loader} is null
   */
  public <V> CompletableFuture<@Nullable V> computeIfAbsent(
      String key, Function<? super String, ? extends @Nullable V> loader) {
    return get(key, loader);
  }

  /** {@code get(key, loader, maxWait)}, its loader run by {@code runner} (null: the cache's). */
  @SuppressWarnings("unchecked") // the caller's V, as Map.computeIfAbsent would hand it back
  <V> CompletableFuture<@Nullable V> load(
      String key,
      Function<? super String, ? extends @Nullable V> loader,
      Duration maxWait,
      @Nullable Executor runner) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(loader, "loader");
    Objects.requireNonNull(maxWait, "maxWait");
    // Operation.WRITE in a session too: a loaded entry has no cleanup callback (SL010).
    return StatelessCache.<@Nullable V>call(
        () ->
            (CompletableFuture<@Nullable V>)
                (CompletableFuture<?>)
                    engine
                        .loads()
                        .get(Operation.WRITE, rights(), via, key, loader, maxWait, runner));
  }

  /**
   * Applies several writes all together or not at all: readers see either none of them or all, and
   * each write drops its key's copies and dependents as a single write would. Each write is checked
   * as it is recorded (SL002, SL003, SL004, SL102 …); one that fails fails the batch before
   * anything is applied. The keys' owners must share a store: all in-process, or one Redis (where
   * the batch is one Lua script); else the batch fails with SL105 and nothing is written.
   *
   * <pre>{@code
   * cache.atomicBatch(tx -> {
   *   tx.set("user:123", data1);
   *   tx.set("user:123:prefs", data2);
   * }).join();
   * }</pre>
   *
   * @param body records the writes on the transaction it is given
   * @return completes when every write is applied
   */
  public CompletableFuture<Void> atomicBatch(Consumer<CacheTransaction> body) {
    Objects.requireNonNull(body, "body");
    return call(
        () -> {
          engine.lifecycle().checkOpen();
          Rights r = rights();
          CacheTransaction tx = new CacheTransaction(engine.atomicBatches(), r, via);
          body.accept(tx);
          return engine.atomicBatches().apply(r, tx.finish());
        });
  }

  /**
   * Opens a request scope: entries written with {@link RequestScope#setScoped} are deleted when it
   * closes, also on exceptions (use try-with-resources). The scope has this view's rights, with the
   * {@code REQUEST} lifetime, and may also write keys no component owns.
   *
   * @return the scope
   */
  public RequestScope requestScope() {
    engine.lifecycle().checkOpen();
    return new RequestScope(engine.writes(), rights().withLifetime(Lifetime.REQUEST), via);
  }

  /**
   * Opens a session: a view with this view's rights and the {@code SESSION} lifetime. Every entry
   * written through it needs a cleanup callback, {@code session.set(key, value).withCleanup(fn)};
   * closing the session deletes its entries, then runs their callbacks. A session entry written
   * without one is deleted too, and closing then fails with SL010 naming it (the checker reports it
   * at compile time).
   *
   * <pre>{@code
   * try (StatelessCache session = cache.session()) {
   *   session.set("session:123", data).withCleanup(() -> audit.log("session 123 ended"));
   * }
   * }</pre>
   *
   * @return the session view; close it to end the session
   */
  public StatelessCache session() {
    engine.lifecycle().checkOpen();
    return new StatelessCache(
        engine,
        rights.withLifetime(Lifetime.SESSION),
        via,
        componentName,
        strategyChosen,
        false,
        new ScopedEntries(engine.writes(), "session", true));
  }

  /**
   * Deletes a key from its owner's layer and every copy, and drops its dependents. A {@code
   * CLIENT_FIRST} delete of a key whose owner lives in Redis goes through the offline queue, like
   * {@link #set(String, Object)}.
   *
   * @param key the key
   * @return whether the owner's layer held it; for a queued delete, whether this node's client
   *     layer held a value
   */
  public CompletableFuture<Boolean> del(String key) {
    Objects.requireNonNull(key, "key");
    return call(() -> engine.writes().del(rights(), via, key));
  }

  /**
   * Writes a value of a {@code @Streaming} component from a stream, one chunk (the component's
   * {@code chunkSize}) at a time, without holding the whole value in memory when the owner's layer
   * is Redis (an in-process layer keeps the value, as a list of chunks). Readers see the old value
   * or the new one, never a mix: the chunks are written under a new version, then one step makes it
   * current. The value counts against {@code @MaxSize} and expires after the owner's {@code @Ttl};
   * it is never copied into nearer layers. {@code data} is read to its end on a thread of the
   * cache's and is not closed.
   *
   * @param key the key
   * @param data the value's bytes
   * @return completes when the new value is current; fails with SL002/SL003/SL004 when the view may
   *     not write the key, SL105 when the key's owner is not {@code @Streaming} or {@code data}
   *     throws (nothing is stored then), SL102 when the value exceeds {@code @MaxSize} or 100,000
   *     chunks (nothing is stored), SL104 when the chunks written expired before the write
   *     finished, SL100/SL101 when Redis fails (when the reply of the final step is lost, the new
   *     value may be current)
   * @throws NullPointerException if {@code data} is null
   */
  public CompletableFuture<Void> setStream(String key, java.io.InputStream data) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(data, "data");
    return call(() -> engine.streams().setStream(rights(), via, key, data));
  }

  /**
   * Reads a value of a {@code @Streaming} component as a stream. The stream reads one complete
   * version, fetching chunks from Redis as it goes (at most a few chunks ahead). Its {@code read}
   * methods throw, unchecked, {@link StaleDataException} (SL104) when the value was replaced or
   * deleted so long ago that the version being read is gone (a replaced value stays readable for a
   * grace period of 60 seconds; call {@code stream} again to read the current one), and {@link
   * CacheNetworkException} / {@link CacheTimeoutException} when Redis fails. The stream is for one
   * thread. The returned future completes on a thread of the cache's, so its own {@code thenApply}
   * may read the stream; a callback of this cache's other futures may run on Redis's I/O thread,
   * where reading fails at once with SL105 (use {@code thenApplyAsync} there).
   *
   * @param key the key
   * @return the value's bytes, or {@code null} when the key is absent (or, through a {@link
   *     #layer(CacheLayer)} view, not in that layer: streamed values live in their owner's layer
   *     only); fails with SL105 when the key's owner is not {@code @Streaming}
   */
  public CompletableFuture<java.io.InputStream> stream(String key) {
    Objects.requireNonNull(key, "key");
    return call(() -> engine.streams().stream(rights(), via, key));
  }

  /**
   * Tells whether a key holds a value.
   *
   * @param key the key
   * @return whether it exists
   */
  public CompletableFuture<Boolean> exists(String key) {
    return get(key).thenApply(Objects::nonNull);
  }

  /**
   * Drops every key a pattern matches, in every layer and every process sharing the Redis layer;
   * glob characters in keys are data. In Redis the keys are found through each owner's key index (a
   * sorted set the write scripts keep, read by the pattern's literal prefix), so the cost is the
   * number of that owner's keys under the prefix, never the size of the keyspace, and neither
   * {@code KEYS} nor {@code SCAN} is used. The index holds the keys written through stateless (any
   * node, {@link dev.stateless.redis.RedisAdapter} included); keys other Redis clients wrote are
   * not seen: list them with {@link #scan(String)}.
   *
   * @param pattern a key pattern such as {@code "user:123:*"}
   * @return how many entries were dropped, copies included; fails with SL012 when the pattern is
   *     malformed or longer than {@link dev.stateless.core.KeyPattern#MAX_LENGTH} characters (64
   *     Ki), and with SL002 / SL003 when this code may not drop the keys
   */
  public CompletableFuture<Long> invalidatePattern(String pattern) {
    Objects.requireNonNull(pattern, "pattern");
    return call(() -> engine.invalidations().invalidatePattern(rights(), pattern));
  }

  /**
   * Sets a key's time to live in its owner's layer (its copies are dropped). A TTL too long for a
   * {@code long} of nanoseconds (about 292 years) is kept as that, as Caffeine does: the key does
   * not expire in practice.
   *
   * @param key the key
   * @param ttl the new time to live, positive
   * @return whether the key exists; fails with SL012 when {@code ttl} is zero or negative (to
   *     remove a key, {@link #del(String) del} it)
   */
  public CompletableFuture<Boolean> expire(String key, Duration ttl) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(ttl, "ttl");
    return call(
        () -> {
          Literals.checkTtl(ttl, "ttl of expire(\"" + Literals.printable(key) + "\", ttl)");
          return engine.writes().expire(rights(), key, Writes.nanos(ttl));
        });
  }

  /**
   * Returns a key's remaining time to live in its owner's layer, in milliseconds, as Redis {@code
   * PTTL} does.
   *
   * @param key the key
   * @return the milliseconds left, {@code -1} when the key never expires, {@code -2} when absent
   */
  public CompletableFuture<Long> ttlMillis(String key) {
    Objects.requireNonNull(key, "key");
    return call(() -> engine.reads().pttl(key));
  }

  /**
   * Adds to an integer value atomically in its owner's layer (an absent key counts as 0), as Redis
   * {@code INCRBY} does.
   *
   * @param key the key
   * @param delta the amount to add
   * @return the new value; fails with SL105 when the key holds no integer
   */
  public CompletableFuture<Long> increment(String key, long delta) {
    Objects.requireNonNull(key, "key");
    return call(() -> engine.writes().increment(rights(), key, delta));
  }

  /**
   * Lists the keys matching a Redis-style glob ({@code * ? [..]}) in every layer, by {@code SCAN}
   * in Redis. For migration from Redis ({@code KEYS} / {@code SCAN}); the list is a snapshot.
   *
   * @param glob the glob
   * @return the matching keys, sorted
   */
  public CompletableFuture<List<String>> scan(String glob) {
    Objects.requireNonNull(glob, "glob");
    return call(() -> engine.reads().scan(glob));
  }

  // ---- views ----

  /**
   * Returns a view whose calls target one layer: writes go to that layer only (SL004 when it is not
   * the key's owner's layer), reads read that layer only.
   *
   * @param layer the layer
   * @return the view
   * @throws StatelessException SL007 when the cache has no such layer
   */
  public StatelessCache layer(CacheLayer layer) {
    Objects.requireNonNull(layer, "layer");
    List<Diagnostic> problems =
        AccessRules.check(rights, Operation.READ, KeyShape.prefix(""), layer);
    for (Diagnostic d : problems) {
      if (d.rule() == Code.SL007) {
        throw new StatelessException(List.of(d));
      }
    }
    return new StatelessCache(engine, rights, layer, componentName, strategyChosen, false, entries);
  }

  /**
   * Returns a view restricted to one manifest component's rights: it may write only what the
   * component owns (SL002 for what it borrows, SL003 for the rest). Reads are not restricted,
   * except that streaming data must be streamed (SL009).
   *
   * @param name the component's name (its field name in a {@code @CacheManifest} class)
   * @return the view
   * @throws StatelessException SL013 when the manifest has no such component
   */
  public StatelessCache component(String name) {
    Objects.requireNonNull(name, "name");
    Rights r = engine.manifest().rightsOf(name).withLifetime(rights.lifetime());
    return new StatelessCache(engine, r, via, name, strategyChosen, false, entries);
  }

  /**
   * Returns a view with another strategy. {@link Strategy#REDIS_COMPATIBLE} also allows keys no
   * component owns (code with no manifest entry yet); keys that have an owner keep its rules.
   *
   * @param strategy the strategy
   * @return the view
   * @throws StatelessException SL007 when the strategy needs a layer the cache lacks
   */
  public StatelessCache withStrategy(Strategy strategy) {
    Objects.requireNonNull(strategy, "strategy");
    Rights.Builder b =
        Rights.builder(engine.manifest()).strategy(strategy).lifetime(rights.lifetime());
    if (componentName != null) {
      b.name("component \"" + componentName + "\"").follows(componentName);
    } else {
      b.name("this cache").actsForAllOwners();
    }
    b.unownedKeysAllowed(
        strategy == Strategy.REDIS_COMPATIBLE
            || (componentName == null && rights.unownedKeysAllowed()));
    Rights r = b.build();
    Checks.throwIfErrors(AccessRules.checkDeclaration(r));
    return new StatelessCache(engine, r, via, componentName, true, false, entries);
  }

  // ---- @CacheAccess methods at run time ----

  /**
   * Binds a {@code @CacheAccess} method's rights to the current thread for this cache (as Spring
   * binds a transaction to a {@code @Transactional} method) until the returned scope is closed.
   * Meanwhile the calls this thread makes through this cache and its views that carry no component
   * rights of their own ({@link #sync()}, {@link #layer(CacheLayer)}, {@link
   * #withStrategy(Strategy)}, {@link #session()}, {@link #requestScope()}) are judged by the
   * method's rights instead of acting for every owner: a write of a key the method only borrows
   * fails with SL002, of a key it does not own SL003, through the wrong layer SL004, an {@code
   * atomicUpdate} without ownership or {@code exclusive} SL011, and so on, with the messages the
   * checker reports and {@link #component(String)} views raise. For keys the checker could not
   * prove (built at run time), this is where the rule is kept.
   *
   * <pre>
   * class View {
   *   &#64;CacheAccess(borrows = "user:*")
   *   void render(String id) { ... cache.sync().set("user:" + id, x) ... } // SL002 at run time
   * }
   * Method render = View.class.getDeclaredMethod("render", String.class);
   * try (CacheAccessScope scope = cache.enter(render)) {
   *   view.render(id);
   * }
   * </pre>
   *
   * <p>The method's {@code @CacheAccess} is its own, else its class's (as the checker reads it; see
   * {@link Rights#forMethod}), read once per method. Its {@code strategy}, unless {@code DEFAULT},
   * replaces the cache's default strategy (a {@link #withStrategy(Strategy)} view's strategy
   * replaces the method's); its {@code follows} gives it a component's rights and layer. What a
   * call's entries live for is the view's: {@link #session()} for {@code SESSION} entries, {@link
   * #requestScope()} for {@code REQUEST} ones. A {@link #component(String)} view keeps its own
   * rights.
   *
   * <p>Scopes nest (an inner one hides the outer until closed) and are per cache and per thread:
   * another cache, or another thread, does not see this one. Work handed to another thread runs
   * under that thread's binding. A thread with no scope pays one {@code ThreadLocal} read a call.
   * The Spring Boot starter enters the scope around every {@code @CacheAccess} method with an
   * advisor.
   *
   * @param method the method, annotated with {@code @CacheAccess} or declared in an annotated class
   * @return the scope; close it on this thread (try-with-resources)
   * @throws IllegalArgumentException if neither the method nor an enclosing class is annotated with
   *     {@code CacheAccess}
   * @throws StatelessException if the declaration is unsound against this cache's manifest, with
   *     the checker's codes: SL013 ({@code follows} names no component), SL012 (a malformed
   *     pattern), SL005, SL007, SL008
   * @throws NullPointerException if {@code method} is null
   */
  public CacheAccessScope enter(java.lang.reflect.Method method) {
    Objects.requireNonNull(method, "method");
    AccessScopes scopes = engine.accessScopes();
    return new CacheAccessScope(scopes, scopes.enter(method));
  }

  /**
   * Returns the method whose rights are bound to the current thread for this cache: that of the
   * innermost open {@link #enter(java.lang.reflect.Method) scope}.
   *
   * @return the method, or empty when no scope of this cache is open on this thread
   */
  public java.util.Optional<java.lang.reflect.Method> enteredMethod() {
    AccessScopes.Bound b = engine.accessScopes().current();
    return b == null ? java.util.Optional.empty() : java.util.Optional.of(b.method());
  }

  /**
   * Waits for the {@code CLIENT_FIRST} offline queue: the future completes when every write queued
   * before this call has been drained to its owner's layer (applied, or reported as an {@link
   * OfflineConflict}). While Redis is unreachable it does not complete; the drain retries by
   * itself.
   *
   * @return a future completing when the queue has been drained up to this call; fails with SL105
   *     when the cache is closed first
   */
  public CompletableFuture<Void> flush() {
    return call(engine.offline()::flush);
  }

  /**
   * Returns how many {@code CLIENT_FIRST} writes are queued for their owner's layer and not yet
   * drained.
   *
   * @return the number of queued writes
   */
  public long pendingWrites() {
    return engine.offline().pendingWrites();
  }

  /**
   * Returns a snapshot of the cache's health: each layer's store, whether it is reachable and
   * whether its invalidations are live, and the queued {@code CLIENT_FIRST} writes. Does no I/O: it
   * reports what the stores last saw (see {@link CacheStatus}), so it is cheap enough for every
   * health check.
   *
   * @return the cache's status now
   */
  public CacheStatus status() {
    return engine.status();
  }

  /**
   * Closes the cache: deletes the entries written with a cleanup callback and runs the callbacks,
   * drains the {@code CLIENT_FIRST} offline queue for up to {@link Builder#closeTimeout(Duration)
   * closeTimeout} (10 seconds unless set), then stops the drain and closes the stores. Closing a
   * {@link #session()} (or a view of it) ends the session. Other views' {@code close()} does
   * nothing.
   *
   * <p>Queued writes that were not drained by then (Redis down or slow, or the bound reached) are
   * never dropped silently. With an {@link Builder#offlineQueue(Path) offlineQueue} file they stay
   * in it, and are drained by the next cache built with the same file (logged as a warning; with
   * the file, the wait also ends early once Redis is found unreachable). With the queue in memory
   * they are lost: this method logs an error and throws, naming how many writes were lost ({@link
   * CacheNetworkException#unsavedWrites()}, {@link CacheTimeoutException#unsavedWrites()}) and
   * their keys. Either way everything is closed first.
   *
   * @throws CacheNetworkException SL100 when acknowledged {@code CLIENT_FIRST} writes were lost
   *     (queue in memory) because Redis was unreachable until the bound ran out
   * @throws CacheTimeoutException SL101 when acknowledged {@code CLIENT_FIRST} writes were lost
   *     (queue in memory) because the bound ran out with Redis slow or not answering
   * @throws dev.stateless.core.StatelessException when a delete or callback failed (the cache is
   *     closed all the same), or SL010 when a session entry had no cleanup callback; a loss of
   *     writes thrown with it carries it as suppressed
   */
  @Override
  public void close() {
    if (root) {
      RuntimeException cleanup = null;
      try {
        entries.close();
      } catch (RuntimeException e) {
        cleanup = e;
        throw e;
      } finally {
        closeEngine(cleanup);
      }
    } else if (inSession()) {
      entries.close();
    }
  }

  /** Closes the engine; a report of lost writes carries an earlier failure of close() with it. */
  private void closeEngine(@Nullable RuntimeException earlier) {
    try {
      engine.close();
    } catch (RuntimeException e) {
      if (earlier != null) {
        e.addSuppressed(earlier);
      }
      throw e;
    }
  }

  @Override
  public String toString() {
    return "StatelessCache{"
        + engine.name()
        + (componentName != null ? ", component=" + componentName : "")
        + (via != null ? ", layer=" + via : "")
        + "}";
  }

  Engine engine() {
    return engine;
  }

  @Nullable CacheLayer via() {
    return via;
  }

  /** Whether this view reads values as Redis holds them ({@code REDIS_COMPATIBLE}): text. */
  boolean readsRedisForms() {
    return rights.strategy() == Strategy.REDIS_COMPATIBLE;
  }

  private static <T extends @Nullable Object> CompletableFuture<T> call(
      Supplier<CompletableFuture<T>> op) {
    try {
      return op.get();
    } catch (NullPointerException e) {
      throw e;
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Builds a {@link StatelessCache}. Layers left unset are in-process; layers the manifest does not
   * list ({@code @CacheManifest(layers = ..)}) do not exist.
   */
  public static final class Builder {
    private Manifest manifest = Manifest.empty();
    private final @Nullable LayerStore[] stores = new LayerStore[CacheLayer.values().length];
    private ValueCodec codec = ValueCodec.json();
    private final Map<String, ValueCodec> codecs = new LinkedHashMap<>();
    private Strategy strategy = Strategy.DEFAULT;
    private @Nullable CacheStrategy custom;
    private @Nullable Clock clock;
    private @Nullable Object meterRegistry;
    private double ttlJitter;
    private @Nullable Duration negativeCaching;
    private @Nullable Path offlineQueue;
    private @Nullable Consumer<OfflineConflict> onConflict;
    private Duration removalCommitDelay = Duration.ofSeconds(1);
    private Duration closeTimeout = Duration.ofSeconds(10);

    private Builder() {}

    /**
     * Makes the {@code CLIENT_FIRST} offline queue durable in a file. A {@code CLIENT_FIRST} write
     * ({@code set} without a condition, or {@code del}) of a key whose owner lives in Redis applies
     * to the client layer at once and goes to a queue that a background task drains to Redis in
     * order, retrying until Redis takes it; the write's future completes once it is in the queue.
     * With this file the queue (an H2 MVStore) survives a crash or restart of the process: the next
     * cache built with the same file drains what is left, and every write reaches Redis exactly
     * once and in order. Without it the queue is in memory: it survives Redis outages but not a
     * restart, and the build logs a warning when the manifest uses {@code CLIENT_FIRST} on Redis
     * data. One process at a time may open a file.
     *
     * <p>With this file, a Redis store that holds the data of some {@code CLIENT_FIRST} owner does
     * not fail the build when Redis is down: the cache starts (logging a warning), serves this
     * node's queued writes from the client layer, fails every other call to that Redis with {@link
     * CacheNetworkException} (SL100), skips the {@code @Prefetch} warm-up of its keys, and connects
     * in the background; then the queue drains and {@link StatelessCache#flush()} completes.
     * Without the file a build with Redis down fails, as a node with nothing queued has no reason
     * to start blind.
     *
     * <p>A write that finds a newer version in Redis is not applied: see {@link OfflineConflict}
     * and {@link #onConflict(Consumer)}.
     *
     * @param file the queue's file, created when missing
     * @return this builder
     */
    public Builder offlineQueue(Path file) {
      this.offlineQueue = Objects.requireNonNull(file, "file");
      return this;
    }

    /**
     * Receives the {@code CLIENT_FIRST} writes that were not applied because the owner's layer had
     * a newer version of the key (see {@link OfflineConflict} for the rule). The handler runs on
     * the queue's drain thread: it must not block. Without one, each conflict is logged as a
     * warning; either way it is counted ({@code stateless.offline.conflicts}).
     *
     * @param handler the handler
     * @return this builder
     */
    public Builder onConflict(Consumer<OfflineConflict> handler) {
      this.onConflict = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * Sets how long {@link StatelessCache#close()} waits for the {@code CLIENT_FIRST} offline queue
     * to drain to Redis before it stops the drain (10 seconds unless set). The wait ends as soon as
     * every queued write is drained; a drain paused by its backoff is retried at once. What is not
     * drained within it stays in the {@link #offlineQueue(Path) offlineQueue} file for the next
     * start, or, with the queue in memory, is lost and reported by {@code close()} (see there).
     *
     * @param timeout the longest wait; zero to not wait
     * @return this builder
     * @throws NullPointerException if {@code timeout} is null
     * @throws StatelessException SL012 if {@code timeout} is negative
     */
    public Builder closeTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative()) {
        throw Errors.negativeCloseTimeout(timeout);
      }
      this.closeTimeout = timeout;
      return this;
    }

    /** For tests: how long drained records' removal may stay uncommitted in the queue. */
    Builder offlineRemovalCommitDelay(Duration delay) {
      this.removalCommitDelay = Objects.requireNonNull(delay, "delay");
      return this;
    }

    /**
     * Uses the manifest declared by a {@code @CacheManifest} class.
     *
     * @param manifestClass the class
     * @return this builder
     * @throws StatelessException SL013 when the class is no manifest
     */
    public Builder manifest(Class<?> manifestClass) {
      this.manifest = Manifest.from(Objects.requireNonNull(manifestClass, "manifestClass"));
      return this;
    }

    /**
     * Uses a manifest built in code.
     *
     * @param manifest the manifest
     * @return this builder
     */
    public Builder manifest(Manifest manifest) {
      this.manifest = Objects.requireNonNull(manifest, "manifest");
      return this;
    }

    /**
     * Sets the client layer's store.
     *
     * @param store the store
     * @return this builder
     */
    public Builder client(LayerStore store) {
      stores[CacheLayer.CLIENT.ordinal()] = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Sets the edge layer's store.
     *
     * @param store the store
     * @return this builder
     */
    public Builder edge(LayerStore store) {
      stores[CacheLayer.EDGE.ordinal()] = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Sets the server layer's store.
     *
     * @param store the store
     * @return this builder
     */
    public Builder server(LayerStore store) {
      stores[CacheLayer.SERVER.ordinal()] = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Sets the codec of the values that Redis has no form for (records, POJOs, collections...) in
     * every component without a codec of its own; {@link ValueCodec#json()} unless set. Strings,
     * {@code byte[]}, numbers and booleans never reach a codec.
     *
     * @param codec the codec
     * @return this builder
     */
    public Builder codec(ValueCodec codec) {
      this.codec = Objects.requireNonNull(codec, "codec");
      return this;
    }

    /**
     * Sets the codec of one component's values. {@link #build()} refuses a component the manifest
     * lacks (SL013) and one whose {@code @ValueType} is a String, {@code byte[]}, number or boolean
     * (SL014: those are stored as the bytes every Redis client reads, so {@code INCR} works from
     * both sides, and never reach a codec).
     *
     * @param component the component's name (its field's name)
     * @param codec the codec
     * @return this builder
     */
    public Builder codec(String component, ValueCodec codec) {
      codecs.put(
          Objects.requireNonNull(component, "component"), Objects.requireNonNull(codec, "codec"));
      return this;
    }

    /**
     * Sets the strategy of keys whose component names none ({@code @UseStrategy}).
     *
     * @param strategy the default strategy
     * @return this builder
     */
    public Builder strategy(Strategy strategy) {
      this.strategy = Objects.requireNonNull(strategy, "strategy");
      return this;
    }

    /**
     * Installs a custom placement and invalidation policy; see {@link CacheStrategy}.
     *
     * @param strategy the policy
     * @return this builder
     */
    public Builder strategy(CacheStrategy strategy) {
      this.custom = Objects.requireNonNull(strategy, "strategy");
      return this;
    }

    /**
     * Sets the clock of in-process TTLs (tests use a manual one). Redis expires keys by its own
     * clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Publishes the cache's meters to a Micrometer {@code MeterRegistry}, and turns on counting of
     * gets, puts and evictions per component and layer and the timing of each layer's calls (off
     * otherwise, to keep in-process hits as cheap as Caffeine's): Micrometer's cache meters {@code
     * cache.gets} (tags cache, layer, result), {@code cache.puts}, {@code cache.evictions}, {@code
     * cache.size} (tags cache, layer), the timers {@code stateless.layer.latency} (tags layer,
     * operation) and {@code stateless.invalidation.lag} (tag layer), and {@code
     * stateless.invalidations} (tag event: sent, received, replayed, missed), {@code
     * stateless.fill.races.avoided}, {@code stateless.offline.conflicts}, {@code
     * stateless.offline.pending}; every meter is also tagged {@code name} with the manifest's name
     * (docs/runtime.md, "Metrics", says what each counts). Micrometer is an optional dependency:
     * only callers of this method need it.
     *
     * @param registry an {@code io.micrometer.core.instrument.MeterRegistry}
     * @return this builder
     * @throws IllegalArgumentException if {@code registry} is not a MeterRegistry
     */
    public Builder meterRegistry(Object registry) {
      Objects.requireNonNull(registry, "registry");
      boolean isRegistry;
      try {
        isRegistry =
            Class.forName("io.micrometer.core.instrument.MeterRegistry").isInstance(registry);
      } catch (ClassNotFoundException e) {
        isRegistry = false;
      }
      if (!isRegistry) {
        throw new IllegalArgumentException(
            "not a Micrometer MeterRegistry: " + registry.getClass().getName());
      }
      this.meterRegistry = registry;
      return this;
    }

    /**
     * Spreads expiries: every TTL a write sets (a component's {@code @Ttl}, a {@link SetOptions}
     * TTL) is shortened by a uniformly random part of at most {@code fraction} of it, so entries
     * written together do not all expire together (and reload together). An entry never outlives
     * its declared TTL: with 10 s and 0.2 it lives between 8 and 10 seconds. {@link
     * StatelessCache#expire} sets exactly the TTL given. Off (0) by default.
     *
     * @param fraction 0 to turn it off, or the largest part of a TTL cut off, in (0, 1)
     * @return this builder
     * @throws IllegalArgumentException if {@code fraction} is not 0 and not in (0, 1)
     */
    public Builder ttlJitter(double fraction) {
      if (!(fraction == 0 || (fraction > 0 && fraction < 1))) {
        throw new IllegalArgumentException(
            "ttlJitter must be 0 (off) or between 0 and 1 (exclusive) but was " + fraction);
      }
      this.ttlJitter = fraction;
      return this;
    }

    /**
     * Caches misses: when a read reaches the key's owner layer and finds no value, an "absent"
     * marker is left in the nearer in-process layers where the key's copies may live
     * ({@code @Backfill}, {@code CLIENT_FIRST}, {@code EDGE_OPTIMIZED}), for {@code ttl} but never
     * longer than the owner's {@code @Ttl}, so reads of a missing key within that time answer
     * {@code null} without calling the owner's layer (Redis). Every write, delete or invalidation
     * of the key, on this node or another one, drops the marker as it drops a copy. Off by default.
     *
     * @param ttl how long a marker is kept, positive
     * @return this builder
     * @throws StatelessException SL012 if {@code ttl} is zero or negative
     */
    public Builder negativeCaching(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      this.negativeCaching =
          Literals.checkTtl(ttl, "ttl of StatelessCache.Builder.negativeCaching");
      return this;
    }

    /**
     * Validates the manifest and the layers, connects the stores and returns the cache, once the
     * warm-up is done: the keys of every {@code @Prefetch} pattern are read from their owner's
     * Redis layer (by {@code SCAN}, 500 keys a step) and copied, with the owner's remaining TTL,
     * into the nearest in-process layer nearer than it (an in-process region bounded by
     * {@code @MaxSize} is filled up to its bound, never evicted from), so the first reads are
     * local.
     *
     * @return the cache
     * @throws StatelessException listing every problem of the manifest and configuration (SL001,
     *     SL005–SL008, SL012, ...) at once
     * @throws CacheNetworkException when a Redis store cannot be reached, also during the warm-up
     *     (the stores are closed again); not when an {@link #offlineQueue(Path) offline queue} file
     *     lets the cache start while Redis is down
     * @throws CacheTimeoutException when Redis does not answer the warm-up's reads in time
     * @throws IllegalArgumentException when two layers are given the same store or Redis database
     * @throws IllegalStateException when the {@link #offlineQueue(Path) offline queue} file cannot
     *     be opened (unreadable, or open in another process)
     */
    public StatelessCache build() {
      List<Diagnostic> problems = new ArrayList<>();
      for (Diagnostic d : manifest.validate()) {
        if (d.severity() == Diagnostic.Severity.ERROR) {
          problems.add(d);
        }
      }
      for (CacheLayer layer : CacheLayer.values()) {
        if (stores[layer.ordinal()] != null && !manifest.layers().contains(layer)) {
          problems.add(Errors.storeForMissingLayer(layer, manifest));
        }
        for (CacheLayer other : CacheLayer.values()) {
          LayerStore a = stores[layer.ordinal()];
          LayerStore b = stores[other.ordinal()];
          if (layer.ordinal() < other.ordinal()
              && a != null
              && b != null
              && (a == b || (a.isShared() && a.describe().equals(b.describe())))) {
            throw new IllegalArgumentException(
                "the "
                    + layer
                    + " and "
                    + other
                    + " layers both use "
                    + a.describe()
                    + ": a copy and its primary would be one key; give each layer its own store"
                    + " (another server, or another database: redis://host:port/1)");
          }
        }
      }
      Rights base =
          Rights.builder(manifest)
              .name("this cache")
              .actsForAllOwners()
              .strategy(strategy)
              .unownedKeysAllowed(manifest.isEmpty() || strategy == Strategy.REDIS_COMPATIBLE)
              .build();
      for (Diagnostic d : AccessRules.checkDeclaration(base)) {
        if (d.severity() == Diagnostic.Severity.ERROR) {
          problems.add(d);
        }
      }
      if (!problems.isEmpty()) {
        throw new StatelessException(problems);
      }
      LongSupplier nanoTime = clock == null ? System::nanoTime : nanosOf(clock);
      @Nullable CaffeineStore[] local = new CaffeineStore[stores.length];
      @Nullable RemoteStore[] remote = new RemoteStore[stores.length];
      for (int i = 0; i < stores.length; i++) {
        if (stores[i] != null) {
          local[i] = stores[i].local();
          remote[i] = stores[i].remote();
        }
      }
      Engine engine =
          new Engine(
              new Engine.Settings(
                  manifest,
                  local,
                  remote,
                  codec,
                  Map.copyOf(codecs),
                  custom,
                  strategy,
                  nanoTime,
                  meterRegistry != null,
                  ttlJitter,
                  negativeCaching == null ? 0 : Writes.nanos(negativeCaching),
                  offlineQueue,
                  onConflict,
                  removalCommitDelay.toNanos(),
                  saturatedNanos(closeTimeout)));
      engine.start();
      if (meterRegistry != null) {
        try {
          MicrometerBinder.bind(engine, meterRegistry);
        } catch (RuntimeException e) {
          engine.close();
          throw e;
        }
      }
      return new StatelessCache(
          engine,
          base,
          null,
          null,
          false,
          true,
          new ScopedEntries(engine.writes(), "cache", false));
    }

    private static long saturatedNanos(Duration d) {
      try {
        return d.toNanos();
      } catch (ArithmeticException tooLong) {
        return Long.MAX_VALUE; // about 292 years: no bound
      }
    }

    private static LongSupplier nanosOf(Clock clock) {
      return () -> {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
      };
    }
  }
}
