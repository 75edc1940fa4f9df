package dev.stateless.internal;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.core.Rights;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The entries of a request scope or session, deleted when it ends, with the cleanup callbacks of
 * session entries run after their delete. A key is deleted only if a write of it through the scope
 * succeeded (a refused write, or a conditional one that did not apply, leaves someone else's key
 * alone); writes still in flight are waited for first, so none lands after its delete. A write is
 * recorded before it is sent, so one racing with the close is either deleted or refused. Holds
 * nothing once closed.
 */
public final class ScopedEntries {
  private final Writes writes;
  private final String what;
  private final boolean cleanupRequired;
  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
  private boolean closed;

  private static final class Entry {
    final Rights rights;
    final @Nullable CacheLayer via;
    final List<Runnable> cleanups = new ArrayList<>();
    volatile boolean written;

    Entry(Rights rights, @Nullable CacheLayer via) {
      this.rights = rights;
      this.via = via;
    }
  }

  /**
   * @param what "request scope", "session" or "cache", for messages
   * @param cleanupRequired whether every entry needs a cleanup callback (sessions: SL010 if not)
   */
  public ScopedEntries(Writes writes, String what, boolean cleanupRequired) {
    this.writes = writes;
    this.what = what;
    this.cleanupRequired = cleanupRequired;
  }

  /**
   * Records a write about to be sent; {@code write} supplies it. The key is deleted at the end if
   * the write answers {@code true}. Throws SL105 when this has ended (nothing is sent then).
   */
  public CompletableFuture<Boolean> write(
      String key,
      Rights rights,
      @Nullable CacheLayer via,
      java.util.function.Supplier<CompletableFuture<Boolean>> write) {
    Entry e;
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    synchronized (this) {
      if (closed) {
        throw Errors.scopeClosed(what);
      }
      e = entries.computeIfAbsent(key, k -> new Entry(rights, via));
      inFlight.add(done);
    }
    CompletableFuture<Boolean> sent;
    try {
      sent = write.get();
    } catch (RuntimeException x) {
      sent = CompletableFuture.failedFuture(x);
    }
    Futures.whenDone(
        sent,
        (ok, t) -> {
          if (t == null && Boolean.TRUE.equals(ok)) {
            e.written = true;
          }
          untrack(done);
          if (t == null) {
            done.complete(ok);
          } else {
            done.completeExceptionally(t);
          }
        });
    return done;
  }

  /**
   * Adds a cleanup callback for a write, run after the key's delete when this ends, if the write
   * succeeded. {@code write} is the write itself (tracked here if it was not already).
   */
  public void cleanup(
      String key,
      Rights rights,
      @Nullable CacheLayer via,
      Runnable cleanup,
      CompletableFuture<Boolean> w) {
    java.util.Objects.requireNonNull(cleanup, "cleanup");
    Entry e;
    synchronized (this) {
      if (closed) {
        throw Errors.scopeClosed(what);
      }
      e = entries.computeIfAbsent(key, k -> new Entry(rights, via));
      e.cleanups.add(cleanup);
      inFlight.add(w);
    }
    Futures.whenDone(
        w,
        (ok, t) -> {
          if (t == null && Boolean.TRUE.equals(ok)) {
            e.written = true;
          }
          untrack(w);
        });
  }

  /** Stops tracking a write: the very future that was added, so identity is the equality meant. */
  @SuppressWarnings("CollectionUndefinedEquality") // futures compare by identity, as intended here
  private void untrack(CompletableFuture<?> write) {
    inFlight.remove(write);
  }

  public synchronized boolean isClosed() {
    return closed;
  }

  /**
   * Ends the scope: waits for its writes, deletes every entry they wrote, then runs the cleanups.
   * Every step is attempted; the first failure is thrown with the others suppressed. Closing twice
   * does nothing.
   */
  public void close() {
    Map<String, Entry> toDelete;
    List<CompletableFuture<?>> inFlightWrites;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toDelete = new LinkedHashMap<>(entries);
      entries.clear();
      inFlightWrites = new ArrayList<>(inFlight);
    }
    if (!toDelete.isEmpty() && Threads.onIoThread()) {
      throw Errors.blockingOnIoThread("closing this " + what);
    }
    for (CompletableFuture<?> w : inFlightWrites) {
      try {
        w.join();
      } catch (RuntimeException e) {
        // a failed write: if it might have been applied, its success flag is unset and the key
        // is left alone; its own caller saw the failure
      }
    }
    List<Throwable> failures = new ArrayList<>();
    List<CompletableFuture<Boolean>> deletes = new ArrayList<>();
    for (Map.Entry<String, Entry> e : toDelete.entrySet()) {
      if (!e.getValue().written) {
        continue;
      }
      try {
        deletes.add(writes.delOwnEntry(e.getValue().rights, e.getValue().via, e.getKey()));
      } catch (RuntimeException x) {
        failures.add(x);
      }
    }
    for (CompletableFuture<Boolean> d : deletes) {
      try {
        d.join();
      } catch (CompletionException x) {
        failures.add(x.getCause() != null ? x.getCause() : x);
      }
    }
    List<String> withoutCleanup = new ArrayList<>();
    for (Map.Entry<String, Entry> e : toDelete.entrySet()) {
      if (!e.getValue().written) {
        continue;
      }
      if (e.getValue().cleanups.isEmpty() && cleanupRequired) {
        withoutCleanup.add(e.getKey());
      }
      for (Runnable r : e.getValue().cleanups) {
        try {
          r.run();
        } catch (RuntimeException x) {
          failures.add(x);
        }
      }
    }
    if (!withoutCleanup.isEmpty()) {
      failures.add(0, Errors.sessionEntriesWithoutCleanup(withoutCleanup));
    }
    if (!failures.isEmpty()) {
      Throwable first = failures.get(0);
      for (Throwable t : failures.subList(1, failures.size())) {
        first.addSuppressed(t);
      }
      if (first instanceof RuntimeException e) {
        throw e;
      }
      if (first instanceof Error e) {
        throw e;
      }
      throw Errors.scopeEndFailed(what, first);
    }
  }
}
