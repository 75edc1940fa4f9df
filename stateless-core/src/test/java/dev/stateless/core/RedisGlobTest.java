package dev.stateless.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link RedisGlob}: the answers of Redis's recursive matcher, without its exponential cases. */
class RedisGlobTest {
  /** The recursive matcher RedisGlob used before (Redis's own shape), as the oracle. */
  private static boolean recursive(String glob, String key) {
    return glob(glob, 0, key, 0);
  }

  private static boolean glob(String p, int pi, String s, int si) {
    while (pi < p.length()) {
      char c = p.charAt(pi);
      switch (c) {
        case '*' -> {
          while (pi + 1 < p.length() && p.charAt(pi + 1) == '*') {
            pi++;
          }
          if (pi + 1 == p.length()) {
            return true;
          }
          for (int k = si; k <= s.length(); k++) {
            if (glob(p, pi + 1, s, k)) {
              return true;
            }
          }
          return false;
        }
        case '?' -> {
          if (si >= s.length()) {
            return false;
          }
          si++;
        }
        case '[' -> {
          if (si >= s.length()) {
            return false;
          }
          pi++;
          boolean not = pi < p.length() && p.charAt(pi) == '^';
          if (not) {
            pi++;
          }
          boolean match = false;
          while (pi < p.length() && p.charAt(pi) != ']') {
            if (p.charAt(pi) == '\\' && pi + 1 < p.length()) {
              pi++;
              match |= p.charAt(pi) == s.charAt(si);
            } else if (pi + 2 < p.length() && p.charAt(pi + 1) == '-') {
              char lo = p.charAt(pi);
              char hi = p.charAt(pi + 2);
              match |= s.charAt(si) >= Math.min(lo, hi) && s.charAt(si) <= Math.max(lo, hi);
              pi += 2;
            } else {
              match |= p.charAt(pi) == s.charAt(si);
            }
            pi++;
          }
          if (not) {
            match = !match;
          }
          if (!match) {
            return false;
          }
          si++;
        }
        default -> {
          if (c == '\\' && pi + 1 < p.length()) {
            pi++; // the escaped character is matched literally
          }
          if (si >= s.length() || p.charAt(pi) != s.charAt(si)) {
            return false;
          }
          si++;
        }
      }
      pi++;
    }
    return si == s.length();
  }

  @Test
  void seededRandomGlobs_answerAsTheRecursiveMatcher() {
    long seed = Long.getLong("stateless.seed", System.nanoTime());
    Random r = new Random(seed);
    String alphabet = "ab:*?[]^-\\";
    for (int i = 0; i < 200_000; i++) {
      String glob = random(r, alphabet, r.nextInt(9));
      String key = random(r, "ab:*?[]-\\", r.nextInt(9));
      assertThat(RedisGlob.matches(glob, key))
          .as("glob %s key %s (seed %d)", glob, key, seed)
          .isEqualTo(recursive(glob, key));
    }
  }

  private static String random(Random r, String alphabet, int length) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < length; i++) {
      b.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  @Test
  void manyStarsAgainstALongKey_areAnsweredWithoutBacktrackingEveryStar() {
    // The recursive matcher takes minutes on these (each '*' retries every split of the key).
    String key = "a".repeat(10_000);
    assertThat(RedisGlob.matches("*a".repeat(40) + "b", key)).isFalse();
    assertThat(RedisGlob.matches("*a".repeat(40) + "*", key)).isTrue();
    assertThat(RedisGlob.matches("*?".repeat(40) + "[b]", key)).isFalse();
  }

  @Test
  void redisGlobSyntax() {
    assertThat(RedisGlob.matches("user:*", "user:1")).isTrue();
    assertThat(RedisGlob.matches("user:?", "user:12")).isFalse();
    assertThat(RedisGlob.matches("user:[0-9]", "user:7")).isTrue();
    assertThat(RedisGlob.matches("user:[^0-9]", "user:7")).isFalse();
    assertThat(RedisGlob.matches("user:\\*", "user:*")).isTrue();
    assertThat(RedisGlob.matches("user:\\*", "user:1")).isFalse();
    assertThat(RedisGlob.matches("*:posts", "user:1:posts")).isTrue();
    assertThat(RedisGlob.matches("a[bc", "ab")).as("an unterminated class").isTrue();
  }
}
