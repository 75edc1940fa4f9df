package dev.stateless.edge.internal;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A node's settings, checked once when the node is built.
 *
 * @param bind the address to listen on
 * @param port the port; 0 picks a free one
 * @param requirepass the default user's password, or null for none (no AUTH needed)
 * @param maxClients the most connections at once (redis.conf's maxclients)
 * @param limits the request limits
 * @param outputBufferLimit bytes of unsent replies per connection above which the node stops
 *     reading that connection's requests (Netty's high write-buffer water mark)
 * @param outputBufferTimeout how long a connection may stay above {@code outputBufferLimit} (its
 *     client not reading) before it is disconnected
 * @param shutdownTimeout how long a graceful shutdown waits for in-flight replies
 * @param ioThreads the number of event-loop threads; 0: Netty's default (twice the processors)
 */
public record EdgeConfig(
    String bind,
    int port,
    @Nullable String requirepass,
    int maxClients,
    ProtocolLimits limits,
    long outputBufferLimit,
    Duration outputBufferTimeout,
    Duration shutdownTimeout,
    int ioThreads) {

  /** The default port: Redis's 6379, plus one. */
  public static final int DEFAULT_PORT = 6380;

  /** The default address: loopback only, safe by default. */
  public static final String DEFAULT_BIND = "127.0.0.1";

  /** redis-server's default {@code maxclients}. */
  public static final int DEFAULT_MAX_CLIENTS = 10_000;

  /** redis-server's hard output-buffer limit for pub/sub clients, 32 MB. */
  public static final long DEFAULT_OUTPUT_BUFFER_LIMIT = 32L * 1024 * 1024;

  /** redis-server's soft output-buffer limit period for pub/sub clients. */
  public static final Duration DEFAULT_OUTPUT_BUFFER_TIMEOUT = Duration.ofSeconds(60);

  /** The default graceful-shutdown wait. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

  /** The defaults. */
  public static final EdgeConfig DEFAULTS =
      new EdgeConfig(
          DEFAULT_BIND,
          DEFAULT_PORT,
          null,
          DEFAULT_MAX_CLIENTS,
          ProtocolLimits.DEFAULTS,
          DEFAULT_OUTPUT_BUFFER_LIMIT,
          DEFAULT_OUTPUT_BUFFER_TIMEOUT,
          DEFAULT_SHUTDOWN_TIMEOUT,
          0);

  /**
   * @throws IllegalArgumentException naming the first setting out of range
   */
  public EdgeConfig {
    if (bind.isEmpty()) {
      throw new IllegalArgumentException("bind address is empty");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be between 0 and 65535: " + port);
    }
    if (requirepass != null && requirepass.isEmpty()) {
      throw new IllegalArgumentException("requirepass is empty (leave it unset for no password)");
    }
    if (maxClients < 1) {
      throw new IllegalArgumentException("maxclients must be positive: " + maxClients);
    }
    if (outputBufferLimit < 2) {
      throw new IllegalArgumentException(
          "the output buffer limit must be at least 2 bytes: " + outputBufferLimit);
    }
    if (outputBufferLimit > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "the output buffer limit must be at most "
              + Integer.MAX_VALUE
              + ": "
              + outputBufferLimit);
    }
    if (outputBufferTimeout.isNegative()) {
      throw new IllegalArgumentException(
          "the output buffer timeout is negative: " + outputBufferTimeout);
    }
    if (shutdownTimeout.isNegative()) {
      throw new IllegalArgumentException("the shutdown timeout is negative: " + shutdownTimeout);
    }
    if (ioThreads < 0) {
      throw new IllegalArgumentException("io threads must not be negative: " + ioThreads);
    }
  }

  /** Whether connections start unauthenticated. */
  public boolean passwordRequired() {
    return requirepass != null;
  }
}
