package dev.stateless.edge;

import java.time.Duration;
import java.util.function.Supplier;

/** Polls a condition until it holds, or fails the test once the bound has passed. */
final class Await {
  private Await() {}

  /**
   * Waits until {@code condition} holds; returns how long that took, in milliseconds.
   *
   * @throws AssertionError naming {@code what} if it did not hold within {@code within}
   */
  static long await(String what, Duration within, Supplier<Boolean> condition)
      throws InterruptedException {
    long start = System.nanoTime();
    while (!Boolean.TRUE.equals(condition.get())) {
      if (System.nanoTime() - start > within.toNanos()) {
        throw new AssertionError("not within " + within + ": " + what);
      }
      Thread.sleep(5);
    }
    return (System.nanoTime() - start) / 1_000_000;
  }
}
