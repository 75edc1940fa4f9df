package dev.stateless.internal.redis;

import io.lettuce.core.AbstractRedisClient;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shuts Lettuce clients down with a bound. Lettuce's {@code shutdown(quietPeriod, timeout, unit)}
 * waits for its own future without one, and that future sometimes never completes although every
 * thread of the client has ended (redis/lettuce#2278, seen here: a {@code close()} that hung a test
 * run for half an hour).
 */
public final class LettuceClients {
  private static final Logger LOG = LoggerFactory.getLogger(LettuceClients.class);

  /** How much longer than the client's own shutdown timeout a caller waits for it. */
  static final Duration MARGIN = Duration.ofSeconds(5);

  private LettuceClients() {}

  /**
   * Shuts the client down (no quiet period) and waits at most {@code timeout} plus {@link #MARGIN};
   * a shutdown still under way then is logged and left to finish by itself: the client holds no
   * data, only threads and sockets.
   *
   * @param client the client
   * @param timeout Lettuce's shutdown timeout
   */
  public static void shutdown(AbstractRedisClient client, Duration timeout) {
    long millis = timeout.toMillis();
    try {
      client
          .shutdownAsync(0, millis, TimeUnit.MILLISECONDS)
          .get(millis + MARGIN.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn(
          "a Redis client did not finish shutting down within {} ms; its threads are left to end"
              + " by themselves",
          millis + MARGIN.toMillis());
    } catch (ExecutionException e) {
      LOG.debug("a Redis client's shutdown failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
