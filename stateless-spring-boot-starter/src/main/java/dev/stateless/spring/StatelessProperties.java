package dev.stateless.spring;

import dev.stateless.annotation.Strategy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;

/**
 * The {@code stateless.*} properties from which {@link StatelessAutoConfiguration} builds the
 * {@link dev.stateless.StatelessCache} bean. Every layer left unset is in-process; a bad value
 * fails the application's start with the SDK's coded error ({@code SL012} for a malformed size or
 * TTL, {@code SL013} for an unknown component, ...). The reference, with examples: {@code
 * docs/spring.md}.
 *
 * <pre>{@code
 * stateless:
 *   manifest:
 *     class-name: com.example.AppCache
 *   server:
 *     uri: redis://redis.internal:6379
 *   components:
 *     users:
 *       ttl: 10m
 * }</pre>
 *
 * <p>Not thread-safe: bound once by Spring at startup.
 */
@ConfigurationProperties("stateless")
public class StatelessProperties {
  private final ManifestProperties manifest = new ManifestProperties();
  private final ServerProperties server = new ServerProperties();
  private final EdgeProperties edge = new EdgeProperties();
  private final ClientProperties client = new ClientProperties();

  /**
   * Per component (by name): its TTL and size bound, replacing the manifest's @Ttl and @MaxSize.
   */
  private final Map<String, ComponentProperties> components = new LinkedHashMap<>();

  /**
   * Strategy of keys whose component names none (@UseStrategy): default, client-first,
   * edge-optimized, global-consistent or redis-compatible.
   */
  private @Nullable Strategy strategy;

  /**
   * File of the durable CLIENT_FIRST offline queue, created when missing; unset: the queue is in
   * memory.
   */
  private @Nullable Path offlineQueue;

  /**
   * Largest part of every TTL cut off at random, so entries written together do not expire
   * together: 0 (off) or a fraction in (0, 1).
   */
  private double ttlJitter;

  /**
   * How long a miss is remembered in the in-process layers where the key's copies may live; unset:
   * misses are not cached.
   */
  private @Nullable Duration negativeCaching;

  /**
   * How long closing the cache at shutdown waits for the CLIENT_FIRST offline queue to drain; zero:
   * no wait. Unset: 10 seconds.
   */
  private @Nullable Duration closeTimeout;

  /** Creates the properties with every value unset. */
  public StatelessProperties() {}

  /**
   * Returns where the manifest comes from.
   *
   * @return the manifest's properties
   */
  public ManifestProperties getManifest() {
    return manifest;
  }

  /**
   * Returns the server layer's properties.
   *
   * @return the server layer's properties
   */
  public ServerProperties getServer() {
    return server;
  }

  /**
   * Returns the edge layer's properties.
   *
   * @return the edge layer's properties
   */
  public EdgeProperties getEdge() {
    return edge;
  }

  /**
   * Returns the client layer's properties.
   *
   * @return the client layer's properties
   */
  public ClientProperties getClient() {
    return client;
  }

  /**
   * Returns the per-component overrides of the manifest's {@code @Ttl} and {@code @MaxSize}, by
   * component name ({@code stateless.components.users.ttl=10m}); per environment through Spring
   * profiles ({@code application-prod.yml}).
   *
   * @return the overrides, by component name
   */
  public Map<String, ComponentProperties> getComponents() {
    return components;
  }

  /**
   * Returns the strategy of keys whose component names none ({@code @UseStrategy}).
   *
   * @return the default strategy, or {@code null} for {@link Strategy#DEFAULT}
   */
  public @Nullable Strategy getStrategy() {
    return strategy;
  }

  /**
   * Sets the strategy of keys whose component names none ({@code client-first}, {@code
   * global-consistent}, ...).
   *
   * @param strategy the default strategy
   */
  public void setStrategy(@Nullable Strategy strategy) {
    this.strategy = strategy;
  }

  /**
   * Returns the file of the durable {@code CLIENT_FIRST} offline queue.
   *
   * @return the file, or {@code null} for a queue in memory
   */
  public @Nullable Path getOfflineQueue() {
    return offlineQueue;
  }

  /**
   * Sets the file of the durable {@code CLIENT_FIRST} offline queue, created when missing (see
   * {@code StatelessCache.Builder.offlineQueue}).
   *
   * @param offlineQueue the file
   */
  public void setOfflineQueue(@Nullable Path offlineQueue) {
    this.offlineQueue = offlineQueue;
  }

  /**
   * Returns the largest part of a TTL cut off at random, so entries written together do not all
   * expire together.
   *
   * @return 0 (off, the default) or a fraction in (0, 1)
   */
  public double getTtlJitter() {
    return ttlJitter;
  }

  /**
   * Sets the largest part of a TTL cut off at random: 0 (off) or a fraction in (0, 1), such as
   * {@code 0.1}.
   *
   * @param ttlJitter the fraction
   */
  public void setTtlJitter(double ttlJitter) {
    this.ttlJitter = ttlJitter;
  }

  /**
   * Returns how long a miss is remembered in the in-process layers.
   *
   * @return the time, or {@code null} when misses are not cached (the default)
   */
  public @Nullable Duration getNegativeCaching() {
    return negativeCaching;
  }

  /**
   * Sets how long a miss is remembered in the in-process layers where the key's copies may live
   * ({@code 5s}); positive.
   *
   * @param negativeCaching the time
   */
  public void setNegativeCaching(@Nullable Duration negativeCaching) {
    this.negativeCaching = negativeCaching;
  }

  /**
   * Returns how long closing the cache at shutdown waits for the offline queue to drain.
   *
   * @return the time, or {@code null} for the SDK's default (10 seconds)
   */
  public @Nullable Duration getCloseTimeout() {
    return closeTimeout;
  }

  /**
   * Sets how long closing the cache at shutdown waits for the {@code CLIENT_FIRST} offline queue to
   * drain ({@code 30s}); zero to not wait.
   *
   * @param closeTimeout the time
   */
  public void setCloseTimeout(@Nullable Duration closeTimeout) {
    this.closeTimeout = closeTimeout;
  }

  /** Where the manifest comes from: a {@code @CacheManifest} class or a manifest file. */
  public static class ManifestProperties {
    /**
     * Fully qualified name of the @CacheManifest class. At most one of class-name and file; with
     * neither the cache has no manifest and allows every key.
     */
    private @Nullable String className;

    /**
     * Manifest file (docs/manifest-file.md), a resource location: classpath:cache-manifest.yaml or
     * file:/etc/app/cache-manifest.yaml.
     */
    private @Nullable Resource file;

    /** Creates the properties with nothing set. */
    public ManifestProperties() {}

    /**
     * Returns the fully qualified name of the {@code @CacheManifest} class.
     *
     * @return the class name, or {@code null}
     */
    public @Nullable String getClassName() {
      return className;
    }

    /**
     * Sets the fully qualified name of the {@code @CacheManifest} class ({@code
     * com.example.AppCache}). At most one of this and {@code file}; with neither the cache has no
     * manifest and allows every key.
     *
     * @param className the class name
     */
    public void setClassName(@Nullable String className) {
      this.className = className;
    }

    /**
     * Returns the manifest file.
     *
     * @return the file, or {@code null}
     */
    public @Nullable Resource getFile() {
      return file;
    }

    /**
     * Sets the manifest file (docs/manifest-file.md), a Spring resource location: {@code
     * classpath:cache-manifest.yaml} or {@code file:/etc/app/cache-manifest.yaml}.
     *
     * @param file the file
     */
    public void setFile(@Nullable Resource file) {
      this.file = file;
    }
  }

  /** The server layer: Redis, or in-process when no URI is set. */
  public static class ServerProperties {
    /**
     * Redis URI of the server layer: redis://host:6379/0, rediss://host:6380 (TLS),
     * redis-sentinel://s1:26379,s2:26379#mymaster. Unset: the server layer is in-process.
     */
    private @Nullable String uri;

    /**
     * PEM file of the certificates (usually the CA) a rediss:// server is trusted by, instead of
     * the JVM's trust store.
     */
    private @Nullable Path trustedCertificates;

    /** Creates the properties with nothing set. */
    public ServerProperties() {}

    /**
     * Returns the Redis URI.
     *
     * @return the URI, or {@code null} for an in-process server layer
     */
    public @Nullable String getUri() {
      return uri;
    }

    /**
     * Sets the Redis URI, as {@code Stores.redis} takes it: {@code redis://host:6379/0}, {@code
     * rediss://host:6380}, {@code redis-sentinel://s1:26379,s2:26379#mymaster}.
     *
     * @param uri the URI
     */
    public void setUri(@Nullable String uri) {
      this.uri = uri;
    }

    /**
     * Returns the PEM file of the certificates a {@code rediss://} server is trusted by.
     *
     * @return the file, or {@code null} for the JVM's trust store
     */
    public @Nullable Path getTrustedCertificates() {
      return trustedCertificates;
    }

    /**
     * Sets the PEM file of the certificates (usually the CA) a {@code rediss://} server is trusted
     * by, instead of the JVM's trust store.
     *
     * @param trustedCertificates the file
     */
    public void setTrustedCertificates(@Nullable Path trustedCertificates) {
      this.trustedCertificates = trustedCertificates;
    }
  }

  /** The edge layer: a {@code stateless-edge} node, or in-process. */
  public static class EdgeProperties {
    /**
     * URI of a stateless-edge node for the edge layer: redis://edge-1.internal:6380. Unset: the
     * edge layer is in-process.
     */
    private @Nullable String uri;

    /**
     * Bound of an in-process edge layer's entries of components without @MaxSize, such as 256MB;
     * not with uri.
     */
    private @Nullable String maxSize;

    /**
     * This application's region, one of the keys of regions: its SDK nodes use the nearest live
     * edge node of this region, and another region's when none is live. Not with uri.
     */
    private @Nullable String region;

    /**
     * The edge node URIs of every region, by region:
     * stateless.edge.regions.eu=redis://edge-eu-1:6380, redis://edge-eu-2:6380. With region; not
     * with uri.
     */
    private Map<String, List<String>> regions = new LinkedHashMap<>();

    /** Creates the properties with nothing set. */
    public EdgeProperties() {}

    /**
     * Returns this application's region.
     *
     * @return the region, or {@code null} when the edge layer is not regional
     */
    public @Nullable String getRegion() {
      return region;
    }

    /**
     * Sets this application's region, a key of {@link #getRegions()}; as {@code Stores.edge(region,
     * nodes)} takes it.
     *
     * @param region the region, such as {@code eu}
     */
    public void setRegion(@Nullable String region) {
      this.region = region;
    }

    /**
     * Returns the edge node URIs of every region.
     *
     * @return the URIs by region, empty when the edge layer is not regional
     */
    public Map<String, List<String>> getRegions() {
      return regions;
    }

    /**
     * Sets the edge node URIs of every region ({@code stateless.edge.regions.eu=redis://a:6380,
     * redis://b:6380}).
     *
     * @param regions the URIs by region
     */
    public void setRegions(Map<String, List<String>> regions) {
      this.regions = regions;
    }

    /**
     * Returns the edge node's URI.
     *
     * @return the URI, or {@code null} for an in-process edge layer
     */
    public @Nullable String getUri() {
      return uri;
    }

    /**
     * Sets the URI of a {@code stateless-edge} node, as {@code Stores.edge} takes it: {@code
     * redis://edge-1.internal:6380}.
     *
     * @param uri the URI
     */
    public void setUri(@Nullable String uri) {
      this.uri = uri;
    }

    /**
     * Returns the bound of an in-process edge layer.
     *
     * @return the size literal, or {@code null} for no overall bound
     */
    public @Nullable String getMaxSize() {
      return maxSize;
    }

    /**
     * Sets the bound of an in-process edge layer's entries of components without {@code @MaxSize}
     * ({@code 256MB}); not with {@code uri}.
     *
     * @param maxSize the size literal
     */
    public void setMaxSize(@Nullable String maxSize) {
      this.maxSize = maxSize;
    }
  }

  /** The client layer: always in-process. */
  public static class ClientProperties {
    /** Bound of the client layer's entries of components without @MaxSize, such as 64MB. */
    private @Nullable String maxSize;

    /** Creates the properties with nothing set. */
    public ClientProperties() {}

    /**
     * Returns the bound of the client layer.
     *
     * @return the size literal, or {@code null} for no overall bound
     */
    public @Nullable String getMaxSize() {
      return maxSize;
    }

    /**
     * Sets the bound of the client layer's entries of components without {@code @MaxSize} ({@code
     * 64MB}).
     *
     * @param maxSize the size literal
     */
    public void setMaxSize(@Nullable String maxSize) {
      this.maxSize = maxSize;
    }
  }

  /** One component's overrides of its manifest declaration. */
  public static class ComponentProperties {
    /** The component's TTL, replacing its @Ttl: 30s, 10m, 1h30m. */
    private @Nullable String ttl;

    /** The component's size bound, replacing its @MaxSize: 50MB. */
    private @Nullable String maxSize;

    /** Creates the properties with nothing set. */
    public ComponentProperties() {}

    /**
     * Returns the component's TTL override.
     *
     * @return the duration literal, or {@code null} to keep the manifest's {@code @Ttl}
     */
    public @Nullable String getTtl() {
      return ttl;
    }

    /**
     * Sets the component's TTL, replacing its {@code @Ttl}: a duration literal as {@code @Ttl}
     * takes it ({@code 30s}, {@code 10m}, {@code 1h30m}).
     *
     * @param ttl the duration literal
     */
    public void setTtl(@Nullable String ttl) {
      this.ttl = ttl;
    }

    /**
     * Returns the component's size bound override.
     *
     * @return the size literal, or {@code null} to keep the manifest's {@code @MaxSize}
     */
    public @Nullable String getMaxSize() {
      return maxSize;
    }

    /**
     * Sets the component's size bound, replacing its {@code @MaxSize}: a size literal ({@code
     * 50MB}).
     *
     * @param maxSize the size literal
     */
    public void setMaxSize(@Nullable String maxSize) {
      this.maxSize = maxSize;
    }
  }
}
