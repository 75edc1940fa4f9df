package dev.stateless.jcache.internal;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.cache.Cache;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;
import org.jspecify.annotations.Nullable;

/** A cache's registered entry listeners, and the events of one operation to hand them. */
final class Listeners<K, V> {
  private final Cache<K, V> source;
  private final List<Registration<K, V>> registrations = new CopyOnWriteArrayList<>();

  Listeners(Cache<K, V> source) {
    this.source = source;
  }

  void register(CacheEntryListenerConfiguration<K, V> configuration) {
    for (Registration<K, V> registration : registrations) {
      if (registration.configuration.equals(configuration)) {
        throw new IllegalArgumentException("listener already registered: " + configuration);
      }
    }
    registrations.add(new Registration<>(configuration));
  }

  boolean deregister(CacheEntryListenerConfiguration<K, V> configuration) {
    for (Registration<K, V> registration : registrations) {
      if (registration.configuration.equals(configuration)) {
        registrations.remove(registration);
        return true;
      }
    }
    return false;
  }

  boolean isEmpty() {
    return registrations.isEmpty();
  }

  void close() {
    for (Registration<K, V> registration : registrations) {
      closeQuietly(registration.listener);
      closeQuietly(registration.filter);
    }
  }

  static void closeQuietly(@Nullable Object object) {
    if (object instanceof Closeable closeable) {
      try {
        closeable.close();
      } catch (IOException e) {
        // Closing a user's listener or loader is best effort: the cache is closed either way.
      }
    }
  }

  /** Collects one operation's events; {@link Batch#dispatch()} hands them over. */
  Batch batch() {
    return new Batch();
  }

  final class Batch {
    private final Map<EventType, List<EntryEvent<K, V>>> events = new EnumMap<>(EventType.class);

    void created(K key, V value) {
      add(EventType.CREATED, key, value, null);
    }

    void updated(K key, V value, V oldValue) {
      add(EventType.UPDATED, key, value, oldValue);
    }

    void removed(K key, @Nullable V oldValue) {
      add(EventType.REMOVED, key, oldValue, oldValue);
    }

    void expired(K key, @Nullable V oldValue) {
      add(EventType.EXPIRED, key, oldValue, oldValue);
    }

    private void add(EventType type, K key, @Nullable V value, @Nullable V oldValue) {
      if (!registrations.isEmpty()) {
        events
            .computeIfAbsent(type, t -> new ArrayList<>())
            .add(new EntryEvent<>(source, type, key, value, oldValue, oldValue != null));
      }
    }

    /** Calls the listeners: expiries, creations, updates, removals, as the RI orders them. */
    void dispatch() {
      if (events.isEmpty()) {
        return;
      }
      try {
        for (EventType type :
            List.of(EventType.EXPIRED, EventType.CREATED, EventType.UPDATED, EventType.REMOVED)) {
          List<EntryEvent<K, V>> ofType = events.get(type);
          if (ofType != null) {
            for (Registration<K, V> registration : registrations) {
              registration.deliver(type, ofType);
            }
          }
        }
      } catch (CacheEntryListenerException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new CacheEntryListenerException("a cache entry listener failed: " + e, e);
      }
    }
  }

  private static final class Registration<K, V> {
    final CacheEntryListenerConfiguration<K, V> configuration;
    final CacheEntryListener<? super K, ? super V> listener;
    final @Nullable CacheEntryEventFilter<? super K, ? super V> filter;

    Registration(CacheEntryListenerConfiguration<K, V> configuration) {
      this.configuration = configuration;
      this.listener = configuration.getCacheEntryListenerFactory().create();
      Factory<CacheEntryEventFilter<? super K, ? super V>> filterFactory =
          configuration.getCacheEntryEventFilterFactory();
      this.filter = filterFactory == null ? null : filterFactory.create();
    }

    @SuppressWarnings("unchecked")
    void deliver(EventType type, List<EntryEvent<K, V>> events) {
      boolean handles =
          switch (type) {
            case CREATED -> listener instanceof CacheEntryCreatedListener;
            case UPDATED -> listener instanceof CacheEntryUpdatedListener;
            case REMOVED -> listener instanceof CacheEntryRemovedListener;
            case EXPIRED -> listener instanceof CacheEntryExpiredListener;
          };
      if (!handles) {
        return;
      }
      List<CacheEntryEvent<K, V>> delivered = new ArrayList<>(events.size());
      for (EntryEvent<K, V> event : events) {
        if (filter == null || filter.evaluate(event)) {
          delivered.add(shaped(event));
        }
      }
      if (delivered.isEmpty()) {
        return;
      }
      Iterable<CacheEntryEvent<? extends K, ? extends V>> iterable =
          (Iterable<CacheEntryEvent<? extends K, ? extends V>>) (Iterable<?>) delivered;
      switch (type) {
        case CREATED -> ((CacheEntryCreatedListener<K, V>) listener).onCreated(iterable);
        case UPDATED -> ((CacheEntryUpdatedListener<K, V>) listener).onUpdated(iterable);
        case REMOVED -> ((CacheEntryRemovedListener<K, V>) listener).onRemoved(iterable);
        case EXPIRED -> ((CacheEntryExpiredListener<K, V>) listener).onExpired(iterable);
      }
    }

    /** Without {@code isOldValueRequired}, an event carries no old value. */
    private EntryEvent<K, V> shaped(EntryEvent<K, V> event) {
      return configuration.isOldValueRequired() ? event : event.withoutOldValue();
    }
  }
}
