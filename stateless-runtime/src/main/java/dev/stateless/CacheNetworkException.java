package dev.stateless;

import dev.stateless.core.Diagnostic;
import dev.stateless.core.StatelessException;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A store could not be reached: Redis is down, refused the connection or dropped it. Calls fail
 * fast while it is away and work again by themselves when it is back. Code {@code SL100}; the
 * message names what failed and {@link #help()} how to fix it.
 */
public final class CacheNetworkException extends StatelessException {
  private static final long serialVersionUID = 1L;

  private final long unsavedWrites;

  /**
   * Creates the exception for one diagnostic.
   *
   * @param diagnostic what failed, with its code and help line
   * @param cause the underlying failure, or {@code null}
   * @throws NullPointerException if {@code diagnostic} is null
   */
  public CacheNetworkException(Diagnostic diagnostic, @Nullable Throwable cause) {
    this(diagnostic, cause, 0);
  }

  /**
   * Creates the exception for one diagnostic that lost acknowledged writes: {@link
   * StatelessCache#close()} could not drain its in-memory offline queue ({@link #unsavedWrites()}).
   *
   * @param diagnostic what failed, with its code and help line
   * @param cause the underlying failure, or {@code null}
   * @param unsavedWrites how many acknowledged writes were lost, 0 or more
   * @throws NullPointerException if {@code diagnostic} is null
   * @throws IllegalArgumentException if {@code unsavedWrites} is negative
   */
  public CacheNetworkException(
      Diagnostic diagnostic, @Nullable Throwable cause, long unsavedWrites) {
    super(List.of(Objects.requireNonNull(diagnostic, "diagnostic")), cause);
    if (unsavedWrites < 0) {
      throw new IllegalArgumentException(
          "unsavedWrites must be 0 or more but was " + unsavedWrites);
    }
    this.unsavedWrites = unsavedWrites;
  }

  /**
   * Returns how many acknowledged {@code CLIENT_FIRST} writes were lost with this failure: those
   * {@link StatelessCache#close()} could not drain to Redis from an in-memory offline queue (no
   * {@link StatelessCache.Builder#offlineQueue(java.nio.file.Path) offlineQueue} file) because
   * Redis was unreachable until {@link StatelessCache.Builder#closeTimeout(java.time.Duration)
   * closeTimeout} ran out; the message names their keys. 0 for every other failure.
   *
   * @return the number of writes lost, 0 when none
   */
  public long unsavedWrites() {
    return unsavedWrites;
  }
}
