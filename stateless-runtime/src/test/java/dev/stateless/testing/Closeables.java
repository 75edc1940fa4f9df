package dev.stateless.testing;

import java.util.function.Consumer;

/** Closing several things at once, for teardown that must not stop at the first failure. */
final class Closeables {
  private Closeables() {}

  /**
   * Runs {@code close} on every element, even after one throws, then rethrows the first failure
   * with the later ones suppressed in it.
   */
  static <T> void closeEach(Iterable<T> all, Consumer<? super T> close) {
    RuntimeException first = null;
    for (T each : all) {
      try {
        close.accept(each);
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
