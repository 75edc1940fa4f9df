package dev.stateless;

import dev.stateless.internal.CaffeineStore;
import dev.stateless.internal.RemoteStore;
import dev.stateless.internal.Store;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where one layer of a {@link StatelessCache} keeps its entries: in this process ({@link
 * Stores#inProcess()}) or in Redis ({@link Stores#redis(String)}). Obtain stores from {@link
 * Stores}; a store serves exactly one layer of one cache, which closes it.
 *
 * <p>Thread-safe.
 */
public final class LayerStore implements AutoCloseable {
  private final Store store;
  private final @Nullable CaffeineStore local;
  private final @Nullable RemoteStore remote;

  LayerStore(CaffeineStore local) {
    this.store = Objects.requireNonNull(local, "local");
    this.local = local;
    this.remote = null;
  }

  LayerStore(RemoteStore remote) {
    this.store = Objects.requireNonNull(remote, "remote");
    this.local = null;
    this.remote = remote;
  }

  /**
   * Returns what this store is, for messages and logs.
   *
   * @return {@code "in-process"} or the Redis URI (without password)
   */
  public String describe() {
    return store.describe();
  }

  /**
   * Returns whether other processes share this store's data (Redis) or it lives in this process.
   *
   * @return whether the store is shared
   */
  public boolean isShared() {
    return store.isShared();
  }

  /** Releases the store's memory or connections. Called by the cache that uses it. */
  @Override
  public void close() {
    store.close();
  }

  /** The in-process store, or null: this one is remote. */
  @Nullable CaffeineStore local() {
    return local;
  }

  /** The remote store, or null: this one is in-process. */
  @Nullable RemoteStore remote() {
    return remote;
  }

  @Override
  public String toString() {
    return describe();
  }
}
