package dev.stateless;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Strategy;
import dev.stateless.core.Manifest;
import dev.stateless.core.StatelessException;
import dev.stateless.internal.Futures;
import dev.stateless.internal.Lifecycle;
import dev.stateless.internal.Loads;
import dev.stateless.internal.Reads;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The blocking view of a {@link StatelessCache}: the same methods, returning the result and
 * throwing the failure ({@link StatelessException} and its subtypes) directly. A read that an
 * in-process layer answers does not allocate.
 *
 * <p>Thread-safe.
 */
public final class SyncCache {
  private final StatelessCache async;
  private final Reads reads;
  private final Lifecycle lifecycle;
  private final Loads loads;

  SyncCache(StatelessCache async) {
    this.async = async;
    this.reads = async.engine().reads();
    this.lifecycle = async.engine().lifecycle();
    this.loads = async.engine().loads();
  }

  /**
   * Returns the asynchronous cache (or view) this view blocks on.
   *
   * @return the asynchronous view
   */
  public StatelessCache async() {
    return async;
  }

  /**
   * Returns the manifest the cache enforces.
   *
   * @return the manifest
   */
  public Manifest manifest() {
    return async.manifest();
  }

  /**
   * Reads a key; see {@link StatelessCache#get(String)}.
   *
   * @param key the key
   * @return the value, or {@code null} when absent
   */
  public @Nullable Object get(String key) {
    Objects.requireNonNull(key, "key");
    if (async.via() == null && !async.readsRedisForms() && !lifecycle.isClosed()) {
      Object local = reads.getLocal(key);
      if (!Reads.isMiss(local)) {
        return local;
      }
    }
    return Futures.join(async.get(key));
  }

  /**
   * Reads a key as a type; see {@link StatelessCache#get(String, Class)}.
   *
   * @param key the key
   * @param type the expected type
   * @param <T> the value's type
   * @return the value, or {@code null} when absent
   * @throws ValueCodecException when the key holds text that is no such value
   * @throws ClassCastException when the value has another type
   */
  public <T> @Nullable T get(String key, Class<T> type) {
    Objects.requireNonNull(type, "type");
    return Futures.join(async.get(key, type));
  }

  /**
   * Writes a key; see {@link StatelessCache#set(String, Object)}.
   *
   * @param key the key
   * @param value the value
   * @return {@code true} when written
   */
  public boolean set(String key, Object value) {
    return Futures.join(async.set(key, value));
  }

  /**
   * Writes a key with options; see {@link StatelessCache#set(String, Object, SetOptions)}.
   *
   * @param key the key
   * @param value the value
   * @param options the options
   * @return {@code true} when written, {@code false} when the condition did not hold
   */
  public boolean set(String key, Object value, SetOptions options) {
    return Futures.join(async.set(key, value, options));
  }

  /**
   * Writes a key with a strategy; see {@link StatelessCache#setWithStrategy}.
   *
   * @param key the key
   * @param value the value
   * @param strategy the strategy
   * @return {@code true} when written
   */
  public boolean setWithStrategy(String key, Object value, Strategy strategy) {
    return Futures.join(async.setWithStrategy(key, value, strategy));
  }

  /**
   * Deletes a key; see {@link StatelessCache#del(String)}.
   *
   * @param key the key
   * @return whether the owner's layer held it
   */
  public boolean del(String key) {
    return Futures.join(async.del(key));
  }

  /**
   * Tells whether a key holds a value.
   *
   * @param key the key
   * @return whether it exists
   */
  public boolean exists(String key) {
    return get(key) != null;
  }

  /**
   * Writes a value of a {@code @Streaming} component from a stream, chunk by chunk; see {@link
   * StatelessCache#setStream(String, java.io.InputStream)}.
   *
   * @param key the key
   * @param data the value's bytes, read to the end and not closed
   */
  public void setStream(String key, java.io.InputStream data) {
    Futures.join(async.setStream(key, data));
  }

  /**
   * Reads a value of a {@code @Streaming} component as a stream; see {@link
   * StatelessCache#stream(String)}.
   *
   * @param key the key
   * @return the value's bytes, or {@code null} when absent
   */
  public java.io.InputStream stream(String key) {
    return Futures.join(async.stream(key));
  }

  /**
   * Drops every key a pattern matches; see {@link StatelessCache#invalidatePattern(String)}.
   *
   * @param pattern the key pattern
   * @return how many entries were dropped
   */
  public long invalidatePattern(String pattern) {
    return Futures.join(async.invalidatePattern(pattern));
  }

  /**
   * Sets a key's time to live; see {@link StatelessCache#expire(String, Duration)}.
   *
   * @param key the key
   * @param ttl the time to live
   * @return whether the key exists
   */
  public boolean expire(String key, Duration ttl) {
    return Futures.join(async.expire(key, ttl));
  }

  /**
   * Returns a key's remaining time to live; see {@link StatelessCache#ttlMillis(String)}.
   *
   * @param key the key
   * @return milliseconds left, {@code -1} when it never expires, {@code -2} when absent
   */
  public long ttlMillis(String key) {
    return Futures.join(async.ttlMillis(key));
  }

  /**
   * Adds to an integer value; see {@link StatelessCache#increment(String, long)}.
   *
   * @param key the key
   * @param delta the amount
   * @return the new value
   */
  public long increment(String key, long delta) {
    return Futures.join(async.increment(key, delta));
  }

  /**
   * Lists keys matching a Redis glob; see {@link StatelessCache#scan(String)}.
   *
   * @param glob the glob
   * @return the keys, sorted
   */
  public List<String> scan(String glob) {
    return Futures.join(async.scan(glob));
  }

  /**
   * Reads, changes and writes a key with no lost update; see {@link
   * StatelessCache#atomicUpdate(String, UnaryOperator)}.
   *
   * @param key the key
   * @param fn the change
   * @param <V> the value's type
   * @return the new value
   */
  public <V> @Nullable V atomicUpdate(String key, UnaryOperator<@Nullable V> fn) {
    return Futures.<@Nullable V>join(async.<V>atomicUpdate(key, fn));
  }

  /**
   * Reads, changes and writes a key with no lost update, giving it a new TTL; see {@link
   * StatelessCache#atomicUpdate(String, UnaryOperator, SetOptions)}.
   *
   * @param key the key
   * @param fn the change
   * @param options the new value's TTL
   * @param <V> the value's type
   * @return the new value
   */
  public <V> @Nullable V atomicUpdate(
      String key, UnaryOperator<@Nullable V> fn, SetOptions options) {
    return Futures.<@Nullable V>join(async.<V>atomicUpdate(key, fn, options));
  }

  /**
   * Reads a key and, when it is absent, loads and writes it; see {@link StatelessCache#get(String,
   * Function)}. The loader runs on the calling thread (when this call is the one that loads).
   *
   * @param key the key
   * @param loader computes the value from the key; {@code null} for none (nothing is written)
   * @param <V> the value's type
   * @return the value, read or loaded
   */
  public <V> @Nullable V get(String key, Function<? super String, ? extends @Nullable V> loader) {
    return get(key, loader, Loads.DEFAULT_WAIT);
  }

  /**
   * Reads a key and, when it is absent, loads and writes it, waiting up to {@code maxWait} for a
   * load another caller runs; see {@link StatelessCache#get(String, Function, Duration)}. The
   * loader runs on the calling thread (when this call is the one that loads).
   *
   * @param key the key
   * @param loader computes the value from the key; {@code null} for none (nothing is written)
   * @param maxWait how long to wait for a load another caller runs
   * @param <V> the value's type
   * @return the value, read or loaded
   * @throws CacheTimeoutException SL101 when another caller's load did not end within {@code
   *     maxWait}
   */
  public <V> @Nullable V get(
      String key, Function<? super String, ? extends @Nullable V> loader, Duration maxWait) {
    Loads.Runner here = loads.callingThread();
    return here.<@Nullable V>await(async.<V>load(key, loader, maxWait, here));
  }

  /**
   * The {@link java.util.Map} name of {@link #get(String, Function)}: the same call.
   *
   * @param key the key
   * @param loader computes the value from the key; {@code null} for none (nothing is written)
   * @param <V> the value's type
   * @return the value, read or loaded
   */
  public <V> @Nullable V computeIfAbsent(
      String key, Function<? super String, ? extends @Nullable V> loader) {
    return get(key, loader);
  }

  /**
   * Applies several writes all together or not at all; see {@link
   * StatelessCache#atomicBatch(Consumer)}.
   *
   * @param body records the writes
   */
  public void atomicBatch(Consumer<CacheTransaction> body) {
    Futures.join(async.atomicBatch(body));
  }

  /**
   * Returns the blocking form of {@link StatelessCache#layer(CacheLayer)}.
   *
   * @param layer the layer
   * @return the view
   */
  public SyncCache layer(CacheLayer layer) {
    return async.layer(layer).sync();
  }

  /**
   * Returns the blocking form of {@link StatelessCache#component(String)}.
   *
   * @param name the component's name
   * @return the view
   */
  public SyncCache component(String name) {
    return async.component(name).sync();
  }

  /**
   * Returns the blocking form of {@link StatelessCache#withStrategy(Strategy)}.
   *
   * @param strategy the strategy
   * @return the view
   */
  public SyncCache withStrategy(Strategy strategy) {
    return async.withStrategy(strategy).sync();
  }

  /**
   * Waits until every {@code CLIENT_FIRST} write queued before the call has been drained to its
   * owner's layer; see {@link StatelessCache#flush()}.
   */
  public void flush() {
    Futures.join(async.flush());
  }

  /**
   * Returns how many {@code CLIENT_FIRST} writes are still queued; see {@link
   * StatelessCache#pendingWrites()}.
   *
   * @return the number of queued writes
   */
  public long pendingWrites() {
    return async.pendingWrites();
  }

  @Override
  public String toString() {
    return async + ".sync()";
  }
}
