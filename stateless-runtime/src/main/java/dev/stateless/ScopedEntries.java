package dev.stateless;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.core.Rights;
import dev.stateless.core.StatelessException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The entries of a request scope or session, deleted when it ends (their writes in flight are
 * waited for first, so no write lands after its delete), with the cleanup callbacks of session
 * entries run after their delete. Holds nothing once closed.
 */
final class ScopedEntries {
  private final Engine engine;
  private final String what;
  private final boolean cleanupRequired;
  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
  private boolean closed;

  private static final class Entry {
    final Rights rights;
    final CacheLayer via;
    final List<Runnable> cleanups = new ArrayList<>();

    Entry(Rights rights, CacheLayer via) {
      this.rights = rights;
      this.via = via;
    }
  }

  /**
   * @param what "request scope", "session" or "cache", for messages
   * @param cleanupRequired whether every entry needs a cleanup callback (sessions: SL010 if not)
   */
  ScopedEntries(Engine engine, String what, boolean cleanupRequired) {
    this.engine = engine;
    this.what = what;
    this.cleanupRequired = cleanupRequired;
  }

  /** Records an entry whose write is in flight; it is deleted when this ends. */
  void written(String key, Rights rights, CacheLayer via, CompletableFuture<?> write) {
    synchronized (this) {
      if (closed) {
        throw Errors.scopeClosed(what);
      }
      entries.computeIfAbsent(key, k -> new Entry(rights, via));
      inFlight.add(write);
    }
    write.whenComplete((v, t) -> inFlight.remove(write));
  }

  /** Adds a cleanup callback to an entry, run after its delete when this ends. */
  synchronized void cleanup(String key, Rights rights, CacheLayer via, Runnable cleanup) {
    java.util.Objects.requireNonNull(cleanup, "cleanup");
    if (closed) {
      throw Errors.scopeClosed(what);
    }
    entries.computeIfAbsent(key, k -> new Entry(rights, via)).cleanups.add(cleanup);
  }

  synchronized boolean isClosed() {
    return closed;
  }

  /**
   * Ends the scope: waits for its writes, deletes every entry, then runs the cleanups. Every step
   * is attempted; the first failure is thrown with the others suppressed. Closing twice does
   * nothing.
   */
  void close() {
    Map<String, Entry> toDelete;
    List<CompletableFuture<?>> writes;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toDelete = new LinkedHashMap<>(entries);
      entries.clear();
      writes = new ArrayList<>(inFlight);
    }
    for (CompletableFuture<?> w : writes) {
      try {
        w.join();
      } catch (RuntimeException e) {
        // a failed write: its key is deleted below all the same (it may have been applied)
      }
    }
    List<Throwable> failures = new ArrayList<>();
    List<CompletableFuture<Boolean>> deletes = new ArrayList<>();
    for (Map.Entry<String, Entry> e : toDelete.entrySet()) {
      try {
        deletes.add(engine.delOwnEntry(e.getValue().rights, e.getValue().via, e.getKey()));
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
      RuntimeException thrown =
          first instanceof RuntimeException
              ? (RuntimeException) first
              : new StatelessException(List.of(), first);
      for (Throwable t : failures.subList(1, failures.size())) {
        thrown.addSuppressed(t);
      }
      throw thrown;
    }
  }
}
