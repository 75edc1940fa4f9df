package dev.stateless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Ending a session or scope reports what failed, as it failed (in-process; no server). */
class ScopedEntriesTest {

  /**
   * Regression: a cleanup failing with something other than a RuntimeException (here an Error) was
   * wrapped in a StatelessException with no diagnostic, whose constructor throws, so the caller got
   * an IllegalArgumentException about an empty list instead of the failure.
   */
  @Test
  void close_cleanupThrowsAnError_theErrorIsThrown_notMaskedByAnEmptyDiagnostic() {
    try (StatelessCache cache = StatelessCache.builder().manifest(TestManifest.class).build()) {
      StatelessCache session = cache.session();
      session
          .set("user:1", "x")
          .withCleanup(
              () -> {
                throw new AssertionError("cleanup failed");
              })
          .join();
      assertThatThrownBy(session::close)
          .isInstanceOf(AssertionError.class)
          .hasMessage("cleanup failed");
      assertThat(cache.sync().get("user:1")).isNull(); // the entry went before the cleanup ran
    }
  }

  /** A cleanup's runtime failure is thrown as it is; the next cleanups still run. */
  @Test
  void close_cleanupThrows_otherCleanupsRun_andTheFirstFailureIsThrown() {
    try (StatelessCache cache = StatelessCache.builder().manifest(TestManifest.class).build()) {
      StatelessCache session = cache.session();
      StringBuilder ran = new StringBuilder();
      session
          .set("user:1", "x")
          .withCleanup(
              () -> {
                throw new IllegalStateException("first");
              })
          .join();
      session.set("user:2", "y").withCleanup(() -> ran.append("second")).join();
      assertThatThrownBy(session::close)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("first");
      assertThat(ran).hasToString("second");
    }
  }
}
