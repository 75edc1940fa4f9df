package dev.stateless.jcache;

import java.net.URI;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;

/**
 * A second JVM's JCache, for {@link ChildJvmIT}: {@code <redis uri> <cache> put <key> <value>} or
 * {@code <redis uri> <cache> get <key>} (prints {@code value=<value or null>}).
 */
public final class JCacheChild {
  private JCacheChild() {}

  public static void main(String[] args) {
    CachingProvider provider = Caching.getCachingProvider();
    try {
      CacheManager manager = provider.getCacheManager(URI.create(args[0]), null);
      Cache<String, String> cache =
          manager.createCache(
              args[1],
              new MutableConfiguration<String, String>().setTypes(String.class, String.class));
      switch (args[2]) {
        case "put" -> cache.put(args[3], args[4]);
        case "get" -> System.out.println("value=" + cache.get(args[3]));
        default -> throw new IllegalArgumentException("no operation " + args[2]);
      }
    } finally {
      provider.close();
    }
  }
}
