package dev.stateless;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stateless.core.StatelessException;
import java.util.concurrent.CompletionException;

/** Test helper: the code of a failure as thrown by {@code sync()} or by {@code join()}. */
final class Failures {
  private Failures() {}

  /** The first diagnostic's code; asserts that the failure is a coded StatelessException. */
  static String code(Throwable t) {
    Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    assertThat(c).isInstanceOf(StatelessException.class);
    return ((StatelessException) c).diagnostics().get(0).code();
  }
}
