package dev.stateless.core;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The root of every error stateless raises. Each carries at least one {@link Diagnostic} with a
 * stable code ({@link #code()}) and a help line ({@link #help()}); the message renders them all.
 * Subtypes in the runtime name failures (network, timeout, capacity, ...).
 */
public class StatelessException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The findings; transient because diagnostics are not serializable (the message keeps them). */
  private final transient List<Diagnostic> diagnostics;

  /**
   * Creates an exception for one or more findings.
   *
   * @param diagnostics the findings, at least one
   * @throws IllegalArgumentException if {@code diagnostics} is empty
   */
  public StatelessException(List<Diagnostic> diagnostics) {
    this(diagnostics, null);
  }

  /**
   * Creates an exception for one or more findings, caused by another failure.
   *
   * @param diagnostics the findings, at least one
   * @param cause the underlying failure, or {@code null}
   * @throws IllegalArgumentException if {@code diagnostics} is empty
   */
  public StatelessException(List<Diagnostic> diagnostics, @Nullable Throwable cause) {
    super(render(diagnostics), cause);
    this.diagnostics = List.copyOf(diagnostics);
  }

  private static String render(List<Diagnostic> diagnostics) {
    Objects.requireNonNull(diagnostics, "diagnostics");
    if (diagnostics.isEmpty()) {
      throw new IllegalArgumentException("a StatelessException needs at least one diagnostic");
    }
    if (diagnostics.size() == 1) {
      return diagnostics.get(0).render();
    }
    return diagnostics.size()
        + " problems:\n"
        + diagnostics.stream().map(Diagnostic::render).collect(Collectors.joining("\n"));
  }

  /**
   * Returns the code of the first finding.
   *
   * @return the code, such as {@code "SL002"}
   */
  public String code() {
    return diagnostics.get(0).code();
  }

  /**
   * Returns the help line of the first finding.
   *
   * @return the help line
   */
  public String help() {
    return diagnostics.get(0).help();
  }

  /**
   * Returns every finding, in the order they were found.
   *
   * @return the diagnostics, never empty
   */
  public List<Diagnostic> diagnostics() {
    return diagnostics;
  }
}
