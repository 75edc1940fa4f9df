package dev.stateless;

import dev.stateless.core.Literals;
import dev.stateless.internal.CaffeineStore;
import dev.stateless.internal.redis.EdgeNodeStore;
import dev.stateless.internal.redis.RedisStore;
import dev.stateless.internal.redis.RegionalEdgeStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
   * redis://[[user:]password@]host[:port][/database][?timeout=2s]}, or {@code rediss://...} for TLS
   * with {@code ?verifyPeer=FULL} (the default: the certificate must chain to a trusted CA and name
   * the host), {@code CA} (no host name check) or {@code NONE} (encrypted, not verified). The
   * timeout bounds every call (2 seconds when absent). A {@code rediss} URI trusts the JVM's
   * default trust store ({@code -Djavax.net.ssl.trustStore}); {@link #redis(String, Path)} names
   * the CA instead. The forms, one example each: {@code docs/redis.md}.
   *
   * <p>For Redis Sentinel, name the sentinels and the master: {@code
   * redis-sentinel://[[user:]password@]host[:port][,host[:port]...][/database][?timeout=2s]#master}
   * ({@code rediss-sentinel://} for TLS; the password is the data nodes'). The store asks the
   * sentinels for the master on every (re)connect and follows failovers: while a replica is being
   * promoted calls fail fast with SL100, then go to the new master.
   *
   * <p>The connection is made when the cache is built, and a cache whose Redis is down, refuses the
   * credentials or presents a certificate that is not trusted fails to build with {@link
   * CacheNetworkException}, unless the cache has an {@link
   * StatelessCache.Builder#offlineQueue(java.nio.file.Path) offline queue} file and this store
   * holds the data of a {@code CLIENT_FIRST} owner: then the store starts disconnected and connects
   * in the background, and calls to it fail fast with SL100 until it has. Once built, calls fail
   * fast while Redis is away and the connection recovers by itself.
   *
   * @param uri the server's URI
   * @return a new Redis store
   * @throws IllegalArgumentException if the URI is malformed (a port that is no number from 1 to
   *     65535, a timeout that is no duration from 1 ms to 1 day, a {@code verifyPeer} other than
   *     {@code NONE}, {@code CA}, {@code FULL} or on a URI without TLS, a Sentinel URI without a
   *     master name, ...), or names a Redis Cluster (a {@code redis://} URI with several hosts: not
   *     supported yet); the message repeats no password
   * @throws NullPointerException if {@code uri} is null
   */
  public static LayerStore redis(String uri) {
    return new LayerStore(new RedisStore(Objects.requireNonNull(uri, "uri")));
  }

  /**
   * Returns a store on a {@code stateless-edge} node, for a cache's edge layer: the region's shared
   * cache that any Redis client also reaches ({@code docs/edge.md}). The URI is as for {@link
   * #redis(String)}, naming one node: {@code redis://[[user:]password@]host[:port][?timeout=2s]}
   * ({@code rediss://} for TLS); a user and password bind the connection to a manifest component's
   * rights on the node ({@code AUTH}), the password alone is the node's {@code requirepass}.
   *
   * <pre>{@code
   * StatelessCache cache = StatelessCache.builder()
   *     .manifest(AppCache.class)
   *     .edge(Stores.edge("redis://edge-1.internal:6380?timeout=500ms"))
   *     .server(Stores.redis("redis://redis.internal:6379")) // the node's --upstream too
   *     .build();
   * }</pre>
   *
   * <p>Reads walk from the client layer to the node, which reads through to its upstream; writes of
   * {@code @Layer(EDGE)} owners go to the node, which keeps their values, TTLs and {@code MaxSize}.
   * The node tells this cache of every key other clients change (RESP3 client tracking), which
   * drops this cache's copies. While the node is away (its connection closed, or a PING unanswered
   * for the timeout) every call to it fails fast with SL100 ({@link CacheNetworkException}) and
   * every copy is dropped; once it is back, calls are served again. {@code @Streaming} values are
   * kept on the node and go a chunk at a time. {@code CLIENT_FIRST} writes are not: a cache whose
   * manifest puts a {@code CLIENT_FIRST} owner's data on a node fails to build (SL105), as does
   * such a write asked for at the call.
   *
   * @param uri the node's URI
   * @return a new edge node store
   * @throws IllegalArgumentException if the URI is malformed or names several hosts, a Sentinel or
   *     a database; the message repeats no password
   * @throws NullPointerException if {@code uri} is null
   */
  public static LayerStore edge(String uri) {
    return new LayerStore(new EdgeNodeStore(Objects.requireNonNull(uri, "uri")));
  }

  /**
   * Returns a store on the edge nodes of several regions, for a cache's edge layer: {@code region}
   * is this cache's region, {@code nodes} the edge node URIs of every region (each as {@link
   * #edge(String)} takes it). Calls go to the nearest live node of this region, measured by the
   * round trip of the PINGs every node gets each second; when none of this region's nodes is live,
   * to the nearest live node of another region; back to this region's as soon as one is live again.
   * A switch of node drops every copy of the client layer and keeps reads of keys the new node may
   * not have caught up with off it, so no read returns a value older than an invalidation this
   * cache has seen. {@code @Layer(EDGE)} data is regional: each node holds its own, and after a
   * switch the new node's is served. The edge nodes of all regions follow one server layer (their
   * {@code --upstream}), whose invalidation log carries every region's writes to the others: {@code
   * docs/regions.md}.
   *
   * <pre>{@code
   * StatelessCache cache = StatelessCache.builder()
   *     .manifest(AppCache.class)
   *     .edge(Stores.edge("eu", Map.of(
   *         "eu", List.of("redis://edge-eu-1:6380?timeout=500ms", "redis://edge-eu-2:6380"),
   *         "us", List.of("redis://edge-us-1:6380"))))
   *     .server(Stores.redis("redis://redis.internal:6379"))
   *     .build();
   * }</pre>
   *
   * <p>The cache connects to every node when it is built (two connections each) and fails to build
   * with SL100 only when none answers. Calls in flight on a node that fails get its SL100.
   *
   * @param region this cache's region, a key of {@code nodes}
   * @param nodes the edge node URIs of each region, this region's in order of preference for ties
   * @return a new regional edge store
   * @throws dev.stateless.core.StatelessException SL012 if {@code region} is not a key of {@code
   *     nodes}, a region has no node, a URI is malformed (as for {@link #edge(String)}), or a node
   *     is named twice
   * @throws NullPointerException if an argument, a list or a URI is null
   */
  public static LayerStore edge(String region, Map<String, List<String>> nodes) {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(nodes, "nodes");
    nodes.forEach(
        (r, uris) -> {
          Objects.requireNonNull(uris, () -> "nodes of region " + r);
          uris.forEach(u -> Objects.requireNonNull(u, () -> "a node URI of region " + r));
        });
    return new LayerStore(new RegionalEdgeStore(region, nodes));
  }

  /**
   * Returns a store in a Redis server reached over TLS that trusts the certificates of one PEM file
   * (usually the CA that signed the server's certificate) instead of the JVM's default trust store;
   * otherwise as {@link #redis(String)}. With {@code ?verifyPeer=FULL} (the default) the server's
   * certificate must also name the URI's host.
   *
   * <pre>{@code
   * Stores.redis("rediss://redis.internal:6380?timeout=2s", Path.of("/etc/redis/tls/ca.crt"))
   * }</pre>
   *
   * @param uri the server's URI, {@code rediss://...}
   * @param trustedCertificates a PEM file of X.509 certificates ({@code -----BEGIN
   *     CERTIFICATE-----})
   * @return a new Redis store
   * @throws IllegalArgumentException if the URI is malformed (as for {@link #redis(String)}) or is
   *     no {@code rediss://} URI, or if the file cannot be read or holds no certificate
   * @throws NullPointerException if an argument is null
   */
  public static LayerStore redis(String uri, Path trustedCertificates) {
    return new LayerStore(
        new RedisStore(
            Objects.requireNonNull(uri, "uri"),
            Objects.requireNonNull(trustedCertificates, "trustedCertificates")));
  }
}
