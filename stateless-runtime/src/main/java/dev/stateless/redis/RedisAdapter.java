package dev.stateless.redis;

import dev.stateless.SetOptions;
import dev.stateless.StatelessCache;
import dev.stateless.annotation.Strategy;
import dev.stateless.core.Diagnostic;
import dev.stateless.core.Literals;
import dev.stateless.core.StatelessException;
import dev.stateless.internal.Errors;
import dev.stateless.internal.JsonCodec;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Redis command names over a {@link StatelessCache}: the migration path from plain Redis (seed 000
 * §8). Start with {@code withStrategy(Strategy.REDIS_COMPATIBLE)}, which accepts keys no component
 * owns; add a manifest, and calls that break ownership fail with the same coded errors as the rest
 * of the SDK (SL002 for a borrowed key, SL003 for a key nobody owns, ...).
 *
 * <pre>{@code
 * RedisAdapter redis = new RedisAdapter(cache).withStrategy(Strategy.REDIS_COMPATIBLE);
 * redis.set("key", "value").join();
 * redis.set("session:1", "token", "EX", "60", "NX").join();
 * Object value = redis.get("key").join();
 * }</pre>
 *
 * <p>Replies follow Redis: {@code "OK"} or {@code null} for {@code SET}, counts for {@code DEL} and
 * {@code EXISTS}, seconds with {@code -1}/{@code -2} for {@code TTL}. Values keep their Java type
 * as the key's component declares them ({@code @ValueType}); keys of an untyped component read back
 * from Redis are text, as in Redis (a {@code Long} written is {@code "5"} read). Every method
 * returns a future that fails with a {@link StatelessException} rather than throwing; only a {@code
 * null} argument (or a {@code null} in an array or map argument) throws {@link
 * NullPointerException} at once, naming it, before any command is sent. Hashes ({@code hset},
 * {@code hget}, {@code hgetall}, {@code hdel}) are one {@code Map<String, String>} value each,
 * changed atomically and stored as one JSON object (not a Redis hash: other clients {@code GET}
 * it); lists and sets are not offered.
 *
 * <p>Thread-safe.
 */
public final class RedisAdapter {
  private volatile StatelessCache cache;

  /**
   * Creates an adapter over a cache or one of its views.
   *
   * @param cache the cache
   */
  public RedisAdapter(StatelessCache cache) {
    this.cache = Objects.requireNonNull(cache, "cache");
  }

  /**
   * Makes this adapter's later calls follow a strategy, as the seed's {@code
   * redis_cache.with_strategy(Strategy::RedisCompatible)} does; {@link Strategy#REDIS_COMPATIBLE}
   * accepts keys no component owns. Calls already started are not affected.
   *
   * @param strategy the strategy
   * @return this adapter, for chaining
   * @throws StatelessException SL007 when the strategy needs a layer the cache lacks
   */
  public RedisAdapter withStrategy(Strategy strategy) {
    this.cache = cache.withStrategy(strategy);
    return this;
  }

  /**
   * Returns the cache (view) this adapter calls.
   *
   * @return the cache
   */
  public StatelessCache cache() {
    return cache;
  }

  /**
   * {@code GET key}.
   *
   * @param key the key
   * @return the value, or {@code null}
   */
  public CompletableFuture<Object> get(String key) {
    return cache.get(key);
  }

  /**
   * {@code SET key value}.
   *
   * @param key the key
   * @param value the value
   * @return {@code "OK"}
   */
  public CompletableFuture<String> set(String key, Object value) {
    return set(key, value, SetOptions.none());
  }

  /**
   * {@code SET key value [EX seconds | PX milliseconds] [NX | XX]}, options as Redis spells them
   * (any case).
   *
   * @param key the key
   * @param value the value
   * @param options the options, e.g. {@code "EX", "60", "NX"}
   * @return {@code "OK"}, or {@code null} when {@code NX}/{@code XX} did not hold; fails with SL012
   *     when the options are malformed
   */
  public CompletableFuture<String> set(String key, Object value, String... options) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(options, "options");
    SetOptions parsed;
    try {
      parsed = parseSetOptions(options);
    } catch (StatelessException e) {
      return CompletableFuture.failedFuture(e);
    }
    return set(key, value, parsed);
  }

  /**
   * {@code SET} with typed options.
   *
   * @param key the key
   * @param value the value
   * @param options the options
   * @return {@code "OK"}, or {@code null} when the condition did not hold
   */
  public CompletableFuture<String> set(String key, Object value, SetOptions options) {
    return cache.set(key, value, options).thenApply(written -> written ? "OK" : null);
  }

  /**
   * {@code DEL key [key ...]}.
   *
   * @param keys the keys
   * @return how many existed
   */
  public CompletableFuture<Long> del(String... keys) {
    StatelessException malformed = checkKeys(keys);
    return malformed != null
        ? CompletableFuture.failedFuture(malformed)
        : sum(keys, k -> cache.del(k));
  }

  /**
   * {@code EXISTS key [key ...]}.
   *
   * @param keys the keys
   * @return how many exist
   */
  public CompletableFuture<Long> exists(String... keys) {
    StatelessException malformed = checkKeys(keys);
    return malformed != null
        ? CompletableFuture.failedFuture(malformed)
        : sum(keys, k -> cache.exists(k));
  }

  /**
   * {@code MGET key [key ...]}.
   *
   * @param keys the keys
   * @return the values in order, {@code null} for absent keys
   */
  public CompletableFuture<List<Object>> mget(String... keys) {
    StatelessException malformed = checkKeys(keys);
    if (malformed != null) {
      return CompletableFuture.failedFuture(malformed);
    }
    List<CompletableFuture<Object>> reads = new ArrayList<>(keys.length);
    for (String k : keys) {
      reads.add(cache.get(k));
    }
    return CompletableFuture.allOf(reads.toArray(new CompletableFuture<?>[0]))
        .thenApply(
            v -> {
              List<Object> out = new ArrayList<>(reads.size());
              reads.forEach(r -> out.add(r.join()));
              return out;
            });
  }

  /**
   * {@code MSET key value [key value ...]}: all written together or none, as one {@link
   * StatelessCache#atomicBatch atomicBatch}. Every key is checked against the cache's rights before
   * anything is written. Keys whose owners live in different stores (an in-process layer and Redis)
   * cannot be written atomically and fail with SL105, writing nothing. On Redis Cluster, keys of
   * several hash slots are written one atomic step per slot, as Redis Cluster clients do.
   *
   * @param entries the keys and values
   * @return {@code "OK"}
   */
  public CompletableFuture<String> mset(Map<String, ?> entries) {
    Objects.requireNonNull(entries, "entries");
    entries.forEach(
        (k, v) -> {
          Objects.requireNonNull(k, "entries holds a null key");
          Objects.requireNonNull(v, () -> "entries holds a null value for \"" + k + "\"");
        });
    return cache
        .atomicBatch(tx -> entries.forEach(tx::set))
        .exceptionallyCompose(
            e ->
                unwrap(e) instanceof Errors.CrossSlotException
                    ? msetBySlot(entries)
                    : CompletableFuture.failedFuture(e))
        .thenApply(v -> "OK");
  }

  /**
   * MSET on Redis Cluster, which applies one atomic step only within a hash slot: one atomicBatch
   * per slot, as Redis Cluster clients split MSET (each slot's keys together, the slots not).
   */
  private CompletableFuture<Void> msetBySlot(Map<String, ?> entries) {
    Map<Integer, Map<String, Object>> bySlot = new java.util.LinkedHashMap<>();
    entries.forEach(
        (k, v) ->
            bySlot
                .computeIfAbsent(SlotHash.getSlot(k), s -> new java.util.LinkedHashMap<>())
                .put(k, v));
    List<CompletableFuture<Void>> parts = new java.util.ArrayList<>();
    for (Map<String, Object> slot : bySlot.values()) {
      parts.add(cache.atomicBatch(tx -> slot.forEach(tx::set)));
    }
    return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]));
  }

  private static Throwable unwrap(Throwable e) {
    return e instanceof java.util.concurrent.CompletionException && e.getCause() != null
        ? e.getCause()
        : e;
  }

  /**
   * {@code HSET key field value}. A hash is one value, a {@code Map<String, String>}, changed with
   * {@link StatelessCache#atomicUpdate atomicUpdate}, so concurrent field writes from any node are
   * never lost.
   *
   * @param key the key
   * @param field the field
   * @param value the field's value
   * @return 1 when the field is new, 0 when it was updated; fails with SL105 when the key holds
   *     something other than a hash, and with SL011 when this cache may not update the key
   */
  public CompletableFuture<Long> hset(String key, String field, String value) {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(value, "value");
    return hset(key, Map.of(field, value));
  }

  /**
   * {@code HSET key field value [field value ...]}.
   *
   * @param key the key
   * @param fields the fields and their values
   * @return how many fields were new
   */
  public CompletableFuture<Long> hset(String key, Map<String, String> fields) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(fields, "fields");
    fields.forEach(
        (f, v) -> {
          Objects.requireNonNull(f, "fields holds a null field");
          Objects.requireNonNull(v, () -> "fields holds a null value for \"" + f + "\"");
        });
    if (fields.isEmpty()) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("hset needs at least one field, as in Redis"));
    }
    Map<String, String> copy = new LinkedHashMap<>(fields);
    long[] added = new long[1];
    return cache
        .<Object>atomicUpdate(
            key,
            cur -> {
              Map<String, String> next = new LinkedHashMap<>(hash(key, cur, "hset"));
              long n = 0;
              for (Map.Entry<String, String> e : copy.entrySet()) {
                n += next.put(e.getKey(), e.getValue()) == null ? 1 : 0;
              }
              added[0] = n; // the last run's count is the one that was written
              return next;
            })
        .thenApply(v -> added[0]);
  }

  /**
   * {@code HGET key field}.
   *
   * @param key the key
   * @param field the field
   * @return the field's value, or {@code null} when the key or the field is absent
   */
  public CompletableFuture<String> hget(String key, String field) {
    Objects.requireNonNull(field, "field");
    return hgetall(key).thenApply(m -> m.get(field));
  }

  /**
   * {@code HGETALL key}.
   *
   * @param key the key
   * @return the fields in the order they were first set; empty when the key is absent
   */
  public CompletableFuture<Map<String, String>> hgetall(String key) {
    return cache.get(key).thenApply(v -> hash(key, v, "hgetall"));
  }

  /**
   * {@code HDEL key field [field ...]}; removing the last field deletes the key, as in Redis.
   *
   * @param key the key
   * @param fields the fields
   * @return how many fields were removed
   */
  public CompletableFuture<Long> hdel(String key, String... fields) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(fields, "fields");
    for (int i = 0; i < fields.length; i++) {
      Objects.requireNonNull(fields[i], "fields[" + i + "]");
    }
    List<String> gone = List.of(fields);
    long[] removed = new long[1];
    // Nothing to remove: no write (and no invalidation), as Redis does nothing either.
    return hgetall(key)
        .thenCompose(
            present ->
                gone.stream().noneMatch(present::containsKey)
                    ? CompletableFuture.completedFuture(0L)
                    : hdelPresent(key, gone, removed));
  }

  private CompletableFuture<Long> hdelPresent(String key, List<String> gone, long[] removed) {
    return cache
        .<Object>atomicUpdate(
            key,
            cur -> {
              Map<String, String> next = new LinkedHashMap<>(hash(key, cur, "hdel"));
              long n = 0;
              for (String f : gone) {
                n += next.remove(f) != null ? 1 : 0;
              }
              removed[0] = n;
              return next.isEmpty() ? null : next;
            })
        .thenApply(v -> removed[0]);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> hash(String key, @Nullable Object value, String command) {
    if (value == null) {
      return Map.of();
    }
    if (value instanceof Map) {
      return (Map<String, String>) value;
    }
    if (value instanceof String json && json.startsWith("{")) {
      try {
        return JsonCodec.stringMap(json); // a hash read back from Redis: its JSON object
      } catch (StatelessException notAHash) {
        // not an object of texts: refused below
      }
    }
    throw new StatelessException(
        List.of(
            Diagnostic.error(
                dev.stateless.core.Code.SL105,
                command
                    + " on \""
                    + key
                    + "\", which holds a "
                    + value.getClass().getSimpleName()
                    + ", not a hash",
                "use the hash commands only on keys written with hset (or a Map<String, String>)",
                List.of())));
  }

  /**
   * {@code EXPIRE key seconds}.
   *
   * @param key the key
   * @param seconds the time to live; zero or less deletes the key, as in Redis
   * @return whether the key exists
   */
  public CompletableFuture<Boolean> expire(String key, long seconds) {
    return seconds > 0 ? cache.expire(key, Duration.ofSeconds(seconds)) : cache.del(key);
  }

  /**
   * {@code PEXPIRE key milliseconds}.
   *
   * @param key the key
   * @param millis the time to live; zero or less deletes the key, as in Redis
   * @return whether the key exists
   */
  public CompletableFuture<Boolean> pexpire(String key, long millis) {
    return millis > 0 ? cache.expire(key, Duration.ofMillis(millis)) : cache.del(key);
  }

  /**
   * {@code TTL key}.
   *
   * @param key the key
   * @return seconds left (rounded up), {@code -1} when it never expires, {@code -2} when absent
   */
  public CompletableFuture<Long> ttl(String key) {
    return cache.ttlMillis(key).thenApply(ms -> ms < 0 ? ms : (ms + 999) / 1000);
  }

  /**
   * {@code PTTL key}.
   *
   * @param key the key
   * @return milliseconds left, {@code -1} when it never expires, {@code -2} when absent
   */
  public CompletableFuture<Long> pttl(String key) {
    return cache.ttlMillis(key);
  }

  /**
   * {@code INCR key}.
   *
   * @param key the key
   * @return the new value
   */
  public CompletableFuture<Long> incr(String key) {
    return cache.increment(key, 1);
  }

  /**
   * {@code INCRBY key delta}.
   *
   * @param key the key
   * @param delta the amount
   * @return the new value
   */
  public CompletableFuture<Long> incrby(String key, long delta) {
    return cache.increment(key, delta);
  }

  /**
   * {@code DECR key}.
   *
   * @param key the key
   * @return the new value
   */
  public CompletableFuture<Long> decr(String key) {
    return cache.increment(key, -1);
  }

  /**
   * {@code DECRBY key delta}.
   *
   * @param key the key
   * @param delta the amount
   * @return the new value
   */
  public CompletableFuture<Long> decrby(String key, long delta) {
    Objects.requireNonNull(key, "key");
    if (delta == Long.MIN_VALUE) { // its negation is no long: Redis refuses it too
      return CompletableFuture.failedFuture(Errors.incrementOverflow("decrby", key, delta, null));
    }
    return cache.increment(key, -delta);
  }

  /**
   * {@code SCAN} with {@code MATCH glob}, iterated to the end: every key matching the glob. Redis
   * is walked in batches, never with {@code KEYS}.
   *
   * @param glob a Redis glob such as {@code "user:*"}
   * @return the keys, sorted
   */
  public CompletableFuture<List<String>> scan(String glob) {
    return cache.scan(glob);
  }

  /**
   * {@code KEYS glob}, answered with {@code SCAN} so Redis is never blocked.
   *
   * @param glob a Redis glob
   * @return the keys, sorted
   */
  public CompletableFuture<List<String>> keys(String glob) {
    return cache.scan(glob);
  }

  /**
   * Checks every key of a multi-key call before any command is sent, so one bad key means none is
   * deleted (as Redis's one command): a null throws at once; a malformed key (SL012) is returned.
   */
  private static @Nullable StatelessException checkKeys(String[] keys) {
    Objects.requireNonNull(keys, "keys");
    for (int i = 0; i < keys.length; i++) {
      Objects.requireNonNull(keys[i], "keys[" + i + "]");
    }
    for (String k : keys) {
      try {
        Literals.checkKey(k);
      } catch (StatelessException e) {
        return e;
      }
    }
    return null;
  }

  private static CompletableFuture<Long> sum(
      String[] keys, java.util.function.Function<String, CompletableFuture<Boolean>> op) {
    List<CompletableFuture<Boolean>> calls = new ArrayList<>(keys.length);
    for (String k : keys) {
      calls.add(op.apply(k));
    }
    return CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0]))
        .thenApply(
            v -> {
              long n = 0;
              for (CompletableFuture<Boolean> c : calls) {
                n += c.join() ? 1 : 0;
              }
              return n;
            });
  }

  /** Parses SET's options the way Redis does, refusing what Redis refuses. */
  static SetOptions parseSetOptions(String... options) {
    SetOptions out = SetOptions.none();
    boolean ttl = false;
    boolean condition = false;
    for (int i = 0; i < options.length; i++) {
      String o = Objects.requireNonNull(options[i], "option").toUpperCase(Locale.ROOT);
      switch (o) {
        case "EX", "PX" -> {
          if (ttl || i + 1 >= options.length) {
            throw malformed(options, o + " needs one number and may appear once");
          }
          long n = number(options, options[++i]);
          out = out.withTtl(o.equals("EX") ? Duration.ofSeconds(n) : Duration.ofMillis(n));
          ttl = true;
        }
        case "NX", "XX" -> {
          if (condition) {
            throw malformed(options, "NX and XX exclude each other");
          }
          out = o.equals("NX") ? out.ifAbsent() : out.ifPresent();
          condition = true;
        }
        default -> throw malformed(options, "unknown option " + options[i]);
      }
    }
    return out;
  }

  private static long number(String[] options, String text) {
    try {
      long n = Long.parseLong(text);
      if (n <= 0) {
        throw malformed(options, "the expire time must be positive, not " + text);
      }
      return n;
    } catch (NumberFormatException e) {
      throw malformed(options, "not a number: " + text);
    }
  }

  private static StatelessException malformed(String[] options, String problem) {
    return new StatelessException(
        List.of(
            Diagnostic.error(
                dev.stateless.core.Code.SL012,
                "malformed SET options " + String.join(" ", options) + ": " + problem,
                "write them as Redis does: [EX seconds | PX milliseconds] [NX | XX]",
                List.of())));
  }
}
