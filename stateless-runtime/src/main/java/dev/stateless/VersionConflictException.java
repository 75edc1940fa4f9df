package dev.stateless;

import dev.stateless.core.Diagnostic;
import dev.stateless.core.StatelessException;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A read-modify-write lost to concurrent writers more often than it may retry. Code {@code SL103};
 * the message names what failed and {@link #help()} how to fix it.
 */
public final class VersionConflictException extends StatelessException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception for one diagnostic.
   *
   * @param diagnostic what failed, with its code and help line
   * @param cause the underlying failure, or {@code null}
   * @throws NullPointerException if {@code diagnostic} is null
   */
  public VersionConflictException(Diagnostic diagnostic, @Nullable Throwable cause) {
    super(List.of(Objects.requireNonNull(diagnostic, "diagnostic")), cause);
  }
}
