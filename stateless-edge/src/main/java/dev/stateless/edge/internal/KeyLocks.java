package dev.stateless.edge.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Orders the node's writes of each key: a write (or an {@code EXEC}, a {@code WATCH}) runs once
 * every earlier one of the same keys has completed, so an {@code EXEC} that reads, checks and
 * writes its keys sees no other connection's write of them in between, and a {@code WATCH} is
 * registered between two writes, never during one. Writes of other keys are not held up; a key no
 * one holds costs one map entry while a write of it runs.
 *
 * <p>No cycle can form: an operation of several keys takes its places in their queues all at once
 * (under this object's monitor), so two such operations are queued in the same order on every key
 * they share, and an operation of one key waits for one predecessor only.
 */
final class KeyLocks {
  private final ConcurrentHashMap<String, CompletableFuture<Void>> tails =
      new ConcurrentHashMap<>();
  private final Consumer<String> written;

  /**
   * @param written told of each key a write held, once the write completed (or failed: it may have
   *     applied), before the next holder of the key runs
   */
  KeyLocks(Consumer<String> written) {
    this.written = written;
  }

  /** Runs the write {@code op} of {@code key} after the key's earlier holders. */
  <T> CompletableFuture<T> write(String key, Supplier<CompletableFuture<T>> op) {
    return run(List.of(key), true, op);
  }

  /** Runs the write {@code op} of {@code keys} after their earlier holders. */
  <T> CompletableFuture<T> write(Collection<String> keys, Supplier<CompletableFuture<T>> op) {
    return run(keys, true, op);
  }

  /**
   * Runs {@code op} holding {@code keys}, as a write does, without counting as a write of them: the
   * caller tells {@code written} of the keys it wrote.
   */
  <T> CompletableFuture<T> hold(Collection<String> keys, Supplier<CompletableFuture<T>> op) {
    return run(keys, false, op);
  }

  private <T> CompletableFuture<T> run(
      Collection<String> keys, boolean touch, Supplier<CompletableFuture<T>> op) {
    List<String> held = List.copyOf(new java.util.LinkedHashSet<>(keys));
    CompletableFuture<Void> mine = new CompletableFuture<>();
    List<CompletableFuture<Void>> before = new ArrayList<>(held.size());
    if (held.size() == 1) {
      add(before, tails.put(held.get(0), mine));
    } else {
      synchronized (this) {
        for (String key : held) {
          add(before, tails.put(key, mine));
        }
      }
    }
    CompletableFuture<T> result =
        before.isEmpty()
            ? call(op)
            : CompletableFuture.allOf(before.toArray(new CompletableFuture<?>[0]))
                .thenCompose(x -> call(op));
    CompletableFuture<?> unused =
        result.whenComplete(
            (v, t) -> {
              for (String key : held) {
                if (touch) {
                  written.accept(key);
                }
                tails.remove(key, mine);
              }
              mine.complete(null);
            });
    return result;
  }

  private static void add(List<CompletableFuture<Void>> before, CompletableFuture<Void> f) {
    if (f != null && !f.isDone()) {
      before.add(f);
    }
  }

  private static <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> op) {
    try {
      return op.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Keys some operation holds now (for tests). */
  int held() {
    return tails.size();
  }
}
