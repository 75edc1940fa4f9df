package dev.stateless;

import dev.stateless.core.Literals;
import dev.stateless.internal.CaffeineStore;
import dev.stateless.internal.redis.RedisStore;
import java.util.Objects;

/**
 * The store factories: one store per layer of a {@link StatelessCache}.
 *
 * <pre>{@code
 * StatelessCache cache = StatelessCache.builder()
 *     .manifest(AppCache.class)
 *     .server(Stores.redis("redis://127.0.0.1:6379?timeout=2s"))
 *     .build(); // client and edge stay in-process
 * }</pre>
 */
public final class Stores {
  private Stores() {}

  /**
   * Returns an in-process store on Caffeine with no overall bound; components' {@code @MaxSize}
   * still bound their own entries.
   *
   * @return a new in-process store
   */
  public static LayerStore inProcess() {
    return new LayerStore(new CaffeineStore(Long.MAX_VALUE));
  }

  /**
   * Returns an in-process store whose entries of components without {@code @MaxSize} weigh at most
   * {@code maxSize} in total (least recently used entries go first).
   *
   * @param maxSize a size literal such as {@code "256MB"}
   * @return a new in-process store
   * @throws dev.stateless.core.StatelessException SL012 if the literal is malformed
   */
  public static LayerStore inProcess(String maxSize) {
    return new LayerStore(
        new CaffeineStore(Literals.parseSize(Objects.requireNonNull(maxSize, "maxSize"))));
  }

  /**
   * Returns a store in a Redis server, through Lettuce. The URI is Lettuce's: {@code
   * redis://[password@]host[:port][/database][?timeout=2s]}; the timeout bounds every call (2
   * seconds when absent). The connection is made when the cache is built, and a cache whose Redis
   * is down fails to build with {@link CacheNetworkException}, unless the cache has an {@link
   * StatelessCache.Builder#offlineQueue(java.nio.file.Path) offline queue} file and this store
   * holds the data of a {@code CLIENT_FIRST} owner: then the store starts disconnected and connects
   * in the background, and calls to it fail fast with SL100 until it has. Once built, calls fail
   * fast while Redis is away and the connection recovers by itself.
   *
   * @param uri the server's URI
   * @return a new Redis store
   * @throws IllegalArgumentException if the URI is malformed (a port that is no number from 1 to
   *     65535, a timeout that is no duration from 1 ms to 1 day, ...), or names a Redis Cluster
   *     (not supported yet); the message repeats no password
   * @throws NullPointerException if {@code uri} is null
   */
  public static LayerStore redis(String uri) {
    return new LayerStore(new RedisStore(Objects.requireNonNull(uri, "uri")));
  }
}
