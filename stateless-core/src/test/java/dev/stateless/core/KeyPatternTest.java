package dev.stateless.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeyPatternTest {

  private static KeyPattern p(String text) {
    return KeyPattern.parse(text);
  }

  @Test
  void parse_keepsTextAndIgnoresHoleNamesForEquality() {
    assertThat(p("user:{id}:posts")).hasToString("user:{id}:posts");
    assertThat(p("user:{id}")).isEqualTo(p("user:{uid}")).hasSameHashCodeAs(p("user:{uid}"));
    assertThat(p("user:{id}")).isNotEqualTo(p("user:id"));
    assertThat(p("user:*")).isNotEqualTo(p("user:\\*"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''|the pattern is empty",
        "user:*:posts|`*` may only end a pattern (index 5)",
        "user::x|empty segment at index 5",
        "user:|empty segment at index 5",
        ":user|empty segment at index 0",
        "user*|`*` at index 4 is not a whole segment",
        "user:{id|`{` at index 5 is not part of a whole-segment hole",
        "user:id}|`}` at index 7 is not part of a whole-segment hole",
        "user:x{id}|`{` at index 6 is not part of a whole-segment hole",
        "user:{1d}|hole name \"1d\" at index 5 is not an identifier",
        "user:{a b}|hole name \"a b\" at index 5 is not an identifier",
        "user:a\\|`\\` at index 6 escapes nothing",
        "user:a\\:b|`\\` at index 6 escapes nothing",
        "user:\\x|`\\x` at index 5 is not an escape",
      })
  void parse_malformed_throwsSL012NamingPosition(String text, String problem) {
    assertThatThrownBy(() -> KeyPattern.parse(text))
        .isInstanceOf(StatelessException.class)
        .satisfies(
            e -> {
              StatelessException se = (StatelessException) e;
              assertThat(se.code()).isEqualTo("SL012");
              assertThat(se.help()).isNotBlank();
              assertThat(se.diagnostics().get(0).message())
                  .isEqualTo("malformed key pattern \"" + text + "\": " + problem);
              assertThat(se.getMessage()).startsWith("error[SL012]: ").contains("= help: ");
            });
  }

  @Test
  void parse_atTheLengthLimit_isAccepted() {
    String text = "user:" + "a".repeat(KeyPattern.MAX_LENGTH - 7) + ":*";
    assertThat(text).hasSize(KeyPattern.MAX_LENGTH);
    assertThat(p(text).matches("user:" + "a".repeat(KeyPattern.MAX_LENGTH - 7) + ":1")).isTrue();
  }

  /** Regression for issue 12: a 1 MB pattern is refused before it is judged, in a short message. */
  @Test
  void parse_pastTheLengthLimit_isSL012_quotingOnlyTheStart() {
    String text = "user:" + "a:".repeat(1 << 19) + "*";
    assertThatThrownBy(() -> KeyPattern.parse(text))
        .isInstanceOf(StatelessException.class)
        .satisfies(
            e -> {
              StatelessException se = (StatelessException) e;
              assertThat(se.code()).isEqualTo("SL012");
              assertThat(se.diagnostics().get(0).message())
                  .isEqualTo(
                      "malformed key pattern \"user:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a:a...\": "
                          + text.length()
                          + " characters, longer than the limit of 65536");
              assertThat(se.help()).contains("del(key)");
              assertThat(se.getMessage()).hasSizeLessThan(300);
            });
    String pastByOne = "user:" + "a".repeat(KeyPattern.MAX_LENGTH - 6) + ":*";
    assertThatThrownBy(() -> KeyPattern.parse(pastByOne))
        .hasMessageContaining("65537 characters, longer than the limit of 65536");
  }

  @Test
  void parse_pastTheLengthLimit_neverSplitsACharacterInTheMessage() {
    String emoji = "\uD83D\uDE00"; // one character, two UTF-16 units
    String text = "user:" + "a".repeat(34) + emoji + "b".repeat(KeyPattern.MAX_LENGTH);
    assertThatThrownBy(() -> KeyPattern.parse(text))
        .hasMessageContaining("\"user:" + "a".repeat(34) + "...\"");
  }

  @Test
  void parse_acceptsEscapesAndGlobCharactersAsLiterals() {
    assertThat(p("a\\*b:x").matches("a*b:x")).isTrue();
    assertThat(p("a\\*b:x").matches("aXb:x")).isFalse();
    assertThat(p("what?:[x]").matches("what?:[x]")).isTrue();
    assertThat(p("\\{id\\}").matches("{id}")).isTrue();
    assertThat(p("\\*").matches("*")).isTrue();
    assertThat(p("\\*").matches("x")).isFalse();
    assertThat(p("{}").matches("x")).isTrue();
  }

  @ParameterizedTest
  @CsvSource({
    "user:*, user:1, true",
    "user:*, user:1:posts, true",
    "user:*, user, false",
    "user:*, user:, false",
    "user:*, user::x, true",
    "user:*, users:1, false",
    "user:{id}, user:1, true",
    "user:{id}, user:1:posts, false",
    "user:{id}, user:, false",
    "user:{id}:posts, user:1:posts, true",
    "user:{id}:posts, user:1:post, false",
    "user:{id}:posts, user::posts, false",
    "product:featured, product:featured, true",
    "product:featured, product:featured:x, false",
    "*, anything, true",
    "*, '', false",
    "{a}:{b}, x:y, true",
    "{a}:{b}, x:y:z, false",
  })
  void matches_followsSegmentSemantics(String pattern, String key, boolean expected) {
    assertThat(p(pattern).matches(key)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "user:*, user:{id}, true",
    "user:*, user:{id}:posts, true",
    "user:{id}, user:{id}:posts, false",
    "user:*, user:profile, true",
    "user:*, product:*, false",
    "user:{id}, {t}:1, true",
    "user:*, user, false",
    "*, user, true",
    "user:x:*, user:*, true",
    "a:{b}:c, a:b:{c}, true",
    "a:{b}:c, a:b:d, false",
  })
  void overlaps_isSymmetricAndExact(String a, String b, boolean expected) {
    assertThat(p(a).overlaps(p(b))).isEqualTo(expected);
    assertThat(p(b).overlaps(p(a))).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "user:*, user:{id}, true",
    "user:*, user:{id}:posts, true",
    "user:*, user:x:*, true",
    "user:*, user:*, true",
    "user:x:*, user:*, false",
    "user:{id}, user:1, true",
    "user:1, user:{id}, false",
    "user:{id}, user:{id}:posts, false",
    "*, user, true",
    "*, user:*, true",
    "user:*, user, false",
  })
  void covers_meansEveryKeyOfTheOther(String a, String b, boolean expected) {
    assertThat(p(a).covers(p(b))).isEqualTo(expected);
  }

  @Test
  void mostSpecificFirst_ordersLiteralBeforeHoleBeforeWildcard() {
    List<KeyPattern> list =
        new ArrayList<>(
            List.of(p("*"), p("user:*"), p("user:{id}"), p("user:profile"), p("user:{id}:*")));
    list.sort(KeyPattern.mostSpecificFirst());
    assertThat(list)
        .containsExactly(p("user:profile"), p("user:{id}:*"), p("user:{id}"), p("user:*"), p("*"));
  }

  @Test
  void mostSpecificFirst_putsCoveredPatternBeforeCoveringOne() {
    assertThat(KeyPattern.mostSpecificFirst().compare(p("user:{id}:posts"), p("user:*")))
        .isNegative();
    assertThat(KeyPattern.mostSpecificFirst().compare(p("user:*"), p("user:{id}:posts")))
        .isPositive();
    assertThat(KeyPattern.mostSpecificFirst().compare(p("user:{a}"), p("user:{b}"))).isZero();
  }

  @ParameterizedTest
  @CsvSource({
    "user:*, user:?*",
    "user:{id}:posts, user:[^:]*:posts",
    "product:featured, product:featured",
    "'a\\*b:*', 'a\\*b:?*'",
    "'what?:[x]', 'what\\?:\\[x\\]'",
    "'back\\\\slash', 'back\\\\slash'",
    "*, ?*",
  })
  void toRedisGlob_escapesLiteralGlobCharacters(String pattern, String glob) {
    assertThat(p(pattern).toRedisGlob()).isEqualTo(glob);
  }

  @Test
  void literalPrefix_stopsAtFirstHole() {
    assertThat(p("user:{id}:posts").literalPrefix()).isEqualTo("user:");
    assertThat(p("user:*").literalPrefix()).isEqualTo("user:");
    assertThat(p("product:featured").literalPrefix()).isEqualTo("product:featured");
    assertThat(p("product:featured").isLiteral()).isTrue();
    assertThat(p("user:*").isLiteral()).isFalse();
  }

  @Test
  void parse_withAnUnpairedSurrogate_throwsSL012() {
    assertThatThrownBy(() -> KeyPattern.parse("user:\ud800:*"))
        .isInstanceOf(StatelessException.class)
        .hasMessageStartingWith(
            "error[SL012]: malformed key pattern \"user:\\uD800:*\": unpaired surrogate \\uD800"
                + " at index 5");
    assertThat(KeyPattern.parse("emoji:\ud83d\ude00:*").matches("emoji:\ud83d\ude00:1")).isTrue();
  }
}
