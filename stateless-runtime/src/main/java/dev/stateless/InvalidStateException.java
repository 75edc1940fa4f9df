package dev.stateless;

import dev.stateless.core.Diagnostic;
import dev.stateless.core.StatelessException;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An operation on a closed cache, or a value the codec cannot encode or decode. Code {@code SL105};
 * the message names what failed and {@link #help()} how to fix it.
 */
public class InvalidStateException extends StatelessException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception for one diagnostic.
   *
   * @param diagnostic what failed, with its code and help line
   * @param cause the underlying failure, or {@code null}
   * @throws NullPointerException if {@code diagnostic} is null
   */
  public InvalidStateException(Diagnostic diagnostic, @Nullable Throwable cause) {
    super(List.of(Objects.requireNonNull(diagnostic, "diagnostic")), cause);
  }
}
