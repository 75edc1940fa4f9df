package dev.stateless.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One finding of a rule: a stable {@link Code}, a message, the declarations involved and a {@code
 * help:} line that says how to fix it. Rendered in the manner of rustc:
 *
 * <pre>
 * error[SL001]: pattern "user:profile" of component "profiles" overlaps "user:*" owned by "users"
 *   = note: ...
 *   = help: ...
 * </pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Diagnostic {

  /** How serious a finding is. */
  public enum Severity {
    /** The code certainly breaks the rule. */
    ERROR,
    /** The code may break the rule (reported by the checker in strict mode only). */
    WARNING
  }

  private final Code code;
  private final Severity severity;
  private final String message;
  private final String help;
  private final List<String> notes;
  private final List<String> components;
  private final List<String> patterns;

  Diagnostic(
      Code code,
      Severity severity,
      String message,
      String help,
      List<String> notes,
      List<String> components,
      List<String> patterns) {
    this.code = Objects.requireNonNull(code);
    this.severity = Objects.requireNonNull(severity);
    this.message = Objects.requireNonNull(message);
    this.help = Objects.requireNonNull(help);
    this.notes = List.copyOf(notes);
    this.components = List.copyOf(components);
    this.patterns = List.copyOf(patterns);
  }

  /**
   * Creates an error finding. The rules' findings are made by stateless-core itself; this factory
   * is for the runtime's failures ({@code SL1xx}), whose messages the runtime writes in one place.
   *
   * @param code the code
   * @param message what went wrong, naming the bad input
   * @param help how to fix it
   * @param notes context lines, possibly empty
   * @return the finding
   */
  public static Diagnostic error(Code code, String message, String help, List<String> notes) {
    return new Diagnostic(code, Severity.ERROR, message, help, notes, List.of(), List.of());
  }

  /**
   * Returns the rule's code as text.
   *
   * @return the code, such as {@code "SL001"}
   */
  public String code() {
    return code.name();
  }

  /**
   * Returns the rule.
   *
   * @return the rule's code
   */
  public Code rule() {
    return code;
  }

  /**
   * Returns whether the rule is certainly or only possibly broken.
   *
   * @return the severity
   */
  public Severity severity() {
    return severity;
  }

  /**
   * Returns whether this is an error (not a warning).
   *
   * @return {@code true} for {@link Severity#ERROR}
   */
  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /**
   * Returns what is wrong, without the code.
   *
   * @return the message
   */
  public String message() {
    return message;
  }

  /**
   * Returns how to fix it.
   *
   * @return the help line, without the {@code help:} prefix
   */
  public String help() {
    return help;
  }

  /**
   * Returns supporting facts, such as where the other declaration involved is.
   *
   * @return the notes, possibly empty
   */
  public List<String> notes() {
    return notes;
  }

  /**
   * Returns the names of the components involved, the offending one first.
   *
   * @return the component names, possibly empty
   */
  public List<String> components() {
    return components;
  }

  /**
   * Returns the key patterns (or literals) involved, the offending one first.
   *
   * @return the patterns as written, possibly empty
   */
  public List<String> patterns() {
    return patterns;
  }

  /**
   * Returns the same finding with another severity: the checker reports what code without
   * {@code @CacheAccess} does as warnings.
   *
   * @param as the severity
   * @return the finding with that severity
   */
  public Diagnostic withSeverity(Severity as) {
    Objects.requireNonNull(as, "as");
    return as == severity
        ? this
        : new Diagnostic(code, as, message, help, notes, components, patterns);
  }

  /**
   * Returns the same finding with more notes after its own, such as where the declarations involved
   * are in the source.
   *
   * @param more the notes to add
   * @return the finding with the notes
   */
  public Diagnostic withNotes(List<String> more) {
    if (more.isEmpty()) {
      return this;
    }
    List<String> all = new ArrayList<>(notes);
    all.addAll(more);
    return new Diagnostic(code, severity, message, help, all, components, patterns);
  }

  /**
   * Renders the diagnostic on several lines: {@code error[SL00x]: message}, then {@code = note:}
   * lines, then the {@code = help:} line.
   *
   * @return the rendering
   */
  public String render() {
    StringBuilder out = new StringBuilder();
    out.append(severity == Severity.ERROR ? "error[" : "warning[")
        .append(code.name())
        .append("]: ")
        .append(message);
    for (String note : notes) {
      out.append("\n  = note: ").append(note);
    }
    out.append("\n  = help: ").append(help);
    return out.toString();
  }

  /** Returns {@link #render()}. */
  @Override
  public String toString() {
    return render();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Diagnostic that)) {
      return false;
    }
    return code == that.code
        && severity == that.severity
        && message.equals(that.message)
        && help.equals(that.help)
        && notes.equals(that.notes)
        && components.equals(that.components)
        && patterns.equals(that.patterns);
  }

  @Override
  public int hashCode() {
    return Objects.hash(code, severity, message, help, notes, components, patterns);
  }
}
