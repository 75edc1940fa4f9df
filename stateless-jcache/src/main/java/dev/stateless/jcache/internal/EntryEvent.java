package dev.stateless.jcache.internal;

import javax.cache.Cache;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.EventType;
import org.jspecify.annotations.Nullable;

/** A JCache entry event. */
final class EntryEvent<K, V> extends CacheEntryEvent<K, V> {
  private static final long serialVersionUID = 1L;

  private final transient Cache<K, V> cache;
  private final K key;
  private final transient @Nullable V value;
  private final transient @Nullable V oldValue;
  private final boolean oldValueAvailable;

  EntryEvent(
      Cache<K, V> source,
      EventType type,
      K key,
      @Nullable V value,
      @Nullable V oldValue,
      boolean oldValueAvailable) {
    super(source, type);
    this.cache = source;
    this.key = key;
    this.value = value;
    this.oldValue = oldValue;
    this.oldValueAvailable = oldValueAvailable;
  }

  /**
   * This event as a listener without {@code isOldValueRequired} sees it: no old value, and no value
   * for a removal or an expiry.
   */
  EntryEvent<K, V> withoutOldValue() {
    EventType type = getEventType();
    boolean gone = type == EventType.REMOVED || type == EventType.EXPIRED;
    return new EntryEvent<>(cache, type, key, gone ? null : value, null, false);
  }

  @Override
  public K getKey() {
    return key;
  }

  @Override
  @SuppressWarnings("NullAway") // JCache's API: an event of a removal may carry no value
  public V getValue() {
    return value;
  }

  @Override
  public @Nullable V getOldValue() {
    return oldValueAvailable ? oldValue : null;
  }

  @Override
  public boolean isOldValueAvailable() {
    return oldValueAvailable;
  }

  @Override
  public <T> T unwrap(Class<T> type) {
    if (type.isInstance(this)) {
      return type.cast(this);
    }
    throw new IllegalArgumentException("cannot unwrap an event to " + type);
  }
}
