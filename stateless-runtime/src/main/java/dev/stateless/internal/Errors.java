package dev.stateless.internal;

import dev.stateless.CacheNetworkException;
import dev.stateless.CacheTimeoutException;
import dev.stateless.CapacityException;
import dev.stateless.InvalidStateException;
import dev.stateless.StaleDataException;
import dev.stateless.ValueCodecException;
import dev.stateless.VersionConflictException;
import dev.stateless.core.Code;
import dev.stateless.core.Diagnostic;
import dev.stateless.core.Literals;
import dev.stateless.core.StatelessException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/** The one factory of the runtime's failures (SL1xx): every message and help line is here. */
public final class Errors {
  private Errors() {}

  public static CacheNetworkException unreachable(String store, @Nullable Throwable cause) {
    String why = rootMessage(cause);
    if (anyInChain(cause, Errors::refusedCredentials)) {
      return new CacheNetworkException(
          Diagnostic.error(
              Code.SL100,
              store + " refused the credentials: " + why,
              "check the user and password in the URI (redis://user:password@host:port, or"
                  + " redis://password@host:port for the default user) and that the user is on"
                  + " with the rights stateless needs (ACL SETUSER user on >password ~* &* +@all)",
              List.of()),
          cause);
    }
    if (anyInChain(cause, t -> t instanceof SSLException || t instanceof CertificateException)) {
      return new CacheNetworkException(
          Diagnostic.error(
              Code.SL100,
              "TLS handshake with " + store + " failed: " + why,
              "trust the CA of the server's certificate: Stores.redis(uri, Path.of(\"ca.pem\")) or"
                  + " -Djavax.net.ssl.trustStore; with verifyPeer=FULL (the default) the"
                  + " certificate must also name the URI's host (?verifyPeer=CA skips that check);"
                  + " and the port must be the server's tls-port",
              List.of()),
          cause);
    }
    return new CacheNetworkException(
        Diagnostic.error(
            Code.SL100,
            "cannot reach " + store + ": " + why,
            "start Redis or fix the URL (STATELESS_REDIS_URL in the examples); calls fail fast"
                + " until it is back, then the connection recovers by itself"
                // a plain port leaves a TLS client waiting for an answer: a timeout, no TLS error
                + (store.startsWith("rediss:") ? "; rediss:// needs the server's tls-port" : ""),
            List.of()),
        cause);
  }

  /** Redis's replies to a wrong or missing password, or a user that is off. */
  private static boolean refusedCredentials(Throwable t) {
    String m = String.valueOf(t.getMessage());
    return m.startsWith("WRONGPASS") || m.startsWith("NOAUTH");
  }

  private static boolean anyInChain(@Nullable Throwable t, Predicate<Throwable> test) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (test.test(c)) {
        return true;
      }
    }
    return false;
  }

  public static CacheTimeoutException timedOut(
      String store, Duration timeout, @Nullable Throwable cause) {
    return new CacheTimeoutException(
        Diagnostic.error(
            Code.SL101,
            store + " did not answer within " + timeout.toMillis() + " ms",
            "check the server's load and latency (redis-cli --latency), or raise the timeout with"
                + " ?timeout=5s in the Redis URI",
            List.of()),
        cause);
  }

  /**
   * {@code get(key, loader)} gave up waiting for a load that another caller runs ({@code holder}:
   * "a node holding its lease in redis://...", "in this process").
   */
  public static CacheTimeoutException loadTimedOut(String key, Duration maxWait, String holder) {
    return new CacheTimeoutException(
        Diagnostic.error(
            Code.SL101,
            "get(\""
                + Literals.printable(key)
                + "\", loader) waited "
                + maxWait.toMillis()
                + " ms for another caller's load of the key ("
                + holder
                + ") and gave up",
            "that loader is slower than maxWait: make it faster, or wait longer with get(key,"
                + " loader, maxWait) (the default wait is "
                + Loads.DEFAULT_WAIT.toSeconds()
                + " s); a lease whose node died expires within "
                + Loads.LEASE_MILLIS / 1000
                + " s, and a waiter then loads the key itself",
            List.of()),
        null);
  }

  /** A negative {@code maxWait} of {@code get(key, loader, maxWait)}. */
  public static StatelessException negativeMaxWait(Duration maxWait) {
    return new StatelessException(
        List.of(
            Diagnostic.error(
                Code.SL012,
                "maxWait of get(key, loader, maxWait) is negative: " + maxWait,
                "give zero (fail at once when another caller is loading the key) or a positive"
                    + " duration, such as Duration.ofSeconds(10)",
                List.of())));
  }

  public static CapacityException valueTooLarge(
      String key, @Nullable String component, long size, long max) {
    return new CapacityException(
        Diagnostic.error(
            Code.SL102,
            "value of "
                + size
                + " bytes for key \""
                + key
                + "\" exceeds @MaxSize of component \""
                + component
                + "\" ("
                + max
                + " bytes)",
            "store it in chunks on a @Streaming component, shrink it, or raise @MaxSize",
            List.of()),
        null);
  }

  /**
   * A value larger than a store takes in one command (Redis: {@code proto-max-bulk-len}), refused
   * before anything is sent or written: Redis would drop the connection, failing every call in
   * flight on it.
   */
  public static CapacityException valueTooLargeForStore(
      String key, long size, long max, String store) {
    return new CapacityException(
        Diagnostic.error(
            Code.SL102,
            "value of "
                + size
                + " bytes (encoded) for key \""
                + shortKey(key)
                + "\" exceeds the "
                + max
                + " bytes Redis takes in one value (proto-max-bulk-len) at "
                + store
                + "; nothing was written",
            "store it in chunks: give its component @Streaming(chunkSize = \"1MB\") and write it"
                + " with setStream(key, inputStream), or shrink it",
            List.of()),
        null);
  }

  /** {@link #crossSlotBatch}: a batch a cluster would apply slot by slot, which it refuses. */
  public static final class CrossSlotException extends InvalidStateException {
    private static final long serialVersionUID = 1L;

    CrossSlotException(dev.stateless.core.Diagnostic diagnostic, @Nullable Throwable cause) {
      super(diagnostic, cause);
    }
  }

  /**
   * An atomicBatch whose keys are in different hash slots of a Redis Cluster, which applies one
   * step atomically only within a slot; refused before anything is sent.
   */
  public static CrossSlotException crossSlotBatch(String first, String other, String store) {
    return new CrossSlotException(
        Diagnostic.error(
            Code.SL105,
            "atomicBatch writes \""
                + shortKey(first)
                + "\" and \""
                + shortKey(other)
                + "\", which are in different hash slots of the Redis Cluster at "
                + store
                + ": a cluster applies one atomic step only within a slot; nothing was written",
            "give the keys one hash tag, the part in braces that alone decides the slot:"
                + " \"cart:{42}:items\" and \"cart:{42}:total\" are in one slot; or write them"
                + " with separate calls",
            List.of()),
        null);
  }

  /** A key longer than a store takes in one command; see {@link #valueTooLargeForStore}. */
  public static CapacityException keyTooLargeForStore(
      String key, long size, long max, String store) {
    return new CapacityException(
        Diagnostic.error(
            Code.SL102,
            "key \""
                + shortKey(key)
                + "\" of "
                + size
                + " bytes (UTF-8) exceeds the "
                + max
                + " bytes Redis takes in one key (proto-max-bulk-len) at "
                + store
                + "; nothing was sent",
            "use a shorter key: keep the long part in the value, or put a hash of it in the key",
            List.of()),
        null);
  }

  /** A key for a message: its start when it is long (a message must not hold a huge key). */
  private static String shortKey(String key) {
    String head = key.length() <= 64 ? key : key.substring(0, 64) + "…";
    return dev.stateless.core.Literals.printable(head);
  }

  public static CapacityException tooManyChunks(
      String key, @Nullable String component, int max, int chunk) {
    return new CapacityException(
        Diagnostic.error(
            Code.SL102,
            "setStream(\""
                + key
                + "\") needs more than "
                + max
                + " chunks of "
                + chunk
                + " bytes (component \""
                + component
                + "\"); nothing was stored",
            "raise @Streaming(chunkSize) so that the largest value fits in "
                + max
                + " chunks (Redis swaps and deletes a value's chunks in one step, which blocks it)",
            List.of()),
        null);
  }

  public static CapacityException storeFull(String store, @Nullable Throwable cause) {
    return new CapacityException(
        Diagnostic.error(
            Code.SL102,
            store + " is out of memory: " + rootMessage(cause),
            "raise maxmemory, or give cache entries TTLs and evict among them (CONFIG SET"
                + " maxmemory-policy volatile-lru), which spares stateless's own __stateless:* keys",
            List.of()),
        cause);
  }

  public static Diagnostic storeForMissingLayer(
      dev.stateless.annotation.CacheLayer layer, dev.stateless.core.Manifest manifest) {
    return Diagnostic.error(
        Code.SL007,
        "a store is configured for the "
            + layer
            + " layer, but manifest "
            + manifest.name()
            + " has only the layers "
            + manifest.layers(),
        "add "
            + layer
            + " to @CacheManifest(layers = ..), or drop ."
            + layer.name().toLowerCase(java.util.Locale.ROOT)
            + "(..) from the builder",
        List.of());
  }

  public static StaleDataException copyNotProvablyFresh(String key, String layer, String store) {
    return new StaleDataException(
        Diagnostic.error(
            Code.SL104,
            "the "
                + layer
                + " copy of \""
                + key
                + "\" cannot be proven fresh: the invalidations of "
                + store
                + " are not being received",
            "read without .layer(..) so the owner's layer answers, or retry once Redis is back",
            List.of()),
        null);
  }

  public static VersionConflictException versionConflict(String key, int attempts) {
    return new VersionConflictException(
        Diagnostic.error(
            Code.SL103,
            "atomicUpdate of \"" + key + "\" lost to concurrent writers " + attempts + " times",
            "reduce contention on the key: split it (counter:{shard}) and sum the parts, or"
                + " update it from fewer places",
            List.of()),
        null);
  }

  public static InvalidStateException batchSpansStores(
      String key,
      dev.stateless.annotation.CacheLayer layer,
      String store,
      String otherKey,
      dev.stateless.annotation.CacheLayer otherLayer,
      String otherStore) {
    return new InvalidStateException(
        Diagnostic.error(
            Code.SL105,
            "atomicBatch spans two stores: \""
                + key
                + "\" is written to "
                + layer
                + " ("
                + store
                + ") and \""
                + otherKey
                + "\" to "
                + otherLayer
                + " ("
                + otherStore
                + "); nothing was written",
            "a batch is atomic within one store: split it in two, or give the owners the same"
                + " layer",
            List.of()),
        null);
  }

  public static CacheTimeoutException queuedWritesFirst(
      String key, String store, Duration timeout) {
    return new CacheTimeoutException(
        Diagnostic.error(
            Code.SL101,
            "atomicUpdate of \""
                + key
                + "\" waits for this node's queued CLIENT_FIRST writes of it, which did not reach "
                + store
                + " within "
                + timeout.toMillis()
                + " ms",
            "retry once Redis is reachable (flush() completes then), or raise ?timeout= in the"
                + " Redis URI",
            List.of()),
        null);
  }

  public static InvalidStateException streamedDeleteInBatch(String key, @Nullable String owner) {
    return new InvalidStateException(
        Diagnostic.error(
            Code.SL105,
            "atomicBatch cannot delete \""
                + key
                + "\": component \""
                + owner
                + "\" is @Streaming and its values are stored in chunks",
            "delete streamed values with del(key), outside the batch",
            List.of()),
        null);
  }

  public static InvalidStateException blockingOnIoThread(String what) {
    return new InvalidStateException(
        Diagnostic.error(
            Code.SL105,
            what + " would wait on Redis's I/O thread, which must deliver the replies it waits for",
            "call it outside Redis callbacks: move the work with thenRunAsync / thenApplyAsync",
            List.of()),
        null);
  }

  public static InvalidStateException scopeClosed(String what) {
    return new InvalidStateException(
        Diagnostic.error(
            Code.SL105,
            "this " + what + " is closed",
            "write scoped entries between opening the "
                + what
                + " and closing it (use"
                + " try-with-resources)",
            List.of()),
        null);
  }

  /** A scope's end failed with something that is not an unchecked exception (a checked cause). */
  public static InvalidStateException scopeEndFailed(String what, @Nullable Throwable cause) {
    return new InvalidStateException(
        Diagnostic.error(
            Code.SL105,
            "closing this " + what + " failed: " + cause,
            "see the cause; the entries the " + what + " wrote may still be there",
            List.of()),
        cause);
  }

  public static StatelessException sessionEntriesWithoutCleanup(List<String> keys) {
    return new StatelessException(
        List.of(
            Diagnostic.error(
                Code.SL010,
                "session entries written without a cleanup callback: "
                    + keys
                    + " (deleted at session end)",
                "write session entries as session.set(key, value).withCleanup(fn)",
                List.of())));
  }

  public static InvalidStateException closed() {
    return new InvalidStateException(
        Diagnostic.error(
            Code.SL105,
            "this StatelessCache is closed",
            "build a new cache, or close it only after the last call",
            List.of()),
        null);
  }

  /**
   * A value the encoder refused: a String that is not well-formed UTF-16 (which UTF-8 cannot hold
   * exactly), or what the component's codec could not encode.
   */
  public static ValueCodecException cannotEncodeValue(
      String key, @Nullable String component, Object value, RuntimeException problem) {
    boolean text =
        value instanceof String || String.valueOf(problemOf(problem)).contains("surrogate");
    return new ValueCodecException(
        Diagnostic.error(
            Code.SL105,
            "cannot store the value of \""
                + shortKey(key)
                + "\" exactly ("
                + Values.typeName(value)
                + (component == null ? "" : ", component \"" + component + "\"")
                + "): "
                + problemOf(problem)
                + "; nothing was written",
            text
                ? "strings are stored as UTF-8, which has no encoding for half a surrogate pair:"
                    + " build them from whole code points (never cut a String between the two"
                    + " chars of a pair, such as an emoji), or store such data as a byte[]"
                : "make the value one the codec can write (JSON: a record, or a class with"
                    + " getters or public fields), or give the component a codec of its own:"
                    + " StatelessCache.builder().codec(\"component\", codec)",
            List.of()),
        problem);
  }

  /** An increment past a long; {@code current}: what the key holds, null when not read. */
  public static InvalidStateException incrementOverflow(
      String operation, String key, long delta, @Nullable Long current) {
    return new InvalidStateException(
        Diagnostic.error(
            Code.SL105,
            operation
                + " of \""
                + shortKey(key)
                + "\" by "
                + delta
                + " overflows a long"
                + (current == null ? "" : " (it holds " + current + ")")
                + "; nothing was written",
            "keep counters within a long, as Redis INCRBY does",
            List.of()),
        null);
  }

  /** What went wrong, without a coded exception's own "error[SLxxx]:" and help lines. */
  static @Nullable String problemOf(Throwable t) {
    return t instanceof StatelessException s ? s.diagnostics().get(0).message() : t.getMessage();
  }

  /** Bytes that are no value of the type the key's component declares (null: untyped). */
  public static ValueCodecException cannotDecode(
      String key, @Nullable ValueType type, @Nullable String problem, @Nullable Throwable cause) {
    return new ValueCodecException(
        Diagnostic.error(
            Code.SL105,
            "cannot read the value of \""
                + shortKey(key)
                + "\""
                + (type == null
                    ? ""
                    : " as "
                        + type.typeName()
                        + (type.component == null ? "" : " (component \"" + type.component + "\")"))
                + ": "
                + problem,
            "the key holds bytes of another form (written by another program, or by 0.1.0 with a"
                + " type tag: see docs/values.md); fix or delete the value, or change the"
                + " component's @ValueType",
            List.of()),
        cause);
  }

  /** An in-process increment past what the component's integer type holds. */
  public static InvalidStateException incrementOverflowOf(String key, long delta, String type) {
    return new InvalidStateException(
        Diagnostic.error(
            Code.SL105,
            "increment of \""
                + shortKey(key)
                + "\" by "
                + delta
                + " overflows a "
                + type
                + "; nothing was written",
            "declare the counter's component with @ValueType Long, or keep it within a " + type,
            List.of()),
        null);
  }

  /** An increment of a component whose values are no integers (nor text). */
  public static InvalidStateException incrementOfType(String key, ValueType type) {
    return new InvalidStateException(
        Diagnostic.error(
            Code.SL014,
            "increment of \""
                + shortKey(key)
                + "\", whose owner \""
                + type.component
                + "\" holds values of type "
                + type.typeName()
                + ", not integers",
            "increment only keys of a component with @ValueType Long (or Integer, Short, Byte,"
                + " BigInteger, String), or of an untyped one",
            List.of()),
        null);
  }

  public static InvalidStateException wrongType(String key, String operation, Object value) {
    return new InvalidStateException(
        Diagnostic.error(
            Code.SL105,
            operation
                + " on \""
                + key
                + "\", which holds a "
                + Values.typeName(value)
                + ", not an integer",
            "use " + operation + " only on keys written with an integer value",
            List.of()),
        null);
  }

  public static InvalidStateException storeRefused(String store, @Nullable Throwable cause) {
    return new InvalidStateException(
        Diagnostic.error(
            Code.SL105,
            store + " refused the command: " + rootMessage(cause),
            "check that the key holds a value written by stateless and that the server is a Redis"
                + " 6.2 or newer",
            List.of()),
        cause);
  }

  public static InvalidStateException notStreaming(String key, @Nullable String owner) {
    return new InvalidStateException(
        Diagnostic.error(
            Code.SL105,
            "stream()/setStream() on \""
                + key
                + "\": "
                + (owner == null
                    ? "no @Streaming component owns it"
                    : "its owner \"" + owner + "\" is not @Streaming"),
            "use get/set for this key, or give its owner @Streaming(chunkSize = \"1MB\") and"
                + " stream it",
            List.of()),
        null);
  }

  public static InvalidStateException notAStreamedValue(String key) {
    return new InvalidStateException(
        Diagnostic.error(
            Code.SL105,
            "\"" + key + "\" holds a plain value, not a streamed one",
            "the key was written by another program or without @Streaming; delete it and write"
                + " it again with setStream",
            List.of()),
        null);
  }

  public static InvalidStateException streamedValueRead(String key) {
    return new InvalidStateException(
        Diagnostic.error(
            Code.SL105,
            "\"" + key + "\" holds a streamed value, which get() cannot return",
            "read it with stream(key) through a cache whose manifest makes its owner @Streaming",
            List.of()),
        null);
  }

  public static InvalidStateException streamSourceFailed(String key, java.io.IOException cause) {
    return new InvalidStateException(
        Diagnostic.error(
            Code.SL105,
            "reading the InputStream given to setStream(\"" + key + "\") failed: " + cause,
            "nothing was stored and the previous value stays; fix the source and call setStream"
                + " again",
            List.of()),
        cause);
  }

  public static StaleDataException streamReplaced(String key, long graceMillis) {
    return new StaleDataException(
        Diagnostic.error(
            Code.SL104,
            "the streamed value of \"" + key + "\" was replaced or deleted while being read",
            "retry: stream(key) again reads the current version from its start (a replaced"
                + " value stays readable for "
                + graceMillis / 1000
                + " s after the swap)",
            List.of()),
        null);
  }

  public static InvalidStateException streamReadOnIoThread(String key) {
    return new InvalidStateException(
        Diagnostic.error(
            Code.SL105,
            "the stream of \""
                + key
                + "\" was read on Redis's I/O thread, which delivers the chunks it waits for",
            "read streams off Redis's I/O thread: use thenApplyAsync (or read the stream after"
                + " join()) when a callback of another future of this cache reads it",
            List.of()),
        null);
  }

  public static StaleDataException streamWriteExpired(String key, long leaseMillis) {
    return new StaleDataException(
        Diagnostic.error(
            Code.SL104,
            "setStream(\""
                + key
                + "\") lost chunks before it finished: they expired ("
                + leaseMillis / 1000
                + " s lease) or were deleted",
            "retry; nothing was stored and the previous value stays. A source slower than one"
                + " chunk per lease needs a larger chunk size or a faster source",
            List.of()),
        null);
  }

  public static InvalidStateException offlineQueueFailed(String file, @Nullable Throwable cause) {
    return new InvalidStateException(
        Diagnostic.error(
            Code.SL105,
            "the CLIENT_FIRST offline queue " + file + " could not commit: " + rootMessage(cause),
            "the write was not queued and will not reach the owner; this queue takes no more writes"
                + " (each fails with this error) until the process restarts. Check that the file's"
                + " disk has room and is writable, then restart: the writes queued before the"
                + " failure are drained then",
            List.of()),
        cause);
  }

  public static InvalidStateException offlineQueueUnopenable(
      String file, @Nullable Throwable cause) {
    return new InvalidStateException(
        Diagnostic.error(
            Code.SL105,
            "cannot open the CLIENT_FIRST offline queue " + file + ": " + rootMessage(cause),
            "each cache needs a queue file of its own: close the cache or process that has this one"
                + " open, or give this cache another file. A file that is not an offline queue (or"
                + " is damaged) must be moved aside; the writes queued in it are then lost",
            List.of()),
        cause);
  }

  public static InvalidStateException offlineQueueUnreadable(long seq, @Nullable Throwable cause) {
    return new InvalidStateException(
        Diagnostic.error(
            Code.SL105,
            "cannot read record #"
                + seq
                + " of the CLIENT_FIRST offline queue: "
                + rootMessage(cause),
            "the queue file was written by a newer version of stateless or is damaged: drain it with"
                + " the version that wrote it, or move it aside (its queued writes are then lost)",
            List.of()),
        cause);
  }

  public static InvalidStateException offlineQueueRefused(String queueId, String status, long seq) {
    return new InvalidStateException(
        Diagnostic.error(
            Code.SL105,
            "offline queue "
                + queueId
                + ": Redis answered \""
                + status
                + "\" to queued write #"
                + seq,
            "Redis's count of this queue's applied writes (hash __stateless:q) does not match the"
                + " queue file: was the file copied from another node, or Redis restored from an"
                + " older backup? The drain retries from the first write not acknowledged",
            List.of()),
        null);
  }

  public static InvalidStateException cannotQueueWrites(String what, String store) {
    return new InvalidStateException(
        Diagnostic.error(
            Code.SL105,
            "CLIENT_FIRST writes of "
                + what
                + " would be queued for "
                + store
                + ", which cannot apply queued writes exactly once (that takes Redis's scripts)",
            "keep CLIENT_FIRST data in Redis (Stores.redis(...)) or in-process, or write it with"
                + " another strategy",
            List.of()),
        null);
  }

  public static InvalidStateException offlineOwnerNotRedis(String key, @Nullable String owner) {
    return new InvalidStateException(
        Diagnostic.error(
            Code.SL105,
            "queued CLIENT_FIRST write of \""
                + key
                + "\": its owner "
                + owner
                + " no longer lives in Redis",
            "the offline queue was written by a cache whose owner of the key was in Redis: start"
                + " with that configuration until the queue is drained (flush()), or move the queue"
                + " file aside; its writes are then lost",
            List.of()),
        null);
  }

  /**
   * Acknowledged CLIENT_FIRST writes that {@code close()} could not drain from a queue in memory:
   * lost. SL100 when the drain's last failure was Redis unreachable, else SL101 (the bound ran
   * out).
   *
   * @param keys the first distinct keys of the writes, in queue order
   * @param moreKeys how many distinct keys {@code keys} leaves out
   */
  public static StatelessException offlineWritesLost(
      long writes, List<String> keys, long moreKeys, Duration timeout, @Nullable Throwable last) {
    boolean down = last instanceof CacheNetworkException;
    StringBuilder names = new StringBuilder();
    for (String key : keys) {
      names.append(names.length() == 0 ? "" : ", ").append('"').append(shortKey(key)).append('"');
    }
    if (moreKeys > 0) {
      names.append(" and ").append(moreKeys).append(" more");
    }
    Diagnostic d =
        Diagnostic.error(
            down ? Code.SL100 : Code.SL101,
            writes
                + " acknowledged CLIENT_FIRST write"
                + (writes == 1 ? " was" : "s were")
                + " not saved: close() could not drain them to Redis within "
                + timeout.toMillis()
                + " ms ("
                + (down
                    ? "Redis unreachable: " + rootMessage(last)
                    : last == null ? "Redis did not answer in time" : rootMessage(last))
                + ") and the offline queue is in memory, so they are lost"
                + (down ? "" : " (those already sent may still be applied)")
                + "; keys: "
                + names,
            (down ? "start Redis before closing, " : "")
                + "call flush() and wait for it before close(), raise"
                + " StatelessCache.builder().closeTimeout(..), or make the queue durable with"
                + " StatelessCache.builder().offlineQueue(Path.of(\"...\")), whose file keeps"
                + " what close() cannot drain for the next start",
            List.of());
    return down
        ? new CacheNetworkException(d, last, writes)
        : new CacheTimeoutException(d, last, writes);
  }

  /**
   * Writes their master applied but whose replication {@code WAIT} could not confirm (the URI's
   * {@code replicas}): they are not acknowledged, and the message counts the writes of that WAIT,
   * rather than lose them silently on a failover.
   */
  public static CacheNetworkException replicasUnconfirmed(
      String store, int writes, int replicas, @Nullable Throwable cause) {
    return new CacheNetworkException(
        Diagnostic.error(
            Code.SL100,
            store
                + " could not confirm "
                + writes
                + (writes == 1 ? " write" : " writes")
                + " on "
                + replicas
                + (replicas == 1 ? " replica" : " replicas")
                + " of "
                + (writes == 1 ? "its" : "their")
                + " master ("
                + (cause == null ? "too few replicas acknowledged in time" : rootMessage(cause))
                + "): the master applied "
                + (writes == 1 ? "it" : "them")
                + ", but a failover may lose "
                + (writes == 1 ? "it" : "them"),
            "check the master's replicas (INFO replication: connected_slaves and their lag) and"
                + " retry the write; the URI's replicas=N sets how many replicas must confirm each"
                + " write (replicas=0: the master's reply alone)",
            List.of()),
        cause);
  }

  /** Why a write's replication was not confirmed: its connection dropped before. */
  public static RuntimeException connectionDropped() {
    return new IllegalStateException(
        "the connection dropped between the write and its confirmation");
  }

  /** A {@code Builder.closeTimeout} below zero. */
  public static StatelessException negativeCloseTimeout(Duration timeout) {
    return new StatelessException(
        List.of(
            Diagnostic.error(
                Code.SL012,
                "closeTimeout of StatelessCache.Builder is negative: " + timeout,
                "give zero (close() does not wait for queued CLIENT_FIRST writes) or a positive"
                    + " duration, such as Duration.ofSeconds(10)",
                List.of())));
  }

  /** {@code Stores.edge(region, nodes)} with a region that is not among the nodes' regions. */
  public static StatelessException regionUnknown(String region, java.util.Set<String> regions) {
    return new StatelessException(
        List.of(
            Diagnostic.error(
                Code.SL012,
                "region \""
                    + region
                    + "\" of Stores.edge(region, nodes) is not among the regions of nodes "
                    + regions,
                "name this cache's region as a key of nodes, with its edge node URIs, e.g."
                    + " Stores.edge(\"eu\", Map.of(\"eu\", List.of(\"redis://edge-eu-1:6380\"),"
                    + " \"us\", List.of(\"redis://edge-us-1:6380\")))",
                List.of())));
  }

  /** {@code Stores.edge(region, nodes)} with a region whose list of nodes is empty. */
  public static StatelessException regionWithoutNodes(String region) {
    return new StatelessException(
        List.of(
            Diagnostic.error(
                Code.SL012,
                "region \"" + region + "\" of Stores.edge(region, nodes) has no edge node",
                "give each region at least one edge node URI, e.g. \""
                    + region
                    + "\" -> List.of(\"redis://edge-1:6380\"), or leave the region out",
                List.of())));
  }

  /** A node URI of {@code Stores.edge(region, nodes)} that {@code Stores.edge(uri)} refuses. */
  public static StatelessException regionNodeMalformed(
      String region, IllegalArgumentException cause) {
    return new StatelessException(
        List.of(
            Diagnostic.error(
                Code.SL012,
                "an edge node of region \"" + region + "\": " + cause.getMessage(),
                "write each node as Stores.edge(uri) takes it:"
                    + " redis://[[user:]password@]host[:port][?timeout=2s], one node per URI",
                List.of())),
        cause);
  }

  /** One node named twice in {@code Stores.edge(region, nodes)}. */
  public static StatelessException regionNodeTwice(String node, String first, String second) {
    return new StatelessException(
        List.of(
            Diagnostic.error(
                Code.SL012,
                node
                    + " is named twice in Stores.edge(region, nodes): in region \""
                    + first
                    + "\" and in region \""
                    + second
                    + "\"",
                "an edge node serves one region: name it once",
                List.of())));
  }

  private static String rootMessage(@Nullable Throwable t) {
    Throwable root = t;
    while (root != null && root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == null ? "unknown cause" : String.valueOf(root.getMessage());
  }
}
