package dev.stateless.jcache.internal;

import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.processor.MutableEntry;
import org.jspecify.annotations.Nullable;

/**
 * The entry an {@code EntryProcessor} sees: changes are recorded, and applied by the cache once the
 * processor returns (one outcome per invocation, as JCache asks).
 */
final class ProcessorEntry<K, V> implements MutableEntry<K, V> {
  enum Outcome {
    NONE,
    ACCESS,
    LOAD,
    CREATE,
    UPDATE,
    REMOVE
  }

  private final K key;
  private final @Nullable V stored;
  private final @Nullable CacheLoader<K, V> loader;
  private @Nullable V value;
  private Outcome outcome = Outcome.NONE;

  ProcessorEntry(K key, @Nullable V stored, @Nullable CacheLoader<K, V> loader) {
    this.key = key;
    this.stored = stored;
    this.loader = loader;
  }

  Outcome outcome() {
    return outcome;
  }

  @Nullable V value() {
    return value;
  }

  @Override
  public K getKey() {
    return key;
  }

  @Override
  @SuppressWarnings("NullAway") // JCache's API: the value of an absent entry is null
  public V getValue() {
    if (outcome == Outcome.NONE) {
      value = stored;
    }
    if (value != null) {
      if (outcome == Outcome.NONE) {
        outcome = Outcome.ACCESS;
      }
    } else if (loader != null) {
      try {
        value = loader.load(key);
      } catch (CacheLoaderException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new CacheLoaderException("the CacheLoader failed: " + e, e);
      }
      if (value != null) {
        outcome = Outcome.LOAD;
      }
    }
    return value;
  }

  @Override
  public boolean exists() {
    return (outcome == Outcome.NONE && stored != null) || value != null;
  }

  @Override
  public void remove() {
    outcome = outcome == Outcome.CREATE || outcome == Outcome.LOAD ? Outcome.NONE : Outcome.REMOVE;
    value = null;
  }

  @Override
  public void setValue(V newValue) {
    if (newValue == null) {
      throw new NullPointerException("value");
    }
    outcome = stored == null ? Outcome.CREATE : Outcome.UPDATE;
    value = newValue;
  }

  @Override
  public <T> T unwrap(Class<T> type) {
    throw new IllegalArgumentException("cannot unwrap a processor's entry to " + type);
  }
}
