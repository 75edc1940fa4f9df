package dev.stateless.internal;

import dev.stateless.SetOptions;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Strategy;
import dev.stateless.core.Operation;
import dev.stateless.core.Rights;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * {@code get(key, loader)}: a read that loads and writes the value on a miss, one load per key at a
 * time.
 *
 * <p>In this process, concurrent calls for a key share one flight: its leader runs the loader, the
 * others wait for its result or failure. When the key's target layer is a shared store (Redis, an
 * edge node), the leader first takes the key's lease there, the same lock {@link AtomicUpdates}
 * takes ({@link RemoteStore#lock}): its holder runs the loader and writes the value only if the key
 * is still absent, then releases the lease; another node's leader that finds the lease taken polls
 * it with growing random pauses until it is released (taking it returns the value that landed, or,
 * when none did, makes that node the loader), up to the caller's wait; another node's invalidation
 * event for the key, where this node reads them, makes it read the key at once. A lease lasts
 * {@value #LEASE_MILLIS} ms and is renewed every third of that while its loader runs, so a dead
 * holder's lease is gone within that time.
 */
public final class Loads {
  /** How long a caller waits for a load another caller runs, unless it says otherwise. */
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

  /** How long a lease lasts unless renewed: the longest a dead loader node holds up the others. */
  public static final long LEASE_MILLIS = 5_000;

  /** The first and the largest pause between two polls of a lease another node holds. */
  private static final long FIRST_POLL_MICROS = 2_000;

  private static final long MAX_POLL_MICROS = 100_000;

  private final Lifecycle lifecycle;
  private final Reads reads;
  private final Writes writes;
  private final ValueTypes values;
  private final String nodeId;
  private final AtomicLong tokens = new AtomicLong();

  /** This process's loads in flight, by key: one at a time. */
  private final ConcurrentHashMap<String, CompletableFuture<Object>> flights =
      new ConcurrentHashMap<>();

  private static final CompletableFuture<Void> NOTHING_HELD =
      CompletableFuture.completedFuture(null);

  /** The loads of this process waiting for another node's lease, by key. */
  private final ConcurrentHashMap<String, Load> waiting = new ConcurrentHashMap<>();

  /** Where loaders run for asynchronous callers, and the lease's steps off the I/O thread. */
  private final ExecutorService pool = Threads.cached("stateless-load");

  Loads(Lifecycle lifecycle, Reads reads, Writes writes, ValueTypes values, String nodeId) {
    this.lifecycle = lifecycle;
    this.reads = reads;
    this.writes = writes;
    this.values = values;
    this.nodeId = nodeId;
  }

  /** Stops the loads in flight: their callers fail with SL105. */
  public void close() {
    pool.shutdown();
    for (CompletableFuture<Object> f : flights.values()) {
      f.completeExceptionally(Errors.closed());
    }
  }

  /**
   * Returns the key's value, loading and writing it on a miss.
   *
   * @param op how the load's write is checked ({@link Operation#WRITE}, or a session's write)
   * @param maxWait how long to wait for a load another caller or node runs
   * @param runner where this caller's loader runs, if it runs it; null for the cache's threads
   * @throws dev.stateless.core.StatelessException before anything is read or loaded, when the view
   *     may not write the key (SL002, SL003, SL004, SL009, SL012) or the cache is closed (SL105)
   */
  public CompletableFuture<Object> get(
      Operation op,
      Rights rights,
      @Nullable CacheLayer via,
      String key,
      Function<? super String, ?> loader,
      Duration maxWait,
      @Nullable Executor runner) {
    if (maxWait.isNegative()) {
      throw Errors.negativeMaxWait(maxWait);
    }
    Route r = writes.writable(rights, op, key, via); // a refused load never runs its loader
    long deadline = System.nanoTime() + Math.min(Writes.nanos(maxWait), Long.MAX_VALUE / 4);
    return Futures.handleCompose(
        reads.get(rights, via, key),
        (v, t) -> {
          if (t != null) {
            return CompletableFuture.failedFuture(t);
          } else if (v != null) {
            return CompletableFuture.completedFuture(present(rights, key, v));
          }
          Load load =
              new Load(
                  op,
                  r,
                  rights,
                  via,
                  key,
                  loader,
                  maxWait,
                  deadline,
                  runner != null ? runner : pool);
          CompletableFuture<Object> f = flights.putIfAbsent(key, load.result);
          if (f != null) {
            return waitFor(f, key, maxWait, deadline);
          }
          Futures.whenDone(load.result, (x, y) -> flights.remove(key, load.result));
          if (lifecycle.isClosed()) {
            load.result.completeExceptionally(Errors.closed()); // close() may have missed it
          } else {
            load.start();
          }
          return load.result.copy(); // a caller cancelling its future cancels no one else's
        });
  }

  /** Another caller's load in this process: its outcome, or SL101 once {@code maxWait} passed. */
  private static CompletableFuture<Object> waitFor(
      CompletableFuture<Object> flight, String key, Duration maxWait, long deadline) {
    long left = Math.max(0, deadline - System.nanoTime());
    return flight
        .copy()
        .orTimeout(left, TimeUnit.NANOSECONDS)
        .exceptionally(
            t -> {
              Throwable cause = t instanceof CompletionException c ? c.getCause() : t;
              if (cause instanceof TimeoutException) {
                throw Errors.loadTimedOut(key, maxWait, "in this process");
              }
              throw t instanceof CompletionException c ? c : new CompletionException(t);
            });
  }

  /**
   * Another node wrote or deleted a key (its invalidation event): a load waiting for the key's
   * lease reads the key at once, and returns the value that landed without waiting for the lease.
   */
  void keyChanged(String key) {
    Load load = waiting.get(key);
    if (load != null) {
      load.readLanded();
    }
  }

  /** A value read from the cache, as {@code get(key)} returns it. */
  private @Nullable Object present(Rights rights, String key, Object stored) {
    Object v = Values.copyOut(stored);
    return rights.strategy() == Strategy.REDIS_COMPATIBLE ? values.redisForm(key, v) : v;
  }

  /** One flight: the lease (for a shared store), the loader, the write, the lease's release. */
  private final class Load {
    final Operation op;
    final Route r;
    final Rights rights;
    final @Nullable CacheLayer via;
    final String key;
    final Function<? super String, ?> loader;
    final Duration maxWait;
    final long deadline;
    final Executor runner;
    final @Nullable RemoteStore remote;
    final String token;
    final CompletableFuture<Object> result = new CompletableFuture<>();
    long pauseMicros = FIRST_POLL_MICROS;

    /** Guards the lease's commands: no renewal is sent after the release. */
    private final Object leaseLock = new Object();

    private boolean leased;
    private boolean released;

    Load(
        Operation op,
        Route r,
        Rights rights,
        @Nullable CacheLayer via,
        String key,
        Function<? super String, ?> loader,
        Duration maxWait,
        long deadline,
        Executor runner) {
      this.op = op;
      this.r = r;
      this.rights = rights;
      this.via = via;
      this.key = key;
      this.loader = loader;
      this.maxWait = maxWait;
      this.deadline = deadline;
      this.runner = runner;
      CacheLayer target = via != null ? via : r.primary;
      this.remote = r.regions[target.ordinal()] == null ? writes.remote(target) : null;
      this.token = nodeId + ":load:" + tokens.incrementAndGet();
    }

    void start() {
      if (remote == null) {
        // Read again now that this flight is the key's: a flight that ended since this caller's
        // read may have written the value.
        step(
            () ->
                Futures.whenDone(
                    reads.get(rights, via, key),
                    (v, t) -> {
                      if (t != null) {
                        fail(t);
                      } else if (v != null) {
                        result.complete(present(rights, key, v));
                      } else {
                        runLoader();
                      }
                    }));
      } else {
        tryLease(remote);
      }
    }

    /** Takes the lease: the value that landed, or the right to load it; else polls again. */
    private void tryLease(RemoteStore store) {
      if (result.isDone()) {
        return;
      }
      step(
          () ->
              Futures.whenDone(
                  store.lock(key, token, LEASE_MILLIS),
                  (reply, t) ->
                      offIoThread(
                          () -> {
                            if (t != null) {
                              fail(t);
                            } else if (Long.valueOf(1L).equals(reply.get(0))) {
                              byte[] current = reply.size() > 1 ? (byte[]) reply.get(1) : null;
                              synchronized (leaseLock) {
                                leased = true;
                              }
                              if (result.isDone()) {
                                releaseThen(() -> {}); // the value landed meanwhile (readLanded)
                              } else if (current != null) {
                                Object v = present(rights, key, Reads.decode(r, key, current));
                                releaseThen(() -> result.complete(v));
                              } else {
                                waiting.remove(key, this); // loading now, not waiting
                                renewLater(store);
                                runLoader();
                              }
                            } else {
                              if (waiting.put(key, this) != this) {
                                Futures.whenDone(result, (x, y) -> waiting.remove(key, this));
                              }
                              pollLater(store);
                            }
                          })));
    }

    private void pollLater(RemoteStore store) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        fail(Errors.loadTimedOut(key, maxWait, "a node holding its lease in " + store.describe()));
        return;
      }
      long pause = ThreadLocalRandom.current().nextLong(pauseMicros / 2, pauseMicros + 1);
      pauseMicros = Math.min(MAX_POLL_MICROS, pauseMicros * 2);
      pause = Math.min(pause, TimeUnit.NANOSECONDS.toMicros(left) + 1);
      CompletableFuture.delayedExecutor(pause, TimeUnit.MICROSECONDS, pool)
          .execute(() -> tryLease(store));
    }

    /** Reads the key after its event: a value that landed ends the wait. */
    void readLanded() {
      RemoteStore store = remote;
      if (store == null || result.isDone()) {
        return;
      }
      step(
          () ->
              Futures.whenDone(
                  store.get(key),
                  (current, t) ->
                      offIoThread(
                          () -> {
                            if (t == null && current != null && !result.isDone()) {
                              result.complete(present(rights, key, Reads.decode(r, key, current)));
                            } // else: a delete, or a failed read; the polls go on
                          })));
    }

    /** Extends the lease every third of its life until it is released. */
    private void renewLater(RemoteStore store) {
      CompletableFuture.delayedExecutor(LEASE_MILLIS / 3, TimeUnit.MILLISECONDS, pool)
          .execute(
              () -> {
                synchronized (leaseLock) {
                  if (released || result.isDone()) {
                    return;
                  }
                  // Taken again if it expired meanwhile and is free; lost to another node if not
                  // (then the write below finds that node's value, or that node finds this one's).
                  Futures.bestEffort(store.lock(key, token, LEASE_MILLIS), "lease renewal");
                }
                renewLater(store);
              });
    }

    private void runLoader() {
      try {
        runner.execute(this::load);
      } catch (RejectedExecutionException e) {
        fail(Errors.closed());
      }
    }

    private void load() {
      if (result.isDone()) {
        return; // closed, or the caller's thread gave up waiting
      }
      Object value;
      try {
        value = loader.apply(key);
      } catch (Throwable failure) { // the caller's own failure, passed on as it is
        fail(failure);
        return;
      }
      if (value == null) {
        releaseThen(() -> result.complete(null)); // nothing written: the next call loads again
        return;
      }
      CompletableFuture<Boolean> written;
      try {
        written = writes.set(op, rights, via, key, value, SetOptions.none().ifAbsent(), null);
      } catch (RuntimeException e) {
        written = CompletableFuture.failedFuture(e);
      }
      Futures.whenDone(
          written,
          (ok, t) -> {
            if (t != null) {
              fail(t);
            } else if (ok) {
              // After the write: a waiter that takes the lease next finds the value.
              releaseThen(() -> result.complete(value)); // the loader's own object: not cached
            } else {
              // Another writer's value came first: it is the key's value now.
              step(
                  () ->
                      Futures.whenDone(
                          reads.get(rights, via, key),
                          (v, u) -> {
                            if (u != null) {
                              fail(u);
                            } else {
                              Object kept = v != null ? present(rights, key, v) : value;
                              releaseThen(() -> result.complete(kept));
                            }
                          }));
            }
          });
    }

    /**
     * Releases the lease, if held, then runs {@code complete} once the store answered (or failed:
     * then the lease expires by itself): when a caller's call returns, its node holds no lease.
     */
    private void releaseThen(Runnable complete) {
      CompletableFuture<?> unlocked = NOTHING_HELD;
      RemoteStore store = remote;
      if (store != null) {
        synchronized (leaseLock) {
          if (leased && !released) {
            released = true;
            try {
              unlocked = store.unlock(key, token);
            } catch (RuntimeException e) {
              unlocked = NOTHING_HELD; // closed or disconnected: the lease expires by itself
            }
          }
        }
      }
      Futures.whenDone(unlocked, (x, t) -> complete.run());
    }

    private void fail(Throwable failure) {
      Throwable reported = lifecycle.isClosed() ? Errors.closed() : failure;
      releaseThen(() -> result.completeExceptionally(reported));
    }

    /** Runs a step that must not throw past this flight: whatever it throws fails the flight. */
    private void step(Runnable step) {
      try {
        step.run();
      } catch (RuntimeException | Error e) {
        fail(e);
      }
    }

    /** Lease replies arrive on the store's I/O thread: decoding and loaders run elsewhere. */
    private void offIoThread(Runnable step) {
      try {
        pool.execute(() -> step(step));
      } catch (RejectedExecutionException e) {
        fail(Errors.closed());
      }
    }
  }

  /**
   * An executor whose tasks run on the thread that waits in {@link Runner#await}, while it waits;
   * the blocking view runs a caller's loader this way, on the caller's own thread (where its
   * transaction or security context lives). Tasks that come after the wait ended run on the cache's
   * threads.
   */
  public Runner callingThread() {
    return new Runner(pool);
  }

  /** See {@link #callingThread()}. */
  public static final class Runner implements Executor {
    private final Executor fallback;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean waiting = true;

    Runner(Executor fallback) {
      this.fallback = fallback;
    }

    @Override
    public void execute(Runnable task) {
      synchronized (this) {
        if (waiting) {
          tasks.add(task);
          notifyAll();
          return;
        }
      }
      fallback.execute(task);
    }

    /**
     * Waits for {@code future}, running the tasks given meanwhile; returns or throws its outcome.
     */
    public <T extends @Nullable Object> T await(CompletableFuture<T> future) {
      Futures.whenDone(future, (v, t) -> wake());
      try {
        while (true) {
          Runnable task;
          synchronized (this) {
            while (tasks.isEmpty() && !future.isDone()) {
              wait();
            }
            task = tasks.poll();
          }
          if (task == null) {
            break;
          }
          task.run();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CompletionException(e);
      } finally {
        List<Runnable> left;
        synchronized (this) {
          waiting = false;
          left = List.copyOf(tasks);
          tasks.clear();
        }
        for (Runnable task : left) {
          try {
            fallback.execute(task);
          } catch (RejectedExecutionException e) {
            // closed: its load fails with SL105
          }
        }
      }
      return Futures.join(future);
    }

    private synchronized void wake() {
      notifyAll();
    }
  }
}
