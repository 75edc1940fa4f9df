package dev.stateless;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.core.Rights;
import dev.stateless.internal.AtomicBatches;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The writes of an {@link StatelessCache#atomicBatch atomicBatch}: recorded while the batch's
 * function runs, each checked at once (rights, key, size), and applied together when it returns. A
 * write that breaks a rule throws here and fails the whole batch, even if the function catches the
 * exception. Used only inside that function, on its thread.
 */
public final class CacheTransaction {
  private final AtomicBatches ops;
  private final Rights rights;
  private final @Nullable CacheLayer via;
  private final List<AtomicBatches.BatchWrite> writes = new ArrayList<>();
  private @Nullable RuntimeException failure;
  private boolean done;

  CacheTransaction(AtomicBatches ops, Rights rights, @Nullable CacheLayer via) {
    this.ops = ops;
    this.rights = rights;
    this.via = via;
  }

  /**
   * Adds a write of a key.
   *
   * @param key the key
   * @param value the value
   * @return this transaction
   */
  public CacheTransaction set(String key, Object value) {
    return set(key, value, SetOptions.none());
  }

  /**
   * Adds a write of a key with a TTL ({@link SetOptions#ttl}); conditions are not supported in a
   * batch.
   *
   * @param key the key
   * @param value the value
   * @param options the options
   * @return this transaction
   */
  public CacheTransaction set(String key, Object value, SetOptions options) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(options, "options");
    return record(key, value, options);
  }

  /**
   * Adds a delete of a key.
   *
   * @param key the key
   * @return this transaction
   */
  public CacheTransaction del(String key) {
    Objects.requireNonNull(key, "key");
    return record(key, null, SetOptions.none());
  }

  private CacheTransaction record(String key, @Nullable Object value, SetOptions options) {
    if (done) {
      throw new IllegalStateException("this batch has already been applied");
    }
    try {
      writes.add(ops.prepare(rights, via, key, value, options));
    } catch (RuntimeException e) {
      if (failure == null) {
        failure = e;
      }
      throw e;
    }
    return this;
  }

  /** The checked writes, or the first failure; no more writes may be added. */
  List<AtomicBatches.BatchWrite> finish() {
    done = true;
    if (failure != null) {
      throw failure;
    }
    return writes;
  }
}
