package dev.stateless.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Seeded random checks of pattern semantics; each failure prints the seed to replay it. */
class KeyPatternPropertyTest {
  private static final int ROUNDS = 3000;

  @Test
  void overlaps_isSymmetric_andHoldsWheneverAKeyMatchesBoth() {
    RandomKeys r = new RandomKeys();
    for (int i = 0; i < ROUNDS; i++) {
      KeyPattern a = r.pattern();
      KeyPattern b = r.pattern();
      String why = r.describe() + ": " + a + " / " + b;
      assertThat(a.overlaps(b)).as(why).isEqualTo(b.overlaps(a));
      for (String key : new String[] {r.key(), r.keyOf(a), r.keyOf(b)}) {
        if (a.matches(key) && b.matches(key)) {
          assertThat(a.overlaps(b)).as(why + " both match " + key).isTrue();
        }
      }
      if (a.overlaps(b)) {
        String shared = KeyPattern.sharedKey(a, b);
        assertThat(a.matches(shared) && b.matches(shared)).as(why + " witness " + shared).isTrue();
      }
    }
  }

  @Test
  void covers_impliesOverlaps_andEveryKeyOfTheCoveredMatches() {
    RandomKeys r = new RandomKeys();
    for (int i = 0; i < ROUNDS; i++) {
      KeyPattern a = r.pattern();
      KeyPattern b = r.pattern();
      String why = r.describe() + ": " + a + " covers " + b;
      assertThat(a.covers(a)).as(why).isTrue();
      if (a.covers(b)) {
        assertThat(a.overlaps(b)).as(why).isTrue();
        for (int k = 0; k < 5; k++) {
          String key = r.keyOf(b);
          assertThat(a.matches(key)).as(why + " key " + key).isTrue();
        }
        if (!b.covers(a)) {
          assertThat(KeyPattern.mostSpecificFirst().compare(b, a)).as(why).isNegative();
        }
      }
      if (a.covers(b) && b.covers(a)) {
        assertThat(a).as(why).isEqualTo(b);
      }
    }
  }

  @Test
  void structuralRules_agreeWithTheAutomaton() {
    RandomKeys r = new RandomKeys();
    for (int i = 0; i < ROUNDS; i++) {
      KeyPattern a = r.pattern();
      KeyPattern b = r.pattern();
      String why = r.describe() + ": " + a + " / " + b;
      assertThat(KeyShape.of(a).mayMatch(b)).as(why).isEqualTo(a.overlaps(b));
      assertThat(KeyShape.of(b).alwaysMatches(a)).as(why).isEqualTo(a.covers(b));
    }
  }

  @Test
  void shapes_mayMatchEveryMatchingKey_andAlwaysMatchOnlyWhenEveryKeyDoes() {
    RandomKeys r = new RandomKeys();
    for (int i = 0; i < ROUNDS; i++) {
      KeyShape shape = r.shape();
      KeyPattern p = r.pattern();
      boolean may = shape.mayMatch(p);
      boolean always = shape.alwaysMatches(p);
      String why = r.describe() + ": " + shape + " vs " + p + " may=" + may + " always=" + always;
      if (always) {
        assertThat(may).as(why).isTrue();
      }
      for (int k = 0; k < 20; k++) {
        String key = r.keyOf(shape);
        if (p.matches(key)) {
          assertThat(may).as(why + " key " + key).isTrue();
        } else {
          assertThat(always).as(why + " key " + key).isFalse();
        }
      }
    }
  }

  @Test
  void toRedisGlob_matchesEveryKeyOfThePattern_andExactlyThemWithoutHoles() {
    RandomKeys r = new RandomKeys();
    for (int i = 0; i < ROUNDS; i++) {
      KeyPattern p = r.pattern();
      String glob = p.toRedisGlob();
      boolean exact = !p.toString().contains("{");
      for (String key : new String[] {r.key(), r.keyOf(p), r.keyOf(r.pattern())}) {
        String why = r.describe() + ": " + p + " glob " + glob + " key " + key;
        boolean globMatch = RandomKeys.globMatches(glob, key);
        if (p.matches(key)) {
          assertThat(globMatch).as(why).isTrue();
        }
        if (exact) {
          assertThat(globMatch).as(why).isEqualTo(p.matches(key));
        }
      }
    }
  }

  @Test
  void toRedisGlob_ofLiteralKeyWithGlobCharacters_matchesOnlyThatKey() {
    RandomKeys r = new RandomKeys();
    for (int i = 0; i < ROUNDS; i++) {
      String key = r.key();
      if (key.isEmpty() || key.contains("::") || key.startsWith(":") || key.endsWith(":")) {
        continue; // not expressible as a pattern: patterns have no empty segments
      }
      StringBuilder text = new StringBuilder();
      for (String segment : key.split(":", -1)) {
        text.append(text.length() > 0 ? ":" : "").append(RandomKeys.escape(segment));
      }
      KeyPattern literal = KeyPattern.parse(text.toString());
      String other = r.key();
      String why = r.describe() + ": " + key + " glob " + literal.toRedisGlob() + " other " + other;
      assertThat(RandomKeys.globMatches(literal.toRedisGlob(), key)).as(why).isTrue();
      assertThat(RandomKeys.globMatches(literal.toRedisGlob(), other))
          .as(why)
          .isEqualTo(other.equals(key));
    }
  }
}
