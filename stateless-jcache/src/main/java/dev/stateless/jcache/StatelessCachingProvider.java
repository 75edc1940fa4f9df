package dev.stateless.jcache;

import dev.stateless.jcache.internal.JCacheManager;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.WeakHashMap;
import javax.cache.CacheManager;
import javax.cache.configuration.OptionalFeature;
import javax.cache.spi.CachingProvider;
import org.jspecify.annotations.Nullable;

/**
 * The JCache provider: {@code Caching.getCachingProvider()} returns it when {@code
 * stateless-jcache} is the only provider on the class path ({@code
 * Caching.getCachingProvider(StatelessCachingProvider.class.getName())} otherwise).
 *
 * <p>A {@link CacheManager} is one {@code StatelessCache}. Its URI chooses the server layer: a
 * {@code redis://} or {@code rediss://} URI puts it in that Redis (so two processes with the same
 * URI share their caches); any other URI, such as the default {@value #DEFAULT_URI}, keeps every
 * layer in this process. Its properties:
 *
 * <ul>
 *   <li>{@value #MANIFEST_PROPERTY}: the name of a {@code @CacheManifest} class, loaded with the
 *       manager's class loader. With it, a cache is the component of the same name, and a cache
 *       name the manifest lacks is refused with a {@code CacheException} carrying SL013. Without
 *       it, every cache name works.
 *   <li>{@value #REDIS_PROPERTY}: a Redis URI for the server layer, whatever the manager's URI.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class StatelessCachingProvider implements CachingProvider {
  /** The default URI: every layer in this process. */
  public static final String DEFAULT_URI = "stateless:in-process";

  /** The property naming the manifest class of a manager's caches. */
  public static final String MANIFEST_PROPERTY = "stateless.manifest";

  /** The property naming the Redis URI of a manager's server layer. */
  public static final String REDIS_PROPERTY = "stateless.redis";

  private final Map<ClassLoader, Map<URI, JCacheManager>> managers = new WeakHashMap<>();

  /** Creates the provider; {@code Caching} does, through {@code META-INF/services}. */
  public StatelessCachingProvider() {}

  @Override
  public synchronized CacheManager getCacheManager(
      @Nullable URI uri, @Nullable ClassLoader classLoader, @Nullable Properties properties) {
    URI managerUri = uri == null ? getDefaultURI() : uri;
    ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
    Map<URI, JCacheManager> byUri = managers.computeIfAbsent(loader, l -> new HashMap<>());
    JCacheManager manager = byUri.get(managerUri);
    if (manager == null || manager.isClosed()) {
      manager =
          new JCacheManager(
              this,
              managerUri,
              loader,
              properties == null ? new Properties() : properties,
              this::release);
      byUri.put(managerUri, manager);
    }
    return manager;
  }

  @Override
  public CacheManager getCacheManager(@Nullable URI uri, @Nullable ClassLoader classLoader) {
    return getCacheManager(uri, classLoader, getDefaultProperties());
  }

  @Override
  public CacheManager getCacheManager() {
    return getCacheManager(getDefaultURI(), getDefaultClassLoader(), getDefaultProperties());
  }

  @Override
  public ClassLoader getDefaultClassLoader() {
    ClassLoader loader = getClass().getClassLoader();
    return loader == null ? ClassLoader.getSystemClassLoader() : loader;
  }

  @Override
  public URI getDefaultURI() {
    return URI.create(DEFAULT_URI);
  }

  @Override
  public Properties getDefaultProperties() {
    return new Properties();
  }

  @Override
  public void close() {
    Map<ClassLoader, Map<URI, JCacheManager>> all;
    synchronized (this) {
      all = new HashMap<>(managers);
      managers.clear();
    }
    all.values().forEach(byUri -> byUri.values().forEach(JCacheManager::close));
  }

  @Override
  public void close(@Nullable ClassLoader classLoader) {
    ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
    Map<URI, JCacheManager> byUri;
    synchronized (this) {
      byUri = managers.remove(loader);
    }
    if (byUri != null) {
      byUri.values().forEach(JCacheManager::close);
    }
  }

  @Override
  public void close(@Nullable URI uri, @Nullable ClassLoader classLoader) {
    URI managerUri = uri == null ? getDefaultURI() : uri;
    ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
    JCacheManager manager;
    synchronized (this) {
      Map<URI, JCacheManager> byUri = managers.get(loader);
      manager = byUri == null ? null : byUri.remove(managerUri);
    }
    if (manager != null) {
      manager.close();
    }
  }

  private synchronized void release(JCacheManager manager) {
    Map<URI, JCacheManager> byUri = managers.get(manager.getClassLoader());
    if (byUri != null && byUri.get(manager.getURI()) == manager) {
      byUri.remove(manager.getURI());
    }
  }

  @Override
  public boolean isSupported(OptionalFeature optionalFeature) {
    // Store-by-reference is not offered: a value crosses layers (and Redis) as bytes.
    return false;
  }
}
