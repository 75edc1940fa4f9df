package dev.stateless;

import dev.stateless.core.Diagnostic;
import dev.stateless.core.StatelessException;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A store did not answer within the configured timeout (the Redis URI's {@code timeout} parameter,
 * 2 seconds unless set). Code {@code SL101}; the message names what failed and {@link #help()} how
 * to fix it.
 */
public final class CacheTimeoutException extends StatelessException {
  private static final long serialVersionUID = 1L;

  private final long unsavedWrites;

  /**
   * Creates the exception for one diagnostic.
   *
   * @param diagnostic what failed, with its code and help line
   * @param cause the underlying failure, or {@code null}
   * @throws NullPointerException if {@code diagnostic} is null
   */
  public CacheTimeoutException(Diagnostic diagnostic, @Nullable Throwable cause) {
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
  public CacheTimeoutException(
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
   * {@link StatelessCache.Builder#offlineQueue(java.nio.file.Path) offlineQueue} file) within
   * {@link StatelessCache.Builder#closeTimeout(java.time.Duration) closeTimeout}, Redis being slow
   * or not answering; the message names their keys. 0 for every other failure.
   *
   * @return the number of writes lost, 0 when none
   */
  public long unsavedWrites() {
    return unsavedWrites;
  }
}
