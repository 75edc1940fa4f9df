package dev.stateless.testing;

/**
 * A Redis a test runs against, whatever its shape: a standalone server ({@link
 * RedisServerExtension}) or a Sentinel deployment ({@link RedisSentinelExtension}). Scenarios that
 * only need the URI to give {@code Stores.redis} and what the data holds take this, and run on
 * either.
 */
public interface RedisDeployment {
  /**
   * The URI {@code Stores.redis} takes to reach it.
   *
   * @throws IllegalStateException if it is not started
   */
  String uri();

  /**
   * Sends one command to the server that holds the data (a Sentinel deployment's current master)
   * and returns its reply as text, as {@link RedisServerExtension#command(String...)} does.
   *
   * @throws java.io.UncheckedIOException if that server cannot be reached
   */
  String command(String... args);
}
