package dev.stateless.internal;

import dev.stateless.core.Diagnostic;
import dev.stateless.core.StatelessException;
import java.util.ArrayList;
import java.util.List;

/** Turns core's rule diagnostics into the exception a refused call fails with. */
public final class Checks {
  private Checks() {}

  /** Throws the errors among the diagnostics (warnings pass); nothing when there are none. */
  public static void throwIfErrors(List<Diagnostic> diagnostics) {
    List<Diagnostic> errors = new ArrayList<>();
    for (Diagnostic d : diagnostics) {
      if (d.severity() == Diagnostic.Severity.ERROR) {
        errors.add(d);
      }
    }
    if (!errors.isEmpty()) {
      throw new StatelessException(errors);
    }
  }
}
