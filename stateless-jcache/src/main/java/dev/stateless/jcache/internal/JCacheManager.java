package dev.stateless.jcache.internal;

import dev.stateless.StatelessCache;
import dev.stateless.Stores;
import dev.stateless.core.Manifest;
import dev.stateless.core.StatelessException;
import dev.stateless.jcache.StatelessCachingProvider;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.spi.CachingProvider;
import org.jspecify.annotations.Nullable;

/**
 * A JCache manager: one {@link StatelessCache} (in process, or with its server layer in Redis)
 * holding the entries of every cache it creates.
 */
public final class JCacheManager implements CacheManager {
  private final CachingProvider provider;
  private final URI uri;
  private final ClassLoader classLoader;
  private final Properties properties;
  private final Consumer<JCacheManager> onClose;
  private final StatelessCache runtime;
  private final boolean shared;
  private final @Nullable Manifest manifest;
  private final Map<String, JCache<?, ?>> caches = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * Creates a manager.
   *
   * @param provider the provider that made it
   * @param uri its URI
   * @param classLoader the class loader of its values and manifest
   * @param properties its properties (copied)
   * @param onClose told when it closes
   */
  public JCacheManager(
      CachingProvider provider,
      URI uri,
      ClassLoader classLoader,
      Properties properties,
      Consumer<JCacheManager> onClose) {
    this.provider = Objects.requireNonNull(provider, "provider");
    this.uri = Objects.requireNonNull(uri, "uri");
    this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
    this.properties = new Properties();
    this.properties.putAll(properties);
    this.onClose = onClose;
    this.manifest = manifest(properties.getProperty(StatelessCachingProvider.MANIFEST_PROPERTY));
    String redis = redisUri(uri, properties);
    this.shared = redis != null;
    StatelessCache.Builder builder = StatelessCache.builder();
    if (manifest != null) {
      builder.manifest(manifest);
    }
    if (redis != null) {
      builder.server(Stores.redis(redis));
    }
    try {
      this.runtime = builder.build();
    } catch (StatelessException e) {
      throw new CacheException(e.getMessage(), e);
    }
  }

  private static @Nullable String redisUri(URI uri, Properties properties) {
    String property = properties.getProperty(StatelessCachingProvider.REDIS_PROPERTY);
    if (property != null) {
      return property;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    return scheme.equals("redis") || scheme.equals("rediss") ? uri.toString() : null;
  }

  private @Nullable Manifest manifest(@Nullable String className) {
    if (className == null) {
      return null;
    }
    try {
      return Manifest.from(Class.forName(className, true, classLoader));
    } catch (ClassNotFoundException e) {
      throw new CacheException(
          "no manifest class "
              + className
              + " (property "
              + StatelessCachingProvider.MANIFEST_PROPERTY
              + ")\nhelp: name a @CacheManifest class the manager's class loader can load",
          e);
    } catch (StatelessException e) {
      throw new CacheException(e.getMessage(), e);
    }
  }

  /** The runtime cache holding this manager's entries. */
  StatelessCache runtime() {
    return runtime;
  }

  /** Whether the entries live in Redis (shared with other processes) rather than in process. */
  boolean shared() {
    return shared;
  }

  @Override
  public CachingProvider getCachingProvider() {
    return provider;
  }

  @Override
  public URI getURI() {
    return uri;
  }

  @Override
  public ClassLoader getClassLoader() {
    return classLoader;
  }

  @Override
  public Properties getProperties() {
    return properties;
  }

  @Override
  public <K, V, C extends Configuration<K, V>> Cache<K, V> createCache(
      String cacheName, C configuration) {
    ensureOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    Objects.requireNonNull(configuration, "configuration");
    synchronized (caches) {
      if (caches.containsKey(cacheName)) {
        throw new CacheException("a cache named " + cacheName + " already exists");
      }
      StatelessCache view = runtime;
      if (manifest != null) {
        try {
          view = runtime.component(cacheName);
        } catch (StatelessException e) {
          throw new CacheException(e.getMessage(), e);
        }
      }
      JCache<K, V> cache = new JCache<>(this, cacheName, view, configuration);
      caches.put(cacheName, cache);
      return cache;
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public <K, V> @Nullable Cache<K, V> getCache(
      String cacheName, Class<K> keyType, Class<V> valueType) {
    ensureOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    Objects.requireNonNull(keyType, "keyType");
    Objects.requireNonNull(valueType, "valueType");
    JCache<?, ?> cache = caches.get(cacheName);
    if (cache == null) {
      return null;
    }
    CompleteConfiguration<?, ?> config = cache.getConfiguration(CompleteConfiguration.class);
    if (!keyType.equals(config.getKeyType())) {
      throw new ClassCastException(
          "cache " + cacheName + " has keys of " + config.getKeyType() + ", not " + keyType);
    }
    if (!valueType.equals(config.getValueType())) {
      throw new ClassCastException(
          "cache " + cacheName + " has values of " + config.getValueType() + ", not " + valueType);
    }
    return (Cache<K, V>) cache;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <K, V> @Nullable Cache<K, V> getCache(String cacheName) {
    ensureOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    return (Cache<K, V>) caches.get(cacheName);
  }

  @Override
  public Iterable<String> getCacheNames() {
    ensureOpen();
    return Collections.unmodifiableSet(new LinkedHashSet<>(caches.keySet()));
  }

  @Override
  public void destroyCache(String cacheName) {
    ensureOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    JCache<?, ?> cache = caches.get(cacheName);
    if (cache != null) {
      cache.clear();
      cache.close();
    }
  }

  @Override
  public void enableManagement(String cacheName, boolean enabled) {
    ensureOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    JCache<?, ?> cache = caches.get(cacheName);
    if (cache != null) {
      cache.setManagementEnabled(enabled);
    }
  }

  @Override
  public void enableStatistics(String cacheName, boolean enabled) {
    ensureOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    JCache<?, ?> cache = caches.get(cacheName);
    if (cache != null) {
      cache.setStatisticsEnabled(enabled);
    }
  }

  /** Forgets a closed cache. */
  void release(String cacheName) {
    caches.remove(cacheName);
  }

  @Override
  public void close() {
    List<JCache<?, ?>> open;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      open = new ArrayList<>(caches.values());
    }
    onClose.accept(this);
    for (JCache<?, ?> cache : open) {
      cache.close();
    }
    caches.clear();
    runtime.close();
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
      return type.cast(runtime);
    }
    throw new IllegalArgumentException("cannot unwrap a CacheManager to " + type);
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the CacheManager " + uri + " is closed");
    }
  }

  @Override
  public String toString() {
    return "JCacheManager[" + uri + "]";
  }
}
