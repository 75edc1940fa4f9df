package dev.stateless;

import dev.stateless.annotation.CacheLayer;
import java.util.List;
import java.util.Objects;

/**
 * A snapshot of a cache's health, from {@link StatelessCache#status()}: each layer's store, whether
 * it is reachable and whether its invalidations are read without a gap, and the {@code
 * CLIENT_FIRST} writes still queued. Taken without any I/O, from what the stores last saw: a Redis
 * connection that dropped shows at once; a server that stopped answering without closing the
 * connection shows once a call or the invalidation reader times out.
 *
 * <p>Immutable and thread-safe.
 *
 * @param layers the cache's layers, nearest first (only those the cache has)
 * @param pendingWrites {@code CLIENT_FIRST} writes queued for their owner's store and not yet
 *     drained ({@link StatelessCache#pendingWrites()})
 * @param healthy whether every layer is reachable and its invalidations are live
 */
public record CacheStatus(List<LayerStatus> layers, long pendingWrites, boolean healthy) {

  /**
   * A snapshot of a cache's health.
   *
   * @param layers the cache's layers, nearest first
   * @param pendingWrites the queued {@code CLIENT_FIRST} writes
   * @param healthy whether every layer is reachable and live
   * @throws NullPointerException if {@code layers} is null or holds null
   */
  public CacheStatus {
    layers = List.copyOf(layers);
  }

  /**
   * Returns the cache's layers, nearest first.
   *
   * @return one status per layer the cache has
   */
  @Override
  public List<LayerStatus> layers() {
    return layers;
  }

  /**
   * Returns how many {@code CLIENT_FIRST} writes are queued and not yet drained.
   *
   * @return the number of queued writes
   */
  @Override
  public long pendingWrites() {
    return pendingWrites;
  }

  /**
   * Returns whether every layer is reachable and its invalidations are live.
   *
   * @return whether the cache is healthy
   */
  @Override
  public boolean healthy() {
    return healthy;
  }

  /**
   * One layer's store.
   *
   * @param layer the layer
   * @param store what the store is: {@code in-process}, or its URI without a password ({@code
   *     redis://127.0.0.1:6379/0})
   * @param remote whether the store is in another process
   * @param reachable whether the store is connected and answering (in-process: always)
   * @param invalidationsLive whether the store's invalidations are read without a gap right now, so
   *     copies of its data are served (in-process: always)
   */
  public record LayerStatus(
      CacheLayer layer,
      String store,
      boolean remote,
      boolean reachable,
      boolean invalidationsLive) {

    /**
     * One layer's store.
     *
     * @param layer the layer
     * @param store the store's description
     * @param remote whether it is in another process
     * @param reachable whether it is connected and answering
     * @param invalidationsLive whether its invalidations are read without a gap
     * @throws NullPointerException if {@code layer} or {@code store} is null
     */
    public LayerStatus {
      Objects.requireNonNull(layer, "layer");
      Objects.requireNonNull(store, "store");
    }

    /**
     * Returns the layer.
     *
     * @return the layer
     */
    @Override
    public CacheLayer layer() {
      return layer;
    }

    /**
     * Returns what the store is: {@code in-process}, or its URI without a password.
     *
     * @return the store's description
     */
    @Override
    public String store() {
      return store;
    }

    /**
     * Returns whether the store is in another process (Redis, an edge node).
     *
     * @return whether the store is remote
     */
    @Override
    public boolean remote() {
      return remote;
    }

    /**
     * Returns whether the store is connected and answering; always true in-process.
     *
     * @return whether the store is reachable
     */
    @Override
    public boolean reachable() {
      return reachable;
    }

    /**
     * Returns whether the store's invalidations are read without a gap right now, so copies of its
     * data in nearer layers are served; always true in-process.
     *
     * @return whether its invalidations are live
     */
    @Override
    public boolean invalidationsLive() {
      return invalidationsLive;
    }
  }
}
