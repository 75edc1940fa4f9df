package dev.stateless.internal;

import dev.stateless.StatelessCache;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Where the project's other modules (the edge node) reach a cache's {@link KeyChangeListener},
 * without a method on the public API: {@link StatelessCache} hands over the way to its engine once,
 * when its class is initialized.
 */
public final class KeyChanges {
  private static volatile @Nullable Function<StatelessCache, Engine> engines;

  private KeyChanges() {}

  /**
   * Called once, by {@link StatelessCache}'s class initializer.
   *
   * @throws IllegalStateException when called again
   */
  public static synchronized void engines(Function<StatelessCache, Engine> access) {
    if (engines != null) {
      throw new IllegalStateException("the engines' accessor is already set");
    }
    engines = Objects.requireNonNull(access, "access");
  }

  /**
   * Tells {@code listener} of every key change of {@code cache} (all its views share it) from now
   * on, in place of the listener before.
   */
  public static void observe(StatelessCache cache, KeyChangeListener listener) {
    Function<StatelessCache, Engine> access = engines;
    if (access == null) {
      throw new IllegalStateException("StatelessCache was not initialized"); // it has an instance
    }
    access.apply(cache).keyChanges(Objects.requireNonNull(listener, "listener"));
  }
}
