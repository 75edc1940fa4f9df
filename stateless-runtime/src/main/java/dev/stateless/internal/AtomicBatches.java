package dev.stateless.internal;

import dev.stateless.SetOptions;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Strategy;
import dev.stateless.core.Operation;
import dev.stateless.core.Rights;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * {@code atomicBatch}: writes checked one by one as they are recorded, then applied all together:
 * in-process stores under the batch lock, or one remote store in one step. While a batch applies,
 * its keys' stripes are marked ({@link Generations#markBatch}): copies are not served and
 * in-process reads wait, so a reader that saw one write of a batch sees all of them.
 */
public final class AtomicBatches {
  private final Lifecycle lifecycle;
  private final Layers layers;
  private final Writes writes;
  private final Generations generations;
  private final Copies copies;
  private final Invalidations invalidations;
  private final Metrics metrics;

  AtomicBatches(
      Lifecycle lifecycle,
      Layers layers,
      Writes writes,
      Generations generations,
      Copies copies,
      Invalidations invalidations,
      Metrics metrics) {
    this.lifecycle = lifecycle;
    this.layers = layers;
    this.writes = writes;
    this.generations = generations;
    this.copies = copies;
    this.invalidations = invalidations;
    this.metrics = metrics;
  }

  /**
   * One write of a batch, checked and encoded when it was recorded.
   *
   * @param value the value to store; null: a delete
   */
  @SuppressWarnings("ArrayRecordComponent") // an internal carrier, never compared or hashed
  public record BatchWrite(
      Route route,
      CacheLayer target,
      String key,
      @Nullable Object value,
      byte @Nullable [] bytes,
      int weight,
      long ttlNanos) {}

  /** Checks and encodes one write of a batch; nothing is applied yet. */
  public BatchWrite prepare(
      Rights rights,
      @Nullable CacheLayer via,
      String key,
      @Nullable Object value,
      SetOptions options) {
    Operation op = value == null ? Operation.DELETE : Operation.WRITE;
    Route r = writes.writable(rights, op, key, via);
    CacheLayer target = via != null ? via : r.primary;
    if (value == null) {
      if (r.streaming()) {
        throw Errors.streamedDeleteInBatch(key, r.ownerName);
      }
      return new BatchWrite(r, target, key, null, null, 0, 0);
    }
    if (options.condition() != SetOptions.Condition.ALWAYS) {
      throw new IllegalArgumentException(
          "atomicBatch writes take a TTL, not a condition (" + options + ")");
    }
    if (rights.strategy() == Strategy.REDIS_COMPATIBLE) {
      value = r.values.fromRedisForm(key, value); // "42" for a Long, as Redis would take it
    }
    // A remote target takes each value in the batch's one command: it must fit there.
    RemoteStore to = r.regions[target.ordinal()] == null ? layers.remote(target) : null;
    Values.Encoded encoded = Values.encode(r.values, key, value, to);
    byte[] bytes = encoded.bytes();
    int weight = Entry.weigh(key, bytes.length);
    if (r.maxBytes > 0 && weight > r.maxBytes) {
      throw Errors.valueTooLarge(key, r.ownerName, bytes.length, r.maxBytes);
    }
    long ttl = writes.jitter(options.ttl() != null ? Writes.nanos(options.ttl()) : r.ttlNanos);
    return new BatchWrite(r, target, key, encoded.stored(), bytes, weight, ttl);
  }

  /**
   * Applies checked writes all together: in-process stores under the batch lock, or one remote
   * store in one step. Writes to an in-process store and a remote one (or two remote stores) cannot
   * be made atomic and are refused before anything is applied.
   */
  public CompletableFuture<Void> apply(Rights rights, List<BatchWrite> batch) {
    lifecycle.checkOpen();
    if (batch.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    BatchWrite a = batch.get(0);
    RemoteStore remote = layers.remote(a.target());
    for (BatchWrite w : batch) {
      if (layers.remote(w.target()) != remote) {
        throw Errors.batchSpansStores(
            a.key(),
            a.target(),
            // a batch's targets are layers its routes write to, so they are present
            Objects.requireNonNull(layers.store(a.target()), "store").describe(),
            w.key(),
            w.target(),
            Objects.requireNonNull(layers.store(w.target()), "store").describe());
      }
    }
    List<String> keys = new ArrayList<>(batch.size());
    batch.forEach(w -> keys.add(w.key()));
    int[] marked = generations.markBatch(keys);
    CompletableFuture<?> applied;
    if (remote == null) {
      try {
        generations.underBatchLock(
            () -> {
              for (BatchWrite w : batch) {
                Region region = w.route().region(w.target().ordinal());
                if (w.value() == null) {
                  region.invalidate(w.key());
                } else {
                  boolean copy = w.target() != w.route().primary;
                  Entry e =
                      new Entry(w.value(), w.weight(), Entry.ttlFor(w.ttlNanos()), w.route(), copy);
                  region.put(w.key(), e);
                }
                copies.drop(w.route(), w.target(), w.key());
              }
            });
      } finally {
        generations.unmarkBatch(marked);
      }
      applied = CompletableFuture.completedFuture(null);
    } else {
      List<String> owners = new ArrayList<>(batch.size());
      List<byte[]> values = new ArrayList<>(batch.size());
      long[] px = new long[batch.size()];
      for (int i = 0; i < batch.size(); i++) {
        BatchWrite w = batch.get(i);
        owners.add(w.route().ownerName);
        values.add(w.bytes());
        px[i] = Writes.toMillis(w.ttlNanos());
        metrics.sent(remote);
      }
      CompletableFuture<Long> sent;
      try {
        sent = remote.batch(keys, owners, values, px);
      } catch (RuntimeException e) {
        sent = CompletableFuture.failedFuture(e);
      }
      // Copies are dropped whether or not the answer came back: the step may have run.
      applied =
          sent.whenComplete(
              (n, t) -> {
                for (BatchWrite w : batch) {
                  copies.drop(w.route(), w.target(), w.key());
                }
                generations.unmarkBatch(marked);
              });
    }
    return Writes.thenDependents(
            applied,
            () -> {
              List<CompletableFuture<Long>> dependents = new ArrayList<>();
              for (BatchWrite w : batch) {
                try {
                  dependents.add(invalidations.dependentsOf(w.route(), rights, w.key()));
                } catch (RuntimeException e) {
                  dependents.add(CompletableFuture.failedFuture(e));
                }
              }
              return CompletableFuture.allOf(dependents.toArray(new CompletableFuture<?>[0]));
            })
        .thenApply(v -> null);
  }
}
