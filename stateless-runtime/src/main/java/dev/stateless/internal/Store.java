package dev.stateless.internal;

import java.util.function.LongSupplier;

/**
 * One layer's storage, chosen once when the cache is built ({@code Stores}); nothing downstream
 * asks which kind it is. A {@code LayerStore} holds either an in-process store ({@code
 * LayerStore.local()}), which keeps entries in {@link Region}s the engine reads directly, or a
 * store in another process ({@code LayerStore.remote()}), which answers the {@link RemoteStore}
 * commands: exactly one of the two is non-null.
 */
public interface Store extends AutoCloseable {

  /** What the store is, for messages: {@code "in-process"} or a URI without its password. */
  String describe();

  /** Whether other processes share this store's data. */
  boolean isShared();

  /**
   * Binds the store to the cache being built, before any route exists.
   *
   * @param nanoTime the cache's clock, in nanoseconds
   * @throws IllegalStateException if the store already serves a layer
   */
  default void attach(LongSupplier nanoTime) {}

  /** Releases the store's memory or connections. */
  @Override
  void close();
}
