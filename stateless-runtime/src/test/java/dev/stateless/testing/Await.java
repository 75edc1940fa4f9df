package dev.stateless.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Polling with a deadline, for what another thread or process makes true (an invalidation event
 * arriving, Redis expiring a key, a drain finishing): checks at once, then every millisecond or so
 * (backing off to 5 ms), and gives up at the deadline. Never a fixed sleep: a test waits only as
 * long as the condition takes.
 */
public final class Await {
  private static final long FIRST_PAUSE_NANOS = 1_000_000;
  private static final long MAX_PAUSE_NANOS = 5_000_000;

  private Await() {}

  /**
   * Returns once {@code condition} holds.
   *
   * @throws AssertionError naming {@code what} if it does not hold within {@code timeout}
   */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    if (!poll(timeout, condition)) {
      throw new AssertionError("not within " + timeout + ": " + what);
    }
  }

  /**
   * Reads {@code value} until {@code done} accepts it or {@code timeout} passes, and returns the
   * last value read: the caller asserts on it with its own message.
   */
  public static <T> T value(Supplier<T> value, Predicate<? super T> done, Duration timeout) {
    Object[] last = new Object[1];
    poll(
        timeout,
        () -> {
          last[0] = value.get();
          return done.test(cast(last[0]));
        });
    return cast(last[0]);
  }

  @SuppressWarnings("unchecked")
  private static <T> T cast(Object o) {
    return (T) o;
  }

  private static boolean poll(Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = FIRST_PAUSE_NANOS;
    while (!condition.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      try {
        Thread.sleep(Duration.ofNanos(Math.min(pause, left)).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting", e);
      }
      pause = Math.min(MAX_PAUSE_NANOS, pause * 2);
    }
    return true;
  }
}
