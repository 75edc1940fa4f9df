package dev.stateless;

import dev.stateless.core.Diagnostic;
import dev.stateless.core.StatelessException;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A value larger than its component's {@code @MaxSize}, or a store that is out of memory. Code
 * {@code SL102}; the message names what failed and {@link #help()} how to fix it.
 */
public final class CapacityException extends StatelessException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception for one diagnostic.
   *
   * @param diagnostic what failed, with its code and help line
   * @param cause the underlying failure, or {@code null}
   * @throws NullPointerException if {@code diagnostic} is null
   */
  public CapacityException(Diagnostic diagnostic, @Nullable Throwable cause) {
    super(List.of(Objects.requireNonNull(diagnostic, "diagnostic")), cause);
  }
}
