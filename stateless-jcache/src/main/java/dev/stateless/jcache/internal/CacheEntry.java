package dev.stateless.jcache.internal;

import javax.cache.Cache;

/** An entry handed out by a cache's iterator (or to a writer): a copy, not the stored value. */
public final class CacheEntry<K, V> implements Cache.Entry<K, V> {
  private final K key;
  private final V value;

  CacheEntry(K key, V value) {
    this.key = key;
    this.value = value;
  }

  @Override
  public K getKey() {
    return key;
  }

  @Override
  public V getValue() {
    return value;
  }

  @Override
  public <T> T unwrap(Class<T> type) {
    if (type.isInstance(this)) {
      return type.cast(this);
    }
    throw new IllegalArgumentException("cannot unwrap an entry to " + type);
  }

  @Override
  public String toString() {
    return key + "=" + value;
  }
}
