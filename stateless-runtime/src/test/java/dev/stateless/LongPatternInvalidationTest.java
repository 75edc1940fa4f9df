package dev.stateless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stateless.core.KeyPattern;
import dev.stateless.core.StatelessException;
import org.junit.jupiter.api.Test;

/**
 * Regression for issue 12 through the runtime (in-process; no server): {@code invalidatePattern} on
 * a pattern of 64 Ki characters is judged and carried out as a short one is, and a 1 MB pattern is
 * refused with SL012 before any work. Before the fix the rights check of a 100 KB pattern ran out
 * of memory. No timing is asserted.
 */
class LongPatternInvalidationTest {
  /** {@code user:a:a:...:} as long as a pattern may be with a final {@code *}. */
  private static final String PREFIX = "user:" + "a:".repeat((KeyPattern.MAX_LENGTH - 6) / 2);

  @Test
  void invalidatePattern_atTheLengthLimit_byTheOwner_dropsItsKeysOnly() {
    try (StatelessCache cache = StatelessCache.builder().manifest(TestManifest.class).build()) {
      SyncCache s = cache.sync();
      s.set(PREFIX + "1", "x");
      s.set(PREFIX + "2:3", "y");
      s.set("user:1", "z");
      String pattern = PREFIX + "*";
      assertThat(pattern.length()).isBetween(KeyPattern.MAX_LENGTH - 1, KeyPattern.MAX_LENGTH);

      assertThat(s.component("users").invalidatePattern(pattern)).isEqualTo(2);
      assertThat(s.get(PREFIX + "1")).isNull();
      assertThat(s.get(PREFIX + "2:3")).isNull();
      assertThat(s.get("user:1")).isEqualTo("z");
    }
  }

  @Test
  void invalidatePattern_atTheLengthLimit_withHoles_isJudgedAsAShortOne() {
    try (StatelessCache cache = StatelessCache.builder().manifest(TestManifest.class).build()) {
      SyncCache s = cache.sync();
      String holes = "user:" + "{id}:".repeat((KeyPattern.MAX_LENGTH - 6) / 5) + "*";
      assertThat(s.component("users").invalidatePattern(holes)).isZero();
      assertThat(s.invalidatePattern(holes)).isZero(); // the plain cache acts for every owner
      assertThatThrownBy(() -> s.component("analytics").invalidatePattern(holes))
          .isInstanceOfSatisfying(
              StatelessException.class, e -> assertThat(e.code()).isEqualTo("SL002"));
      assertThatThrownBy(() -> s.component("profiles").invalidatePattern(holes))
          .isInstanceOfSatisfying(
              StatelessException.class, e -> assertThat(e.code()).isEqualTo("SL003"));
    }
  }

  @Test
  void invalidatePattern_ofAMegabyte_isSL012_inAShortMessage() {
    try (StatelessCache cache = StatelessCache.builder().manifest(TestManifest.class).build()) {
      SyncCache s = cache.sync();
      s.set("user:a:1", "x");
      for (String pattern :
          new String[] {
            "user:" + "a:".repeat(1 << 19) + "*", "user:" + "{id}:".repeat(1 << 18) + "*"
          }) {
        assertThatThrownBy(() -> s.invalidatePattern(pattern))
            .isInstanceOfSatisfying(
                StatelessException.class,
                e -> {
                  assertThat(e.code()).isEqualTo("SL012");
                  assertThat(e.getMessage())
                      .contains(pattern.length() + " characters, longer than the limit of 65536")
                      .contains("= help: ")
                      .hasSizeLessThan(300);
                });
      }
      assertThat(s.get("user:a:1")).isEqualTo("x");
    }
  }
}
