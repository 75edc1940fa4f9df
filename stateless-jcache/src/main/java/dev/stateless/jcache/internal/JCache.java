package dev.stateless.jcache.internal;

import dev.stateless.StatelessCache;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.cache.integration.CompletionListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;
import org.jspecify.annotations.Nullable;

/**
 * A JCache cache over one {@link StatelessCache} view: entries are {@link Stored} bytes under
 * {@code <name>:<key>} keys ({@link EntryStore}); expiry, listeners, loader, writer, processors and
 * statistics follow JSR-107 as its reference implementation does. A compound operation holds its
 * key's lock ({@link KeyLocks}) in this process.
 *
 * <p>Thread-safe.
 */
public final class JCache<K, V> implements Cache<K, V> {
  private static final String CONFIGURATION_BEAN = "CacheConfiguration";
  private static final String STATISTICS_BEAN = "CacheStatistics";

  private final JCacheManager manager;
  private final String name;
  private final StatelessCache view;
  private final MutableConfiguration<K, V> configuration;
  private final EntryStore store;
  private final Serializer serializer;
  private final KeyLocks locks = new KeyLocks();
  private final ExpiryPolicy expiry;
  private final @Nullable CacheLoader<K, V> loader;
  private final @Nullable CacheWriter<K, V> writer;
  private final Listeners<K, V> listeners;
  private final Statistics statistics;
  private final Management management;
  private volatile boolean closed;

  @SuppressWarnings("unchecked")
  JCache(
      JCacheManager manager, String name, StatelessCache view, Configuration<K, V> configuration) {
    this.manager = manager;
    this.name = name;
    this.view = view;
    if (configuration instanceof CompleteConfiguration) {
      this.configuration = new MutableConfiguration<>((CompleteConfiguration<K, V>) configuration);
    } else {
      MutableConfiguration<K, V> copy = new MutableConfiguration<>();
      copy.setStoreByValue(configuration.isStoreByValue());
      copy.setTypes(configuration.getKeyType(), configuration.getValueType());
      this.configuration = copy;
    }
    this.store = new EntryStore(view, name);
    this.serializer = new Serializer(manager.getClassLoader());
    Factory<CacheLoader<K, V>> loaderFactory = this.configuration.getCacheLoaderFactory();
    this.loader = loaderFactory == null ? null : loaderFactory.create();
    Factory<CacheWriter<? super K, ? super V>> writerFactory =
        this.configuration.getCacheWriterFactory();
    // JCache types the writer CacheWriter<? super K, ? super V>; it is only ever handed K and V.
    this.writer = writerFactory == null ? null : (CacheWriter<K, V>) writerFactory.create();
    this.expiry = this.configuration.getExpiryPolicyFactory().create();
    this.listeners = new Listeners<>(this);
    for (CacheEntryListenerConfiguration<K, V> listener :
        this.configuration.getCacheEntryListenerConfigurations()) {
      listeners.register(listener);
    }
    this.statistics = new Statistics(this::size);
    this.management = new Management(this.configuration);
    if (this.configuration.isManagementEnabled()) {
      setManagementEnabled(true);
    }
    if (this.configuration.isStatisticsEnabled()) {
      setStatisticsEnabled(true);
    }
  }

  // ---- reads ----

  @Override
  public @Nullable V get(K key) {
    ensureOpen();
    Objects.requireNonNull(key, "key");
    Listeners<K, V>.Batch events = listeners.batch();
    V value = read(key, events);
    events.dispatch();
    return value;
  }

  @Override
  public Map<K, V> getAll(Set<? extends K> keys) {
    ensureOpen();
    requireKeys(keys);
    Map<K, V> found = new HashMap<>(keys.size());
    Listeners<K, V>.Batch events = listeners.batch();
    for (K key : keys) {
      V value = read(key, events);
      if (value != null) {
        found.put(key, value);
      }
    }
    events.dispatch();
    return found;
  }

  /** A get: a hit touches the access expiry; a miss reads through the loader when configured. */
  private @Nullable V read(K key, Listeners<K, V>.Batch events) {
    long start = statistics.start();
    long now = now();
    String storeKey = storeKey(key);
    ReentrantLock lock = locks.of(storeKey);
    lock.lock();
    try {
      Stored stored = store.read(storeKey);
      if (stored == null || stored.expiredAt(now)) {
        if (stored != null) {
          expire(storeKey, key, stored, events);
        }
        statistics.misses(1);
        if (!configuration.isReadThrough() || loader == null) {
          return null;
        }
        V loaded = load(key);
        if (loaded == null) {
          return null;
        }
        long expireAt = creationExpiry(now);
        if (expireAt <= now) {
          return null;
        }
        store.write(storeKey, new Stored(serializer.toBytes(loaded), expireAt), now);
        events.created(key, loaded);
        return loaded;
      }
      V value = valueOf(stored);
      touch(storeKey, stored, now);
      statistics.hits(1);
      return value;
    } finally {
      lock.unlock();
      statistics.getTime(start);
    }
  }

  @Override
  public boolean containsKey(K key) {
    ensureOpen();
    Objects.requireNonNull(key, "key");
    Stored stored = store.read(storeKey(key));
    return stored != null && !stored.expiredAt(now());
  }

  @Override
  public void loadAll(
      Set<? extends K> keys,
      boolean replaceExistingValues,
      @Nullable CompletionListener completionListener) {
    ensureOpen();
    requireKeys(keys);
    CacheLoader<K, V> cacheLoader = loader;
    if (cacheLoader == null) {
      if (completionListener != null) {
        completionListener.onCompletion();
      }
      return;
    }
    ForkJoinPool.commonPool()
        .execute(
            () -> {
              try {
                List<K> toLoad = new ArrayList<>();
                for (K key : keys) {
                  if (replaceExistingValues || !containsKey(key)) {
                    toLoad.add(key);
                  }
                }
                Map<? extends K, ? extends V> loaded;
                try {
                  loaded = cacheLoader.loadAll(toLoad);
                } catch (CacheLoaderException e) {
                  throw e;
                } catch (RuntimeException e) {
                  throw new CacheLoaderException("the CacheLoader failed: " + e, e);
                }
                Map<K, V> values = new LinkedHashMap<>();
                if (loaded != null) {
                  loaded.forEach(
                      (k, v) -> {
                        if (k != null && v != null) {
                          values.put(k, v);
                        }
                      });
                }
                putAll(values, replaceExistingValues, false);
                if (completionListener != null) {
                  completionListener.onCompletion();
                }
              } catch (RuntimeException e) {
                if (completionListener != null) {
                  completionListener.onException(e);
                }
              }
            });
  }

  // ---- writes ----

  @Override
  public void put(K key, V value) {
    ensureOpen();
    requireEntry(key, value);
    long start = statistics.start();
    if (putOne(key, value)) {
      statistics.puts(1);
      statistics.putTime(start);
    }
  }

  /** A put under the key's lock; whether an entry was stored. */
  private boolean putOne(K key, V value) {
    long now = now();
    String storeKey = storeKey(key);
    byte[] bytes = serializer.toBytes(value);
    ReentrantLock lock = locks.of(storeKey);
    lock.lock();
    try {
      Listeners<K, V>.Batch events = listeners.batch();
      boolean stored = store(storeKey, key, value, bytes, store.read(storeKey), now, events, true);
      events.dispatch();
      return stored;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stores a value over what the key held (caller holds the lock): creation or update expiry, the
   * writer when asked, the event. Returns whether the value was stored (a creation expiring at once
   * is not).
   */
  private boolean store(
      String storeKey,
      K key,
      V value,
      byte[] bytes,
      @Nullable Stored current,
      long now,
      Listeners<K, V>.Batch events,
      boolean writeThrough) {
    boolean expired = current != null && current.expiredAt(now);
    if (current == null || expired) {
      if (expired) {
        expire(storeKey, key, current, events);
      }
      long expireAt = creationExpiry(now);
      if (writeThrough) {
        write(key, value);
      }
      if (expireAt <= now) {
        events.expired(key, value);
        return false;
      }
      store.write(storeKey, new Stored(bytes, expireAt), now);
      events.created(key, value);
      return true;
    }
    V old = valueOf(current);
    if (writeThrough) {
      write(key, value);
    }
    Long updated = updateExpiry(now);
    store.write(storeKey, new Stored(bytes, updated == null ? current.expireAt : updated), now);
    events.updated(key, value, old);
    return true;
  }

  @Override
  public @Nullable V getAndPut(K key, V value) {
    ensureOpen();
    requireEntry(key, value);
    long start = statistics.start();
    long now = now();
    String storeKey = storeKey(key);
    byte[] bytes = serializer.toBytes(value);
    V old;
    boolean stored;
    ReentrantLock lock = locks.of(storeKey);
    lock.lock();
    try {
      Listeners<K, V>.Batch events = listeners.batch();
      Stored current = store.read(storeKey);
      old = current == null || current.expiredAt(now) ? null : valueOf(current);
      stored = store(storeKey, key, value, bytes, current, now, events, true);
      events.dispatch();
    } finally {
      lock.unlock();
    }
    statistics.read(old != null, start);
    if (stored) {
      statistics.puts(1);
      statistics.putTime(start);
    }
    return old;
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> map) {
    ensureOpen();
    Objects.requireNonNull(map, "map");
    map.forEach(this::requireEntry);
    putAll(map, true, true);
  }

  private void putAll(
      Map<? extends K, ? extends V> map, boolean replaceExisting, boolean writeThrough) {
    long start = statistics.start();
    long now = now();
    Map<String, K> storeKeys = new LinkedHashMap<>();
    for (K key : map.keySet()) {
      storeKeys.put(storeKey(key), key);
    }
    Map<K, byte[]> bytes = new HashMap<>();
    map.forEach((k, v) -> bytes.put(k, serializer.toBytes(v)));
    RuntimeException failure = null;
    int puts = 0;
    Listeners<K, V>.Batch events = listeners.batch();
    List<ReentrantLock> held = locks.of(storeKeys.keySet());
    held.forEach(ReentrantLock::lock);
    try {
      Set<K> toStore = new LinkedHashSet<>(map.keySet());
      CacheWriter<K, V> cacheWriter = writer;
      if (writeThrough && configuration.isWriteThrough() && cacheWriter != null) {
        List<Cache.Entry<? extends K, ? extends V>> toWrite = new ArrayList<>();
        map.forEach((k, v) -> toWrite.add(new CacheEntry<K, V>(k, v)));
        try {
          cacheWriter.writeAll(toWrite);
        } catch (CacheWriterException e) {
          failure = e;
        } catch (RuntimeException e) {
          failure = new CacheWriterException("the CacheWriter failed: " + e, e);
        }
        if (failure != null) {
          toWrite.forEach(e -> toStore.remove(e.getKey()));
        }
      }
      for (Map.Entry<String, K> entry : storeKeys.entrySet()) {
        K key = entry.getValue();
        if (!toStore.contains(key)) {
          continue;
        }
        Stored current = store.read(entry.getKey());
        if (!replaceExisting && current != null && !current.expiredAt(now)) {
          continue;
        }
        V value = map.get(key);
        byte[] valueBytes = bytes.get(key);
        if (value != null
            && valueBytes != null
            && store(entry.getKey(), key, value, valueBytes, current, now, events, false)
            && writeThrough) {
          puts++;
        }
      }
    } finally {
      held.forEach(ReentrantLock::unlock);
    }
    events.dispatch();
    if (puts > 0) {
      statistics.puts(puts);
      statistics.putTime(start);
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public boolean putIfAbsent(K key, V value) {
    ensureOpen();
    requireEntry(key, value);
    long start = statistics.start();
    long now = now();
    String storeKey = storeKey(key);
    byte[] bytes = serializer.toBytes(value);
    boolean stored;
    ReentrantLock lock = locks.of(storeKey);
    lock.lock();
    try {
      Listeners<K, V>.Batch events = listeners.batch();
      Stored current = store.read(storeKey);
      if (current != null && !current.expiredAt(now)) {
        stored = false;
      } else {
        stored = store(storeKey, key, value, bytes, current, now, events, true);
      }
      events.dispatch();
    } finally {
      lock.unlock();
    }
    if (stored) {
      statistics.puts(1);
      statistics.misses(1);
      statistics.putTime(start);
    } else {
      statistics.hits(1);
    }
    return stored;
  }

  @Override
  public boolean remove(K key) {
    ensureOpen();
    Objects.requireNonNull(key, "key");
    long start = statistics.start();
    long now = now();
    String storeKey = storeKey(key);
    boolean removed = false;
    ReentrantLock lock = locks.of(storeKey);
    lock.lock();
    try {
      delete(key);
      Stored current = store.read(storeKey);
      if (current != null && !current.expiredAt(now)) {
        store.remove(storeKey);
        V old = valueOf(current);
        Listeners<K, V>.Batch events = listeners.batch();
        events.removed(key, old);
        events.dispatch();
        removed = true;
      }
    } finally {
      lock.unlock();
    }
    if (removed) {
      statistics.removals(1);
      statistics.removeTime(start);
    }
    return removed;
  }

  @Override
  public boolean remove(K key, V oldValue) {
    ensureOpen();
    requireEntry(key, oldValue);
    long start = statistics.start();
    long now = now();
    String storeKey = storeKey(key);
    boolean hit = false;
    boolean removed = false;
    ReentrantLock lock = locks.of(storeKey);
    lock.lock();
    try {
      Stored current = store.read(storeKey);
      if (current != null && !current.expiredAt(now)) {
        hit = true;
        V value = valueOf(current);
        if (value.equals(oldValue)) {
          delete(key);
          store.remove(storeKey);
          Listeners<K, V>.Batch events = listeners.batch();
          events.removed(key, value);
          events.dispatch();
          removed = true;
        } else {
          touch(storeKey, current, now);
        }
      }
    } finally {
      lock.unlock();
    }
    if (removed) {
      statistics.removals(1);
      statistics.removeTime(start);
    }
    statistics.read(hit, start);
    return removed;
  }

  @Override
  public @Nullable V getAndRemove(K key) {
    ensureOpen();
    Objects.requireNonNull(key, "key");
    long start = statistics.start();
    long now = now();
    String storeKey = storeKey(key);
    V old = null;
    ReentrantLock lock = locks.of(storeKey);
    lock.lock();
    try {
      delete(key);
      Stored current = store.read(storeKey);
      if (current != null && !current.expiredAt(now)) {
        store.remove(storeKey);
        old = valueOf(current);
        Listeners<K, V>.Batch events = listeners.batch();
        events.removed(key, old);
        events.dispatch();
      }
    } finally {
      lock.unlock();
    }
    statistics.getTime(start);
    if (old != null) {
      statistics.hits(1);
      statistics.removals(1);
      statistics.removeTime(start);
    } else {
      statistics.misses(1);
    }
    return old;
  }

  @Override
  public boolean replace(K key, V oldValue, V newValue) {
    ensureOpen();
    requireEntry(key, newValue);
    Objects.requireNonNull(oldValue, "oldValue");
    long start = statistics.start();
    long now = now();
    String storeKey = storeKey(key);
    byte[] bytes = serializer.toBytes(newValue);
    boolean hit = false;
    boolean replaced = false;
    ReentrantLock lock = locks.of(storeKey);
    lock.lock();
    try {
      Stored current = store.read(storeKey);
      if (current != null && !current.expiredAt(now)) {
        hit = true;
        V value = valueOf(current);
        if (value.equals(oldValue)) {
          Listeners<K, V>.Batch events = listeners.batch();
          store(storeKey, key, newValue, bytes, current, now, events, true);
          events.dispatch();
          replaced = true;
        } else {
          touch(storeKey, current, now);
        }
      }
    } finally {
      lock.unlock();
    }
    if (replaced) {
      statistics.puts(1);
      statistics.putTime(start);
    }
    statistics.read(hit, start);
    return replaced;
  }

  @Override
  public boolean replace(K key, V value) {
    return getAndReplace(key, value) != null;
  }

  @Override
  public @Nullable V getAndReplace(K key, V value) {
    ensureOpen();
    requireEntry(key, value);
    long start = statistics.start();
    long now = now();
    String storeKey = storeKey(key);
    byte[] bytes = serializer.toBytes(value);
    V old = null;
    ReentrantLock lock = locks.of(storeKey);
    lock.lock();
    try {
      Stored current = store.read(storeKey);
      if (current != null && !current.expiredAt(now)) {
        old = valueOf(current);
        Listeners<K, V>.Batch events = listeners.batch();
        store(storeKey, key, value, bytes, current, now, events, true);
        events.dispatch();
      }
    } finally {
      lock.unlock();
    }
    statistics.getTime(start);
    if (old != null) {
      statistics.hits(1);
      statistics.puts(1);
      statistics.putTime(start);
    } else {
      statistics.misses(1);
    }
    return old;
  }

  @Override
  public void removeAll(Set<? extends K> keys) {
    ensureOpen();
    requireKeys(keys);
    removeEach(new LinkedHashSet<>(keys));
  }

  @Override
  public void removeAll() {
    ensureOpen();
    Set<K> keys = new LinkedHashSet<>();
    for (String storeKey : store.keys()) {
      keys.add(keyOf(storeKey));
    }
    if (!keys.isEmpty()) { // an empty cache calls no writer
      removeEach(keys);
    }
  }

  /** Removes keys through the writer's deleteAll: those it failed to delete stay. */
  private void removeEach(Set<K> keys) {
    long now = now();
    Map<String, K> storeKeys = new LinkedHashMap<>();
    for (K key : keys) {
      storeKeys.put(storeKey(key), key);
    }
    RuntimeException failure = null;
    int removed = 0;
    Listeners<K, V>.Batch events = listeners.batch();
    List<ReentrantLock> held = locks.of(storeKeys.keySet());
    held.forEach(ReentrantLock::lock);
    try {
      Set<K> toRemove = new LinkedHashSet<>(keys);
      CacheWriter<K, V> cacheWriter = writer;
      if (configuration.isWriteThrough() && cacheWriter != null) {
        Collection<K> toDelete = new LinkedHashSet<>(keys);
        try {
          cacheWriter.deleteAll(toDelete);
        } catch (CacheWriterException e) {
          failure = e;
        } catch (RuntimeException e) {
          failure = new CacheWriterException("the CacheWriter failed: " + e, e);
        }
        if (failure != null) {
          toRemove.removeAll(toDelete);
        }
      }
      for (Map.Entry<String, K> entry : storeKeys.entrySet()) {
        K key = entry.getValue();
        if (!toRemove.contains(key)) {
          continue;
        }
        Stored current = store.read(entry.getKey());
        if (current == null) {
          continue;
        }
        store.remove(entry.getKey());
        V old = valueOf(current);
        if (current.expiredAt(now)) {
          events.expired(key, old); // not a removal in the statistics
        } else {
          removed++;
          events.removed(key, old);
        }
      }
    } finally {
      held.forEach(ReentrantLock::unlock);
    }
    statistics.removals(removed);
    events.dispatch();
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public void clear() {
    ensureOpen();
    for (String storeKey : store.keys()) {
      ReentrantLock lock = locks.of(storeKey);
      lock.lock();
      try {
        store.remove(storeKey);
      } finally {
        lock.unlock();
      }
    }
  }

  // ---- entry processors ----

  @Override
  public <T> @Nullable T invoke(
      K key, EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
    ensureOpen();
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(entryProcessor, "entryProcessor");
    long start = statistics.start();
    long now = now();
    String storeKey = storeKey(key);
    ReentrantLock lock = locks.of(storeKey);
    lock.lock();
    try {
      Listeners<K, V>.Batch events = listeners.batch();
      Stored current = store.read(storeKey);
      if (current != null && current.expiredAt(now)) {
        expire(storeKey, key, current, events);
        current = null;
      }
      if (current == null) {
        statistics.misses(1);
      } else {
        statistics.hits(1);
      }
      statistics.getTime(start);
      start = statistics.start();
      V stored = current == null ? null : valueOf(current);
      ProcessorEntry<K, V> entry =
          new ProcessorEntry<>(key, stored, configuration.isReadThrough() ? loader : null);
      T result;
      try {
        result = entryProcessor.process(entry, arguments);
      } catch (javax.cache.CacheException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new EntryProcessorException(e);
      }
      V value = entry.value();
      switch (entry.outcome()) {
        case NONE -> {}
        case ACCESS -> {
          if (current != null) {
            touch(storeKey, current, now);
          }
        }
        case CREATE, LOAD -> {
          if (value != null) {
            boolean create = entry.outcome() == ProcessorEntry.Outcome.CREATE;
            if (store(storeKey, key, value, serializer.toBytes(value), null, now, events, create)
                && create) {
              statistics.puts(1);
              statistics.putTime(start);
            }
          }
        }
        case UPDATE -> {
          if (value != null) {
            store(storeKey, key, value, serializer.toBytes(value), current, now, events, true);
            statistics.puts(1);
            statistics.putTime(start);
          }
        }
        case REMOVE -> {
          delete(key);
          if (current != null) {
            store.remove(storeKey);
            events.removed(key, stored);
            statistics.removals(1);
            statistics.removeTime(start);
          }
        }
      }
      events.dispatch();
      return result;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public <T> Map<K, EntryProcessorResult<T>> invokeAll(
      Set<? extends K> keys, EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
    ensureOpen();
    requireKeys(keys);
    Objects.requireNonNull(entryProcessor, "entryProcessor");
    Map<K, EntryProcessorResult<T>> results = new HashMap<>();
    for (K key : keys) {
      try {
        T result = invoke(key, entryProcessor, arguments);
        if (result != null) {
          results.put(key, () -> result);
        }
      } catch (RuntimeException e) {
        EntryProcessorException failure =
            e instanceof EntryProcessorException processorFailure
                ? processorFailure
                : new EntryProcessorException(e);
        results.put(
            key,
            () -> {
              throw failure;
            });
      }
    }
    return results;
  }

  // ---- iteration ----

  @Override
  public Iterator<Cache.Entry<K, V>> iterator() {
    ensureOpen();
    return new EntryIterator(store.keys().iterator());
  }

  private final class EntryIterator implements Iterator<Cache.Entry<K, V>> {
    private final Iterator<String> keys;
    private @Nullable CacheEntry<K, V> next;
    private @Nullable CacheEntry<K, V> last;

    EntryIterator(Iterator<String> keys) {
      this.keys = keys;
    }

    @Override
    public boolean hasNext() {
      while (next == null && keys.hasNext()) {
        String storeKey = keys.next();
        long start = statistics.start();
        long now = now();
        ReentrantLock lock = locks.of(storeKey);
        lock.lock();
        try {
          Stored stored = store.read(storeKey);
          if (stored != null && !stored.expiredAt(now)) {
            next = new CacheEntry<>(keyOf(storeKey), valueOf(stored));
            touch(storeKey, stored, now);
            statistics.hits(1);
            statistics.getTime(start);
          }
        } finally {
          lock.unlock();
        }
      }
      return next != null;
    }

    @Override
    public Cache.Entry<K, V> next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      CacheEntry<K, V> entry = Objects.requireNonNull(next);
      last = entry;
      next = null;
      return entry;
    }

    @Override
    public void remove() {
      CacheEntry<K, V> entry = last;
      if (entry == null) {
        throw new IllegalStateException("next() first");
      }
      last = null;
      long start = statistics.start();
      String storeKey = storeKey(entry.getKey());
      ReentrantLock lock = locks.of(storeKey);
      lock.lock();
      try {
        delete(entry.getKey());
        store.remove(storeKey);
        Listeners<K, V>.Batch events = listeners.batch();
        events.removed(entry.getKey(), entry.getValue());
        events.dispatch();
      } finally {
        lock.unlock();
      }
      statistics.removals(1);
      statistics.removeTime(start);
    }
  }

  // ---- listeners, configuration, management ----

  @Override
  public void registerCacheEntryListener(CacheEntryListenerConfiguration<K, V> listener) {
    ensureOpen();
    Objects.requireNonNull(listener, "listener");
    configuration.addCacheEntryListenerConfiguration(listener);
    listeners.register(listener);
  }

  @Override
  public void deregisterCacheEntryListener(CacheEntryListenerConfiguration<K, V> listener) {
    ensureOpen();
    Objects.requireNonNull(listener, "listener");
    if (listeners.deregister(listener)) {
      configuration.removeCacheEntryListenerConfiguration(listener);
    }
  }

  @Override
  public <C extends Configuration<K, V>> C getConfiguration(Class<C> type) {
    if (type.isInstance(configuration)) {
      return type.cast(configuration);
    }
    throw new IllegalArgumentException("no configuration of " + type);
  }

  void setStatisticsEnabled(boolean enabled) {
    String uri = manager.getURI().toString();
    if (enabled) {
      Management.register(statistics, STATISTICS_BEAN, uri, name);
    } else {
      Management.unregister(STATISTICS_BEAN, uri, name);
    }
    statistics.enabled(enabled);
    configuration.setStatisticsEnabled(enabled);
  }

  void setManagementEnabled(boolean enabled) {
    String uri = manager.getURI().toString();
    if (enabled) {
      Management.register(management, CONFIGURATION_BEAN, uri, name);
    } else {
      Management.unregister(CONFIGURATION_BEAN, uri, name);
    }
    configuration.setManagementEnabled(enabled);
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public CacheManager getCacheManager() {
    return manager;
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    manager.release(name);
    setStatisticsEnabled(false);
    setManagementEnabled(false);
    Listeners.closeQuietly(loader);
    Listeners.closeQuietly(writer);
    Listeners.closeQuietly(expiry);
    listeners.close();
    if (!manager.shared() && !manager.isClosed()) {
      // In process, a cache's entries end with it (as the reference implementation's do).
      for (String storeKey : store.keys()) {
        store.remove(storeKey);
      }
    }
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public <T> T unwrap(Class<T> type) {
    if (type.isInstance(this)) {
      return type.cast(this);
    }
    if (type.equals(StatelessCache.class)) {
      return type.cast(view);
    }
    throw new IllegalArgumentException("cannot unwrap a Cache to " + type);
  }

  @Override
  public String toString() {
    return "JCache[" + name + " in " + manager.getURI() + "]";
  }

  // ---- helpers ----

  private long size() {
    long now = now();
    long live = 0;
    for (String storeKey : store.keys()) {
      Stored stored = store.read(storeKey);
      if (stored != null && !stored.expiredAt(now)) {
        live++;
      }
    }
    return live;
  }

  private void expire(
      String storeKey, K key, @Nullable Stored stored, Listeners<K, V>.Batch events) {
    store.remove(storeKey);
    events.expired(key, stored == null ? null : valueOf(stored));
  }

  /** Applies the access expiry to an entry read (caller holds the lock). */
  private void touch(String storeKey, Stored stored, long now) {
    Long accessed = accessExpiry(now);
    if (accessed != null && accessed != stored.expireAt) {
      store.write(storeKey, stored.withExpiry(accessed), now);
    }
  }

  private long creationExpiry(long now) {
    Duration duration;
    try {
      duration = expiry.getExpiryForCreation();
    } catch (RuntimeException e) {
      duration = Duration.ETERNAL;
    }
    return expireAt(duration == null ? Duration.ETERNAL : duration, now);
  }

  private @Nullable Long updateExpiry(long now) {
    return optionalExpiry(expiry::getExpiryForUpdate, now);
  }

  private @Nullable Long accessExpiry(long now) {
    return optionalExpiry(expiry::getExpiryForAccess, now);
  }

  /** An update's or access's expiry: {@code null} (as a policy failing) leaves it unchanged. */
  private static @Nullable Long optionalExpiry(Supplier<@Nullable Duration> policy, long now) {
    try {
      Duration duration = policy.get();
      return duration == null ? null : expireAt(duration, now);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static long expireAt(Duration duration, long now) {
    return duration.isEternal() ? Stored.ETERNAL : duration.getAdjustedTime(now);
  }

  private @Nullable V load(K key) {
    CacheLoader<K, V> cacheLoader = Objects.requireNonNull(loader);
    try {
      return cacheLoader.load(key);
    } catch (CacheLoaderException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CacheLoaderException("the CacheLoader failed: " + e, e);
    }
  }

  private void write(K key, V value) {
    CacheWriter<K, V> cacheWriter = writer;
    if (configuration.isWriteThrough() && cacheWriter != null) {
      try {
        cacheWriter.write(new CacheEntry<>(key, value));
      } catch (CacheWriterException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new CacheWriterException("the CacheWriter failed: " + e, e);
      }
    }
  }

  private void delete(K key) {
    CacheWriter<K, V> cacheWriter = writer;
    if (configuration.isWriteThrough() && cacheWriter != null) {
      try {
        cacheWriter.delete(key);
      } catch (CacheWriterException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new CacheWriterException("the CacheWriter failed: " + e, e);
      }
    }
  }

  private String storeKey(K key) {
    return store.keyOf(serializer.toBytes(key));
  }

  @SuppressWarnings("unchecked")
  private K keyOf(String storeKey) {
    return (K) serializer.fromBytes(store.keyBytes(storeKey));
  }

  @SuppressWarnings("unchecked")
  private V valueOf(Stored stored) {
    return (V) serializer.fromBytes(stored.value);
  }

  private void requireEntry(K key, V value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Class<?> keyType = configuration.getKeyType();
    Class<?> valueType = configuration.getValueType();
    if (!keyType.isInstance(key)) {
      throw new ClassCastException("key " + key + " is not a " + keyType.getName());
    }
    if (!valueType.isInstance(value)) {
      throw new ClassCastException("value " + value + " is not a " + valueType.getName());
    }
  }

  private static void requireKeys(Set<?> keys) {
    Objects.requireNonNull(keys, "keys");
    for (Object key : keys) {
      Objects.requireNonNull(key, "a key in keys");
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("cache " + name + " is closed");
    }
  }

  private static long now() {
    return System.currentTimeMillis();
  }
}
