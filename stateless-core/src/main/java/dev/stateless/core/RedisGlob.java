package dev.stateless.core;

/**
 * Redis's glob matching (util.c {@code stringmatchlen}), for code that must answer {@code KEYS} /
 * {@code SCAN MATCH} the way Redis does on stores that are not Redis. Stateless's own {@link
 * KeyPattern}s are not globs; {@link KeyPattern#toRedisGlob()} converts them.
 */
public final class RedisGlob {
  private RedisGlob() {}

  /**
   * Returns whether a Redis glob ({@code KEYS} / {@code SCAN MATCH} syntax: {@code * ? [a-z] [^x]}
   * and {@code \} escapes) matches a key, exactly as Redis's {@code stringmatchlen} does.
   *
   * @param glob the glob
   * @param key the key
   * @return whether it matches
   */
  public static boolean matches(String glob, String key) {
    // Every token but '*' matches exactly one character, so on a mismatch only the last '*' needs
    // to take one more character: O(glob length x key length) at worst, never exponential (a
    // recursive match of "*a*a*a...b" against a long key is).
    int pi = 0;
    int si = 0;
    int starPi = -1;
    int starSi = -1;
    while (si < key.length()) {
      if (pi < glob.length() && glob.charAt(pi) == '*') {
        while (pi < glob.length() && glob.charAt(pi) == '*') {
          pi++;
        }
        if (pi == glob.length()) {
          return true;
        }
        starPi = pi;
        starSi = si;
        continue;
      }
      int next = pi < glob.length() ? step(glob, pi, key.charAt(si)) : -1;
      if (next >= 0) {
        pi = next;
        si++;
      } else if (starPi >= 0) {
        pi = starPi;
        si = ++starSi;
      } else {
        return false;
      }
    }
    while (pi < glob.length() && glob.charAt(pi) == '*') {
      pi++;
    }
    return pi >= glob.length();
  }

  /**
   * Matches the one-character token at {@code pi} ({@code ?}, a {@code [...]} class, an escaped or
   * a plain character) against {@code c}: the index after the token, or -1 when it does not match.
   */
  private static int step(String p, int pi, char c) {
    switch (p.charAt(pi)) {
      case '?' -> {
        return pi + 1;
      }
      case '[' -> {
        pi++;
        boolean not = pi < p.length() && p.charAt(pi) == '^';
        if (not) {
          pi++;
        }
        boolean match = false;
        while (pi < p.length() && p.charAt(pi) != ']') {
          if (p.charAt(pi) == '\\' && pi + 1 < p.length()) {
            pi++;
            match |= p.charAt(pi) == c;
          } else if (pi + 2 < p.length() && p.charAt(pi + 1) == '-') {
            char lo = p.charAt(pi);
            char hi = p.charAt(pi + 2);
            match |= c >= Math.min(lo, hi) && c <= Math.max(lo, hi);
            pi += 2;
          } else {
            match |= p.charAt(pi) == c;
          }
          pi++;
        }
        // pi is at the closing ']' (or past the end of an unterminated class)
        return match != not ? Math.min(pi + 1, p.length()) : -1;
      }
      default -> {
        if (p.charAt(pi) == '\\' && pi + 1 < p.length()) {
          pi++; // the escaped character is matched literally
        }
        return p.charAt(pi) == c ? pi + 1 : -1;
      }
    }
  }
}
