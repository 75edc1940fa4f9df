package dev.stateless.edge;

import dev.stateless.StatelessCache;
import dev.stateless.Stores;
import dev.stateless.core.Manifest;
import dev.stateless.edge.internal.EdgeCommandLine;
import dev.stateless.edge.internal.EdgeConfig;
import dev.stateless.edge.internal.EdgeServer;
import dev.stateless.edge.internal.KeyCommands;
import dev.stateless.edge.internal.NodeClock;
import dev.stateless.edge.internal.NodeMetrics;
import dev.stateless.edge.internal.ProtocolLimits;
import dev.stateless.edge.internal.Tracking;
import dev.stateless.edge.internal.Users;
import dev.stateless.internal.KeyChanges;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * An edge node: a server speaking the Redis protocol (RESP2, and RESP3 after {@code HELLO 3}) that
 * any Redis client reaches. Run it from the command line:
 *
 * <pre>{@code
 * java -jar stateless-edge.jar --port 6380 --requirepass s3cret
 * }</pre>
 *
 * <p>or inside a JVM (tests, an application embedding it):
 *
 * <pre>{@code
 * try (EdgeNode node = EdgeNode.builder().port(0).start()) {
 *   int port = node.port(); // the free port it bound
 * }
 * }</pre>
 *
 * <p>Thread safety: a started node serves connections on its own event-loop threads; {@link
 * #port()} and {@link #close()} may be called from any thread.
 */
public final class EdgeNode implements AutoCloseable {
  private final EdgeServer server;
  private final StatelessCache cache;
  private final @Nullable NodeMetrics metrics;

  private EdgeNode(EdgeServer server, StatelessCache cache, @Nullable NodeMetrics metrics) {
    this.server = server;
    this.cache = cache;
    this.metrics = metrics;
  }

  /**
   * A builder with the defaults: {@code 127.0.0.1:6380}, no password, Redis's limits.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The port the node listens on: the one configured, or the one the system picked for port 0.
   *
   * @return the bound port
   */
  public int port() {
    return server.port();
  }

  /**
   * The port of the Prometheus endpoint ({@code GET /metrics}), or -1 when the node serves none
   * ({@link Builder#metricsPort}).
   *
   * @return the bound port, or -1
   */
  public int metricsPort() {
    return metrics == null ? -1 : metrics.port();
  }

  /**
   * Blocks until the node has been closed (by {@link #close()} from another thread, or by the JVM
   * shutting down on {@code SIGTERM} when it runs from the command line).
   *
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /**
   * Shuts down gracefully: stops accepting connections, stops reading requests, answers the
   * requests already read, then closes every connection (forcibly after the shutdown timeout).
   * Idempotent.
   */
  @Override
  public void close() {
    try {
      server.close();
    } finally {
      try {
        cache.close(); // after the last reply: every acknowledged write is drained
      } finally {
        if (metrics != null) {
          metrics.close();
        }
      }
    }
  }

  /**
   * Runs a node from the command line until {@code SIGTERM} (or Ctrl-C); {@code --help} lists the
   * options.
   *
   * @param args the command-line arguments
   */
  public static void main(String[] args) {
    int code = EdgeCommandLine.run(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Builds and starts an {@link EdgeNode}. Not thread-safe. */
  public static final class Builder {
    private String bind = EdgeConfig.DEFAULT_BIND;
    private int port = EdgeConfig.DEFAULT_PORT;
    private @Nullable String requirepass;
    private int maxClients = EdgeConfig.DEFAULT_MAX_CLIENTS;
    private ProtocolLimits limits = ProtocolLimits.DEFAULTS;
    private long outputBufferLimit = EdgeConfig.DEFAULT_OUTPUT_BUFFER_LIMIT;
    private Duration outputBufferTimeout = EdgeConfig.DEFAULT_OUTPUT_BUFFER_TIMEOUT;
    private Duration shutdownTimeout = EdgeConfig.DEFAULT_SHUTDOWN_TIMEOUT;
    private int ioThreads;
    private int trackingTableMaxKeys = Tracking.DEFAULT_MAX_KEYS;
    private Manifest manifest = Manifest.empty();
    private @Nullable String upstream;
    private final Map<String, String> users = new TreeMap<>();
    private @Nullable Boolean defaultUserActsForAllOwners;
    private @Nullable Path usersFile;
    private int metricsPort = -1;

    private Builder() {}

    /**
     * The manifest whose keys the node serves, with their owners, layers, TTLs and sizes (default:
     * an empty one: every key is allowed, as on Redis).
     *
     * @param manifest a manifest, from a class ({@code Manifest.from}) or a file ({@code
     *     Manifest.parse})
     * @return this builder
     */
    public Builder manifest(Manifest manifest) {
      this.manifest = Objects.requireNonNull(manifest, "manifest");
      return this;
    }

    /**
     * Adds a user that acts as a component of the manifest: a connection that sends {@code AUTH
     * <component> <password>} may write what the component owns and read what it may read; a write
     * outside its rights is {@code -NOPERM SL002 ...} (or SL003).
     *
     * @param component the component's name in the manifest
     * @param password its password
     * @return this builder
     */
    public Builder user(String component, String password) {
      users.put(Objects.requireNonNull(component, "component"), password);
      return this;
    }

    /**
     * A users file: more users acting as components, one {@code user <component> on >password} (or
     * {@code on #<sha256 of the password>}, or {@code off}) per line, as docs/edge.md describes. A
     * component given here and by {@link #user} is refused.
     *
     * @param file the file, or null for none
     * @return this builder
     */
    public Builder usersFile(@Nullable Path file) {
      this.usersFile = file;
      return this;
    }

    /**
     * Whether the {@code default} user may read and write every key, as on Redis (default: yes
     * without a manifest or with an empty one, no with a manifest: clients then {@code AUTH} as
     * components, and the default user's data commands are {@code -NOPERM}).
     *
     * @param all whether it may
     * @return this builder
     */
    public Builder defaultUserActsForAllOwners(boolean all) {
      this.defaultUserActsForAllOwners = all;
      return this;
    }

    /**
     * The Redis the node's server layer lives in, as {@code Stores.redis} takes it (default: none,
     * the keys live in the node's own memory).
     *
     * @param redisUri a Redis URI, or null for none
     * @return this builder
     */
    public Builder upstream(@Nullable String redisUri) {
      this.upstream = redisUri;
      return this;
    }

    /**
     * The address to listen on (default {@code 127.0.0.1}: loopback only).
     *
     * @param address an IP address or host name of this machine
     * @return this builder
     */
    public Builder bind(String address) {
      this.bind = Objects.requireNonNull(address, "address");
      return this;
    }

    /**
     * The port (default 6380); 0 picks a free port, which {@link EdgeNode#port()} then returns.
     *
     * @param port 0 to 65535
     * @return this builder
     */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * The default user's password ({@code requirepass}); every connection must {@code AUTH} (or
     * {@code HELLO ... AUTH}) before other commands. Default: none.
     *
     * @param password the password, or null for none
     * @return this builder
     */
    public Builder requirepass(@Nullable String password) {
      this.requirepass = password;
      return this;
    }

    /**
     * The most connections at once (redis.conf's maxclients, default 10000); the next one gets
     * {@code -ERR max number of clients reached} and is closed.
     *
     * @param maxClients at least 1
     * @return this builder
     */
    public Builder maxClients(int maxClients) {
      this.maxClients = maxClients;
      return this;
    }

    /**
     * The longest argument a request may carry ({@code proto-max-bulk-len}, default 512 MB); a
     * longer one gets {@code -ERR Protocol error: invalid bulk length} and the connection is
     * closed.
     *
     * @param bytes at least 1
     * @return this builder
     */
    public Builder protoMaxBulkLen(long bytes) {
      this.limits = limits.withMaxBulkLength(bytes);
      return this;
    }

    /**
     * The most elements a request may have (default {@code 2147483647}, as redis-server); more gets
     * {@code -ERR Protocol error: invalid multibulk length} and the connection is closed.
     *
     * @param elements at least 1
     * @return this builder
     */
    public Builder maxMultibulkLength(int elements) {
      this.limits = limits.withMaxMultibulkLength(elements);
      return this;
    }

    /**
     * The most bytes one request may hold while it is read ({@code client-query-buffer-limit},
     * default 1 GB); a connection sending more is closed with no reply, as redis-server does.
     *
     * @param bytes at least 1
     * @return this builder
     */
    public Builder clientQueryBufferLimit(long bytes) {
      this.limits = limits.withQueryBufferLimit(bytes);
      return this;
    }

    /**
     * Bytes of unsent replies per connection (default 32 MB) above which the node stops reading
     * that connection's requests until its client reads.
     *
     * @param bytes at least 2
     * @return this builder
     */
    public Builder clientOutputBufferLimit(long bytes) {
      this.outputBufferLimit = bytes;
      return this;
    }

    /**
     * How long a connection may stay above {@link #clientOutputBufferLimit} (its client not
     * reading) before it is disconnected (default 60 seconds; zero: at once).
     *
     * @param timeout not negative
     * @return this builder
     */
    public Builder clientOutputBufferTimeout(Duration timeout) {
      this.outputBufferTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * How long {@link EdgeNode#close()} waits for in-flight replies before closing connections
     * (default 10 seconds).
     *
     * @param timeout not negative
     * @return this builder
     */
    public Builder shutdownTimeout(Duration timeout) {
      this.shutdownTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Serves the node's metrics for Prometheus at {@code GET /metrics} on this port of the node's
     * address: its connections and commands, the embedded cache's hits, misses and invalidations,
     * and the JVM's (default: -1, none; 0 picks a free port, which {@link EdgeNode#metricsPort()}
     * returns).
     *
     * @param port -1, or 0 to 65535
     * @return this builder
     */
    public Builder metricsPort(int port) {
      if (port < -1 || port > 65535) {
        throw new IllegalArgumentException("metrics port " + port + " is not -1 or 0 to 65535");
      }
      this.metricsPort = port;
      return this;
    }

    /**
     * The number of I/O threads (default 0: twice the number of processors).
     *
     * @param threads 0 or more
     * @return this builder
     */
    public Builder ioThreads(int threads) {
      this.ioThreads = threads;
      return this;
    }

    /**
     * The most keys the node remembers for client-side caching ({@code CLIENT TRACKING}'s default
     * mode; redis.conf's {@code tracking-table-max-keys}, default 1,000,000): past it, the key
     * remembered longest is forgotten and invalidated to the clients that read it. 0: no limit.
     *
     * @param keys 0 or more
     * @return this builder
     */
    public Builder trackingTableMaxKeys(int keys) {
      if (keys < 0) {
        throw new IllegalArgumentException("tracking-table-max-keys must not be negative: " + keys);
      }
      this.trackingTableMaxKeys = keys;
      return this;
    }

    /**
     * Binds the address and starts serving.
     *
     * @return the running node
     * @throws IllegalArgumentException if a setting is out of range, naming it
     * @throws IllegalStateException if the address cannot be bound (in use, not local)
     */
    public EdgeNode start() {
      EdgeConfig config =
          new EdgeConfig(
              bind,
              port,
              requirepass,
              maxClients,
              limits,
              outputBufferLimit,
              outputBufferTimeout,
              shutdownTimeout,
              ioThreads);
      StatelessCache.Builder keys = StatelessCache.builder().manifest(manifest);
      if (upstream != null) {
        keys.server(Stores.redis(upstream));
      }
      PrometheusMeterRegistry registry = metricsPort >= 0 ? NodeMetrics.newRegistry() : null;
      if (registry != null) {
        keys.meterRegistry(registry);
      }
      Users accounts = Users.of(users);
      if (usersFile != null) {
        accounts = accounts.and(Users.parseFile(usersFile));
      }
      StatelessCache cache = keys.build();
      try {
        accounts.names().forEach(cache::component); // SL013 for no such component
        boolean defaultAll =
            defaultUserActsForAllOwners != null ? defaultUserActsForAllOwners : manifest.isEmpty();
        EdgeServer server =
            EdgeServer.start(
                config,
                accounts,
                NodeClock.SYSTEM,
                List.of(new KeyCommands(cache, NodeClock.SYSTEM, defaultAll)));
        Tracking tracking = server.node().tracking();
        tracking.maxKeys(trackingTableMaxKeys);
        KeyChanges.observe(cache, tracking); // every change of a key the clients may cache
        NodeMetrics metrics = null;
        try {
          if (registry != null) {
            metrics = NodeMetrics.start(registry, server.node(), bind, metricsPort);
          }
        } catch (RuntimeException e) {
          server.close();
          throw e;
        }
        return new EdgeNode(server, cache, metrics);
      } catch (RuntimeException e) {
        cache.close();
        throw e;
      }
    }
  }
}
