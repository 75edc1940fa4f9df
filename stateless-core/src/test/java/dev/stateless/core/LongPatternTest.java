package dev.stateless.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Regression for issue 12: judging a long pattern ({@code invalidatePattern}'s rights check) took
 * time and space that grew faster than its length, until 100 KB ran out of memory. Patterns of many
 * shapes, up to the length limit, and shapes of up to 1 MB (past it: only code builds those) must
 * now be judged as their short versions are. No timing is asserted: before the fix these tests ran
 * out of memory or for many minutes.
 */
class LongPatternTest {
  private static final Manifest MANIFEST =
      Manifest.builder("Long")
          .component(Component.builder("users").owns("user:*").build())
          .component(Component.builder("posts").owns("post:{id}:body").build())
          .component(Component.builder("profiles").owns("profile:*").build())
          .build();

  private static final Rights OWNER = code().owns("user:*").build();
  private static final Rights BORROWER = code().borrows("user:*").build();
  private static final Rights STRANGER = code().owns("profile:*").build();
  private static final Rights DROPS_DEPENDENTS =
      code().owns("profile:*").invalidates("user:*").build();

  /** Long patterns, as text and as the shape of their keys, of {@code n} repeated units. */
  enum Family {
    LITERAL_SEGMENTS(
        n -> "user:" + "a:".repeat(n) + "*",
        n ->
            KeyShape.builder()
                .literal("user:" + "a:".repeat(n))
                .hole(KeyShape.Hole.NON_EMPTY_TEXT)),
    HOLES(
        n -> "user:" + "{id}:".repeat(n) + "*",
        n -> {
          KeyShape.Builder b = KeyShape.builder().literal("user:");
          for (int i = 0; i < n; i++) {
            b.hole(KeyShape.Hole.SEGMENT).literal(":");
          }
          return b.hole(KeyShape.Hole.NON_EMPTY_TEXT);
        }),
    GLOB_CHARACTERS(
        n -> "user:" + "[ab]?".repeat(n) + ":*",
        n ->
            KeyShape.builder()
                .literal("user:" + "[ab]?".repeat(n) + ":")
                .hole(KeyShape.Hole.NON_EMPTY_TEXT)),
    ESCAPED_STARS(
        n -> "user:" + "x\\*".repeat(n) + ":{id}",
        n ->
            KeyShape.builder().literal("user:" + "x*".repeat(n) + ":").hole(KeyShape.Hole.SEGMENT)),
    DISTINCT_CHARACTERS(
        n -> "user:" + distinct(n) + ":*",
        n ->
            KeyShape.builder()
                .literal("user:" + distinct(n) + ":")
                .hole(KeyShape.Hole.NON_EMPTY_TEXT)),
    MIXED(
        n -> "user:" + "{id}:a\\*b:".repeat(n) + "{id}",
        n -> {
          KeyShape.Builder b = KeyShape.builder().literal("user:");
          for (int i = 0; i < n; i++) {
            b.hole(KeyShape.Hole.SEGMENT).literal(":a*b:");
          }
          return b.hole(KeyShape.Hole.SEGMENT);
        });

    private final IntFunction<String> text;
    private final IntFunction<KeyShape.Builder> shape;

    Family(IntFunction<String> text, IntFunction<KeyShape.Builder> shape) {
      this.text = text;
      this.shape = shape;
    }

    /** The pattern's text, as long as it can be without passing {@code length} characters. */
    String text(int length) {
      return text.apply(units(length));
    }

    /** The shape of the pattern {@link #text} would give, without the limit on patterns. */
    KeyShape shape(int length) {
      return shape.apply(units(length)).build();
    }

    private int units(int length) {
      int unit = text.apply(2).length() - text.apply(1).length();
      return Math.max(1, (length - text.apply(0).length()) / unit);
    }
  }

  @ParameterizedTest
  @EnumSource(Family.class)
  void shape_isTheParsedPatternsShape(Family family) {
    for (int length : new int[] {100, 1000, KeyPattern.MAX_LENGTH}) {
      String text = family.text(length);
      assertThat(text.length()).isBetween(length - 20, length);
      assertThat(KeyShape.of(KeyPattern.parse(text))).isEqualTo(family.shape(length));
    }
  }

  @ParameterizedTest
  @EnumSource(Family.class)
  void invalidate_patternAtTheLengthLimit_isJudgedAsAShortOne(Family family) {
    KeyShape longest = KeyShape.of(KeyPattern.parse(family.text(KeyPattern.MAX_LENGTH)));
    KeyShape shortest = KeyShape.of(KeyPattern.parse(family.text(1)));
    for (Rights rights : List.of(OWNER, BORROWER, STRANGER, DROPS_DEPENDENTS)) {
      assertThat(invalidate(rights, longest))
          .as(rights.toString())
          .isEqualTo(invalidate(rights, shortest));
    }
    assertThat(invalidate(OWNER, longest)).isEmpty();
    assertThat(invalidate(BORROWER, longest)).containsExactly("ERROR SL002");
    assertThat(invalidate(STRANGER, longest)).containsExactly("ERROR SL003");
    assertThat(invalidate(DROPS_DEPENDENTS, longest)).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Family.class)
  void invalidate_shapesOf100kAnd1MCharacters_areJudgedAsShortOnes(Family family) {
    KeyShape shape = family.shape(100_000);
    assertThat(invalidate(BORROWER, shape)).containsExactly("ERROR SL002");
    assertThat(invalidate(STRANGER, shape)).containsExactly("ERROR SL003");
    assertThat(invalidate(BORROWER, family.shape(1 << 20))).containsExactly("ERROR SL002");
  }

  @Test
  void write_textHoleAfterAMegabyteOfLiterals_isStillAWarning() {
    Rights mixed = code().owns("user:{id}").borrows("user:*").build();
    for (int length : new int[] {10, 1 << 20}) {
      KeyShape shape =
          KeyShape.builder().literal("user:" + "a".repeat(length)).hole(KeyShape.Hole.TEXT).build();
      // "user:aaa" is owned, "user:aaa:1" only borrowed
      assertThat(codes(AccessRules.checkWrite(mixed, shape, null)))
          .containsExactly("WARNING SL002");
    }
  }

  @Test
  void builder_aMillionLiteralPieces_mergeIntoOneLiteral() {
    // KeyShape.of appends a pattern's segments one by one; joining Strings made that quadratic.
    KeyShape.Builder b = KeyShape.builder();
    for (int i = 0; i < 1 << 20; i++) {
      b.literal("a:");
    }
    KeyShape shape = b.hole(KeyShape.Hole.SEGMENT).build();
    assertThat(shape)
        .isEqualTo(
            KeyShape.builder().literal("a:".repeat(1 << 20)).hole(KeyShape.Hole.SEGMENT).build());
    assertThat(shape.literalPrefix()).hasSize(2 << 20);
  }

  @Test
  void matches_ofAMegabyteShape_areExact() {
    KeyShape shape = Family.HOLES.shape(1 << 20);
    assertThat(shape.alwaysMatches(KeyPattern.parse("user:{id}:{id}:*"))).isTrue();
    assertThat(shape.mayMatch(KeyPattern.parse("user:{id}:{id}"))).isFalse();
  }

  private static Rights.Builder code() {
    return Rights.builder(MANIFEST).name("method m");
  }

  private static List<String> invalidate(Rights rights, KeyShape pattern) {
    return codes(AccessRules.check(rights, Operation.INVALIDATE, pattern, null));
  }

  private static List<String> codes(List<Diagnostic> d) {
    return d.stream().map(x -> x.severity() + " " + x.code()).collect(Collectors.toList());
  }

  /** {@code n} characters, no two alike within 20992: the automata's alphabet grows with them. */
  private static String distinct(int n) {
    StringBuilder out = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      out.append((char) (0x4E00 + i % 20992));
    }
    return out.toString();
  }
}
