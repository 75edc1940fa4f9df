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
}
