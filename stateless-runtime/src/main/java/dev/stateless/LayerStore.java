package dev.stateless;

/**
 * Where one layer of a {@link StatelessCache} keeps its entries: in this process ({@link
 * Stores#inProcess()}) or in Redis ({@link Stores#redis(String)}). Obtain stores from {@link
 * Stores}; a store serves exactly one layer of one cache, which closes it.
 *
 * <p>Thread-safe.
 */
public abstract sealed class LayerStore implements AutoCloseable permits LocalStore, RedisStore {

  LayerStore() {}

  /**
   * Returns what this store is, for messages and logs.
   *
   * @return {@code "in-process"} or the Redis URI (without password)
   */
  public abstract String describe();

  /**
   * Returns whether other processes share this store's data (Redis) or it lives in this process.
   *
   * @return whether the store is shared
   */
  public abstract boolean isShared();

  /** Releases the store's memory or connections. Called by the cache that uses it. */
  @Override
  public abstract void close();

  @Override
  public String toString() {
    return describe();
  }
}
