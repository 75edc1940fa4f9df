package dev.stateless.internal;

/** One layer's storage, chosen once when the cache is built ({@code Stores}). */
public interface Store extends AutoCloseable {

  /** What the store is, for messages: {@code "in-process"} or a URI without its password. */
  String describe();

  /** Whether other processes share this store's data. */
  boolean isShared();

  /** Releases the store's memory or connections. */
  @Override
  void close();
}
