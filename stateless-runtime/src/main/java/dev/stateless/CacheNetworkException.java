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

  /**
   * Creates the exception for one diagnostic.
   *
   * @param diagnostic what failed, with its code and help line
   * @param cause the underlying failure, or {@code null}
   * @throws NullPointerException if {@code diagnostic} is null
   */
  public CacheNetworkException(Diagnostic diagnostic, @Nullable Throwable cause) {
    super(List.of(Objects.requireNonNull(diagnostic, "diagnostic")), cause);
  }
}
