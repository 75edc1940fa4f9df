package dev.stateless.internal;

import dev.stateless.OfflineConflict;
import dev.stateless.ValueCodecException;
import dev.stateless.annotation.CacheLayer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code CLIENT_FIRST} writes to Redis-owned keys: applied to the client layer at once as pending
 * entries, appended to an {@link OfflineQueue}, and drained to Redis in order by one thread.
 *
 * <p>The drainer keeps a sliding window of up to {@value #WINDOW} committed records in flight
 * (pipelined on the store's connection) through {@link RemoteStore#APPLY_QUEUED}, which applies
 * each exactly once and in order, and handles the replies in order. On any failure (Redis down, a
 * timeout, an out-of-order reply) it waits, with a capped exponential backoff, and re-sends from
 * the first record not acknowledged; records are never dropped. A drained record is removed from
 * the queue.
 *
 * <p>A pending client entry is served even while Redis is unreachable, and survives invalidations
 * of its key until the key's last queued write is drained; then it becomes an ordinary copy if
 * nothing touched the key since that write was sent (else it is dropped, and the next read goes to
 * Redis). A conflict (see {@link OfflineConflict}) drops it.
 *
 * <p>Thread-safe.
 */
public final class OfflineWrites {
  private static final Logger LOG = LoggerFactory.getLogger(OfflineWrites.class);
  public static final int WINDOW = 512;
  private static final long MAX_BACKOFF_MILLIS = 2000;
  private static final long CLOSING_BACKOFF_MILLIS = 50; // close() waits: retry soon
  private static final int KEYS_NAMED = 10;
  private static final int CLIENT = CacheLayer.CLIENT.ordinal();

  private final Routes routes;
  private final Generations generations;
  private final Invalidations invalidations;
  private final Metrics metrics;
  private final OfflineQueue queue;
  private final Consumer<OfflineConflict> onConflict;

  /** Per key: how many of its writes are queued and not yet drained. */
  private final ConcurrentHashMap<String, Integer> pendingByKey = new ConcurrentHashMap<>();

  private final Thread drainer;
  private final Object signal = new Object();
  private final List<Flush> flushes = new ArrayList<>();

  /** A {@link #flush()} waiting for the records up to {@code target} to drain. */
  private record Flush(long target, CompletableFuture<Void> done) {}

  private volatile boolean closed;
  private volatile boolean closing; // close() is waiting for the drain
  private volatile long drainedUpTo;
  private boolean wake; // guarded by signal
  private boolean kicked; // guarded by signal: ends a backoff wait

  /** Records Redis had applied already (re-sent after a crash or a lost reply). */
  public final LongAdder skipped = new LongAdder();

  /** Records applied by Redis. */
  public final LongAdder applied = new LongAdder();

  /** The queue, for tests. */
  public OfflineQueue queue() {
    return queue;
  }

  /** Why the last drain attempt stopped, null when it drained everything; for diagnostics. */
  public volatile @Nullable Throwable lastFailure;

  /** For tests: nothing is sent while set. */
  public volatile boolean pausedForTest;

  /** For tests: every reply is ignored, as if lost (the records are re-sent, and applied once). */
  public volatile boolean loseRepliesForTest;

  OfflineWrites(
      Routes routes,
      Generations generations,
      Invalidations invalidations,
      Metrics metrics,
      OfflineQueue queue,
      Consumer<OfflineConflict> onConflict) {
    this.routes = routes;
    this.generations = generations;
    this.invalidations = invalidations;
    this.metrics = metrics;
    this.queue = queue;
    this.onConflict = onConflict;
    long first = queue.firstSeq();
    this.drainedUpTo = first < 0 ? queue.lastSeq() : first - 1;
    this.drainer = new Thread(this::drainLoop, "stateless-offline-drain");
    drainer.setDaemon(true);
  }

  /**
   * Puts what an earlier run left back in the client layer, then starts the drain. Called once the
   * engine knows this object, so invalidations arriving meanwhile keep the recovered entries.
   */
  public void start() {
    recover();
    queue.onCommit(this::wakeUp);
    drainer.start();
  }

  /** Puts the recovered records' latest values back in the client layer, as pending entries. */
  private void recover() {
    long from = queue.firstSeq();
    if (from < 0) {
      return;
    }
    List<OfflineQueue.QueuedWrite> batch;
    do {
      batch = queue.read(from, 4096);
      for (OfflineQueue.QueuedWrite rec : batch) {
        from = rec.seq + 1;
        Route r = routes.route(rec.key);
        Region region = r.regions[CLIENT];
        pendingByKey.merge(rec.key, 1, Integer::sum);
        if (region == null) {
          continue;
        }
        Entry e;
        if (rec.op == OfflineQueue.SET) {
          // a queued set carries its value (only a delete has none)
          byte[] bytes = Objects.requireNonNull(rec.value, "value");
          Object value;
          try {
            value = r.values.decodeStored(rec.key, bytes);
          } catch (ValueCodecException bad) {
            region.invalidate(rec.key);
            continue;
          }
          long ttl = rec.px > 0 ? TimeUnit.MILLISECONDS.toNanos(rec.px) : Long.MAX_VALUE;
          e = new Entry(value, Entry.weigh(rec.key, bytes.length), ttl, r, true, true);
        } else {
          e = tombstone(r, rec.key);
        }
        region.put(rec.key, e);
      }
    } while (batch.size() == 4096);
  }

  private static Entry tombstone(Route r, String key) {
    return new Entry(null, Entry.weigh(key, 0), Long.MAX_VALUE, r, true, true);
  }

  /** Whether the key has queued writes not yet drained. */
  public boolean pending(String key) {
    return pendingByKey.containsKey(key);
  }

  /**
   * Refuses (SL105) CLIENT_FIRST writes whose owner's store cannot apply queued writes ({@link
   * RemoteStore#queuesWrites}): {@code what} names the owner or the key.
   */
  static void checkQueues(Route r, String what) {
    RemoteStore store = r.primaryRemote;
    if (store != null && !store.queuesWrites()) {
      throw Errors.cannotQueueWrites(what, store.describe());
    }
  }

  /** A CLIENT_FIRST set: a pending client entry now, the write queued; true once committed. */
  public CompletableFuture<Boolean> set(
      Route r, String key, Object stored, byte[] bytes, int weight, long ttlNanos) {
    checkQueues(r, "\"" + key + "\"");
    long px = ttlNanos > 0 ? Math.max(1, TimeUnit.NANOSECONDS.toMillis(ttlNanos)) : 0;
    Entry e = new Entry(stored, weight, ttlNanos > 0 ? ttlNanos : Long.MAX_VALUE, r, true, true);
    return enqueue(r, key, OfflineQueue.SET, bytes, px, e).thenApply(had -> true);
  }

  /**
   * A CLIENT_FIRST delete: a pending tombstone now, the delete queued. Completes, once committed,
   * with whether this node's client layer held a value (the owner's answer comes later).
   */
  public CompletableFuture<Boolean> del(Route r, String key) {
    checkQueues(r, "\"" + key + "\"");
    return enqueue(r, key, OfflineQueue.DEL, null, 0, tombstone(r, key));
  }

  private CompletableFuture<Boolean> enqueue(
      Route r, String key, byte op, byte @Nullable [] bytes, long px, Entry e) {
    Region region = r.region(CLIENT); // CLIENT_FIRST writes are queued only with a client region
    java.util.concurrent.atomic.AtomicReference<CompletableFuture<Long>> appended =
        new java.util.concurrent.atomic.AtomicReference<>();
    boolean[] had = new boolean[1];
    generations.bump(key); // a fill in flight must not install an older value over this one
    // The key's entry orders its appends: each record's base is the entry it replaces.
    region.compute(
        key,
        (k, cur) -> {
          appended.set(queue.append(op, key, r.ownerName, bytes, px, baseOf(r, key, cur)));
          pendingByKey.merge(key, 1, Integer::sum);
          had[0] = cur != null && cur.value != null && cur.value != Entry.ABSENT;
          return e;
        });
    // No second bump: the record may be sent already, and its settle checks that nothing touched
    // the key since.
    dropBetween(r, key);
    return appended
        .get()
        .whenComplete(
            (seq, t) -> {
              if (t != null) {
                notQueued(r, key, e);
              }
            })
        .thenApply(seq -> had[0]);
  }

  /**
   * A write whose record could not be committed (the queue failed, or the node is stopping): its
   * pending entry goes, so it is not served, and so do the flushes that can no longer complete.
   */
  private void notQueued(Route r, String key, Entry e) {
    Region region = r.region(CLIENT);
    region.compute(
        key,
        (k, cur) -> {
          pendingByKey.computeIfPresent(k, (kk, c) -> c > 1 ? c - 1 : null);
          if (cur == e) {
            generations.bump(k);
            return null;
          }
          return cur;
        });
    RuntimeException failure = queue.failure();
    if (failure == null) {
      return;
    }
    List<CompletableFuture<?>> stuck = new ArrayList<>();
    synchronized (flushes) {
      Iterator<Flush> it = flushes.iterator();
      while (it.hasNext()) {
        Flush f = it.next();
        if (f.target() > queue.committedSeq()) {
          stuck.add(f.done());
          it.remove();
        }
      }
    }
    stuck.forEach(f -> f.completeExceptionally(failure));
  }

  /**
   * Drops the key's copies in the in-process layers between the client and the owner (the edge), as
   * an online write does: they hold what the queued write replaces.
   */
  private static void dropBetween(Route r, String key) {
    for (int l = CLIENT + 1; l < r.primary.ordinal(); l++) {
      if (r.regions[l] != null) {
        r.regions[l].invalidate(key);
      }
    }
  }

  /**
   * What the client layer knew of the key a write replaces (see {@code apply-queued.lua}): "v" and
   * the version of the owner's write its copy holds, when known; else the SHA-1 hex of the encoded
   * value it holds; "-" for a queued delete or a negative-cache marker (the key was read absent);
   * "?" for nothing.
   */
  private static String baseOf(Route r, String key, @Nullable Entry cur) {
    if (cur == null) {
      return "?";
    }
    if (cur.version > 0 && !cur.pending) {
      return "v" + cur.version;
    }
    if (cur.value == Entry.ABSENT) {
      return "-";
    }
    if (cur.value == null) {
      return cur.pending ? "-" : "?";
    }
    return sha1Hex(Values.encoded(r.values, key, cur.value));
  }

  public static String sha1Hex(byte[] bytes) {
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-1").digest(bytes);
      char[] out = new char[d.length * 2];
      for (int i = 0; i < d.length; i++) {
        out[2 * i] = Character.forDigit((d[i] >> 4) & 0xf, 16);
        out[2 * i + 1] = Character.forDigit(d[i] & 0xf, 16);
      }
      return new String(out);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every JVM", e);
    }
  }

  /** How many queued writes have not been drained. */
  public long pendingWrites() {
    return Math.max(0, queue.lastSeq() - drainedUpTo);
  }

  /** Completes when every write queued before the call is drained (applied or in conflict). */
  public CompletableFuture<Void> flush() {
    long target = queue.lastSeq();
    RuntimeException failure = queue.failure();
    if (failure != null && target > queue.committedSeq()) {
      return CompletableFuture.failedFuture(failure); // writes that were never queued
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    synchronized (flushes) {
      if (closed) {
        return CompletableFuture.failedFuture(Errors.closed());
      }
      if (drainedUpTo >= target) {
        return CompletableFuture.completedFuture(null);
      }
      flushes.add(new Flush(target, done));
    }
    wakeUp();
    return done;
  }

  private void drained(long seq) {
    drainedUpTo = seq;
    List<CompletableFuture<?>> ready = new ArrayList<>();
    synchronized (flushes) {
      Iterator<Flush> it = flushes.iterator();
      while (it.hasNext()) {
        Flush f = it.next();
        if (f.target() <= seq) {
          ready.add(f.done());
          it.remove();
        }
      }
    }
    ready.forEach(f -> f.complete(null));
  }

  private void wakeUp() {
    synchronized (signal) {
      wake = true;
      signal.notifyAll();
    }
  }

  /** Ends a backoff wait: close() wants the drain retried now. */
  private void kick() {
    synchronized (signal) {
      kicked = true;
      signal.notifyAll();
    }
  }

  /**
   * Waits for new records (or close) up to {@code millis}; with {@code backoff}, only for close or
   * a {@link #kick()}.
   */
  private void awaitSignal(long millis, boolean backoff) {
    synchronized (signal) {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
      while ((backoff ? !kicked : !wake) && !closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          signal.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      wake = false;
      kicked = false;
    }
  }

  private void drainLoop() {
    long backoff = 0;
    while (!closed) {
      if (pausedForTest) {
        awaitSignal(10, true);
        continue;
      }
      Throwable failure;
      try {
        failure = drainAvailable();
      } catch (RuntimeException | Error e) {
        failure = e; // anything: a drainer that died would leave writes queued for good
      }
      lastFailure = failure;
      if (failure == null) {
        backoff = 0;
        awaitSignal(1000, false);
        continue;
      }
      if (closed) {
        return;
      }
      long next = backoff == 0 ? 10 : Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
      if (closing) {
        next = Math.min(next, CLOSING_BACKOFF_MILLIS);
      }
      Object where = queue.file() != null ? queue.file() : "(in memory)";
      String message = "offline queue {}: {} writes waiting, retrying in {} ms: {}";
      if (next == MAX_BACKOFF_MILLIS && backoff < MAX_BACKOFF_MILLIS) {
        // once per failure streak, when the backoff is capped
        LOG.warn(message, where, pendingWrites(), next, String.valueOf(failure));
      } else {
        LOG.debug(message, where, pendingWrites(), next, String.valueOf(failure));
      }
      backoff = next;
      awaitSignal(backoff, true);
    }
  }

  /** One record sent and not yet answered. */
  private static final class InFlight {
    final OfflineQueue.QueuedWrite rec;
    final long token;
    final CompletableFuture<List<Object>> reply;

    InFlight(OfflineQueue.QueuedWrite rec, long token, CompletableFuture<List<Object>> reply) {
      this.rec = rec;
      this.token = token;
      this.reply = reply;
    }
  }

  /**
   * Drains every committed record, from the first unacknowledged one: a sliding window of up to
   * {@value #WINDOW} records in flight (topped up when half have been answered, so sends go out in
   * groups), replies handled in order. Returns the first failure, or null when none is left.
   */
  private @Nullable Throwable drainAvailable() {
    java.util.ArrayDeque<InFlight> inFlight = new java.util.ArrayDeque<>();
    long first = queue.firstSeq();
    if (first < 0) {
      return null;
    }
    long nextToSend = first;
    // Per store and shard, the latest record sent and not yet acknowledged: the next record of
    // that shard waits for it (a shard orders its records; shards are independent).
    Map<String, Long> unacknowledged = new HashMap<>();
    while (!closed) {
      if (inFlight.size() <= WINDOW / 2) {
        List<OfflineQueue.QueuedWrite> more = queue.read(nextToSend, WINDOW - inFlight.size());
        for (OfflineQueue.QueuedWrite rec : more) {
          CompletableFuture<List<Object>> reply;
          try {
            RemoteStore store = storeFor(rec);
            String shard = shardOf(store, rec);
            Long prev = unacknowledged.put(shard, rec.seq);
            reply = store.applyQueued(rec, queue.id(), prev == null ? 0 : prev);
          } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
          }
          inFlight.add(new InFlight(rec, generations.token(rec.key), reply));
          nextToSend = rec.seq + 1;
        }
      }
      InFlight head = inFlight.poll();
      if (head == null) {
        return null;
      }
      Throwable failure = handle(head);
      if (failure != null) {
        return failure; // the rest are re-sent from the first unacknowledged record
      }
      try {
        unacknowledged.remove(shardOf(storeFor(head.rec), head.rec), head.rec.seq);
      } catch (RuntimeException e) {
        // no store: its send failed, and handle() returned that failure
      }
    }
    return null;
  }

  /** Handles one reply: the record is settled and removed, or the failure returned. */
  private @Nullable Throwable handle(InFlight f) {
    OfflineQueue.QueuedWrite rec = f.rec;
    List<Object> reply;
    try {
      reply = await(f.reply);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    if (reply == null) {
      return Errors.closed(); // closing
    }
    if (loseRepliesForTest) {
      return Errors.closed(); // as if the reply had been lost: the record is re-sent
    }
    String status = reply.isEmpty() ? "" : text(reply.get(0));
    switch (status) {
      case "applied" -> {
        applied.increment();
        metrics.invalidationsSent.increment();
        settle(rec, f.token, true, reply.size() > 1 ? version(reply.get(1)) : 0);
        dependents(rec);
      }
      case "skipped" -> {
        // Applied before by a run that did not see the reply (or a conflict already reported).
        skipped.increment();
        settle(rec, f.token, false, 0);
        dependents(rec); // that run may not have dropped them; dropping twice is harmless
      }
      case "conflict" -> {
        settle(rec, f.token, false, 0);
        report(rec, reply.size() > 1 ? reply.get(1) : null);
        forgetConflict(rec);
      }
      case "skipped-conflict" -> {
        // Refused as a conflict by a run that did not see the reply: reported now (again, if
        // that run reported it and crashed before Redis forgot it).
        skipped.increment();
        settle(rec, f.token, false, 0);
        report(rec, reply.size() > 1 ? reply.get(1) : null);
        forgetConflict(rec);
      }
      default -> {
        return Errors.offlineQueueRefused(queue.id(), status, rec.seq);
      }
    }
    queue.remove(rec.seq);
    drained(rec.seq);
    return null;
  }

  /** Lets Redis forget a reported conflict; if that fails, a re-send reports it once more. */
  private void forgetConflict(OfflineQueue.QueuedWrite rec) {
    Futures.whenDone(
        storeFor(rec).forgetQueuedConflict(rec.key, queue.id(), rec.seq),
        (n, t) -> {
          if (t != null) {
            LOG.debug(
                "offline queue: the conflict of record {} stays recorded in Redis: {}",
                rec.seq,
                String.valueOf(t));
          }
        });
  }

  /** A record's store and shard, as one map key. */
  private static String shardOf(RemoteStore store, OfflineQueue.QueuedWrite rec) {
    return System.identityHashCode(store) + "/" + store.shard(rec.key);
  }

  private RemoteStore storeFor(OfflineQueue.QueuedWrite rec) {
    RemoteStore s = routes.route(rec.key).primaryRemote;
    if (s == null) {
      throw Errors.offlineOwnerNotRedis(rec.key, rec.owner);
    }
    return s;
  }

  /** Waits for a reply, giving up (null) when closed; Lettuce's timeout ends every command. */
  private <T> @Nullable T await(CompletableFuture<T> f) throws ExecutionException {
    while (true) {
      try {
        return f.get(100, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        if (closed) {
          return null;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
  }

  /** A version in a reply ("applied" carries the key's new one); 0 when unreadable. */
  private static long version(Object o) {
    try {
      return Long.parseLong(text(o));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String text(Object o) {
    return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
  }

  /**
   * One of the key's queued writes is drained. When it was the last, the pending entry becomes an
   * ordinary copy ({@code keep}: it now equals Redis, and nothing touched the key since the write
   * was sent; {@code version}: the owner's version of it, 0 unknown) or goes.
   */
  private void settle(OfflineQueue.QueuedWrite rec, long token, boolean keep, long version) {
    Route r = routes.route(rec.key);
    Region region = r.regions[CLIENT];
    if (region == null) {
      pendingByKey.computeIfPresent(rec.key, (k, c) -> c > 1 ? c - 1 : null);
      return;
    }
    region.compute(
        rec.key,
        (k, cur) -> {
          Integer left = pendingByKey.computeIfPresent(k, (kk, c) -> c > 1 ? c - 1 : null);
          if (left == null && cur != null && cur.value == Entry.ABSENT) {
            generations.bump(k); // "absent" from before the write, which created the key
            return null;
          }
          if (left != null || cur == null || !cur.pending) {
            return cur;
          }
          if (keep
              && cur.value != null
              && generations.token(k) == token
              && cur.source.primaryLive()) { // else a copy no event could prove fresh
            Entry copy = new Entry(cur.value, cur.weight, cur.ttlNanos, cur.source, true, false);
            copy.version = version;
            return copy;
          }
          generations.bump(k);
          return null;
        });
    // Reads of a queued key stop at its client entry, so the edge fills only if that entry was
    // evicted; what it holds then is older than this write. No bump: it would look like an
    // invalidation to the key's next settle.
    dropBetween(r, rec.key);
  }

  private void dependents(OfflineQueue.QueuedWrite rec) {
    Futures.whenDone(
        invalidations.dependentsOf(routes.route(rec.key), null, rec.key),
        (n, t) -> {
          if (t != null) {
            LOG.warn(
                "offline queue: the dependents of \"{}\" could not be invalidated: {}",
                rec.key,
                String.valueOf(t));
          }
        });
  }

  private void report(OfflineQueue.QueuedWrite rec, @Nullable Object server) {
    metrics.offlineConflicts.increment();
    OfflineConflict c =
        new OfflineConflict(
            rec.key,
            rec.value == null ? null : decodeQuietly(rec.key, rec.value),
            server instanceof byte[] b ? decodeQuietly(rec.key, b) : null);
    try {
      onConflict.accept(c);
    } catch (RuntimeException e) {
      LOG.warn("offline queue: the conflict handler failed on {}", c, e);
    }
  }

  private Object decodeQuietly(String key, byte[] bytes) {
    try {
      return routes.route(key).values.decodeStored(key, bytes);
    } catch (ValueCodecException e) {
      // not of the owner's type: the raw bytes still tell what happened, copied for each reader
      return new Values.EncodedBytes(bytes.clone());
    }
  }

  /** The default conflict handler: one WARN line. */
  public static void logConflict(OfflineConflict c) {
    LOG.warn("CLIENT_FIRST write not applied, the server had a newer version (it wins): {}", c);
  }

  /**
   * Drains for up to {@code timeoutNanos} (not at all when 0), then stops the drainer and closes
   * the queue cleanly. What is left stays in the queue's file for the next start (logged); with a
   * queue in memory it is lost, and reported: logged and thrown. With a file, the wait also ends
   * when Redis is unreachable: the file keeps the writes.
   *
   * @throws dev.stateless.CacheNetworkException when writes were lost and Redis was unreachable
   * @throws dev.stateless.CacheTimeoutException when writes were lost otherwise
   */
  public void close(long timeoutNanos) {
    if (closed) {
      return;
    }
    drainBeforeClose(timeoutNanos);
    Throwable last = lastFailure; // before the stop, which fails what is in flight
    if (!stop()) {
      return;
    }
    queue.seal(); // commits the appends that raced with the close: they were acknowledged
    long left;
    Path file = queue.file();
    Set<String> keys = new LinkedHashSet<>();
    try {
      left = queue.size();
      if (left > 0 && file == null) { // lost: name their keys
        long from = queue.firstSeq();
        List<OfflineQueue.QueuedWrite> batch;
        do {
          batch = queue.read(from, 4096);
          for (OfflineQueue.QueuedWrite rec : batch) {
            keys.add(rec.key);
            from = rec.seq + 1;
          }
        } while (batch.size() == 4096);
      }
    } finally {
      queue.close();
    }
    if (left == 0) {
      return;
    }
    Duration timeout = Duration.ofNanos(timeoutNanos);
    if (file != null) {
      LOG.warn(
          "offline queue {}: {} CLIENT_FIRST writes were not drained to Redis within {} ms of"
              + " close() ({}); they stay in the file and are drained by the next cache built"
              + " with it",
          file,
          left,
          timeout.toMillis(),
          last == null ? "no answer in time" : String.valueOf(last));
      return;
    }
    List<String> named = new ArrayList<>(KEYS_NAMED);
    for (String key : keys) {
      if (named.size() == KEYS_NAMED) {
        break;
      }
      named.add(key);
    }
    RuntimeException lost =
        Errors.offlineWritesLost(left, named, keys.size() - named.size(), timeout, last);
    LOG.error("{}", lost.getMessage());
    throw lost;
  }

  /**
   * Waits until everything queued is drained, {@code timeoutNanos} pass, or (with a file, which
   * keeps the writes) Redis is found unreachable. A drainer in its backoff retries at once.
   */
  private void drainBeforeClose(long timeoutNanos) {
    if (timeoutNanos <= 0) {
      return;
    }
    long deadline = System.nanoTime() + timeoutNanos;
    closing = true;
    kick();
    CompletableFuture<Void> drained = flush();
    while (!drained.isCompletedExceptionally()) {
      if (drained.isDone()) {
        if (pendingWrites() == 0) {
          return;
        }
        drained = flush(); // writes that raced with the close
        continue;
      }
      if (queue.file() != null && lastFailure instanceof dev.stateless.CacheNetworkException) {
        return;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      try {
        drained.get(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS);
      } catch (TimeoutException | ExecutionException e) {
        // checked again above
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Stops as a killed process would: nothing more is committed or drained. */
  public void crash() {
    if (stop()) {
      queue.closeImmediately();
    }
  }

  private boolean stop() {
    List<Flush> left;
    synchronized (flushes) {
      if (closed) {
        return false;
      }
      closed = true;
      left = new ArrayList<>(flushes);
      flushes.clear();
    }
    wakeUp();
    if (Thread.currentThread() != drainer) {
      try {
        drainer.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (Flush f : left) {
      f.done().completeExceptionally(Errors.closed());
    }
    return true;
  }
}
