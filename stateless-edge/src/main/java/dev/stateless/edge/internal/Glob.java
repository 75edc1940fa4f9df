package dev.stateless.edge.internal;

/**
 * redis-server's glob ({@code stringmatchlen} in {@code util.c}): {@code *}, {@code ?}, {@code
 * [abc]}, {@code [^a-z]}, and {@code \} to quote the next character.
 */
final class Glob {
  private Glob() {}

  /** Whether {@code text} matches {@code pattern}, ignoring case when {@code nocase}. */
  static boolean matches(String pattern, String text, boolean nocase) {
    return match(pattern, 0, text, 0, nocase, 0);
  }

  private static boolean match(String p, int pi, String s, int si, boolean nocase, int depth) {
    if (depth > 1000) {
      return false; // redis-server bounds its recursion too
    }
    while (pi < p.length()) {
      char pc = p.charAt(pi);
      if (pc == '*') {
        while (pi + 1 < p.length() && p.charAt(pi + 1) == '*') {
          pi++;
        }
        if (pi + 1 == p.length()) {
          return true;
        }
        for (int k = si; k <= s.length(); k++) {
          if (match(p, pi + 1, s, k, nocase, depth + 1)) {
            return true;
          }
        }
        return false;
      }
      if (si >= s.length()) {
        return false;
      }
      char c = s.charAt(si);
      if (pc == '?') {
        si++;
      } else if (pc == '[') {
        pi++;
        boolean not = pi < p.length() && p.charAt(pi) == '^';
        if (not) {
          pi++;
        }
        boolean found = false;
        while (pi < p.length() && p.charAt(pi) != ']') {
          if (p.charAt(pi) == '\\' && pi + 1 < p.length()) {
            pi++;
            found |= same(p.charAt(pi), c, nocase);
          } else if (pi + 2 < p.length() && p.charAt(pi + 1) == '-') {
            char lo = lower(p.charAt(pi), nocase);
            char hi = lower(p.charAt(pi + 2), nocase);
            char cc = lower(c, nocase);
            found |= cc >= Math.min(lo, hi) && cc <= Math.max(lo, hi);
            pi += 2;
          } else {
            found |= same(p.charAt(pi), c, nocase);
          }
          pi++;
        }
        if (pi >= p.length()) {
          pi--; // an unclosed [ runs to the end of the pattern, as in redis-server
        }
        if (found == not) {
          return false;
        }
        si++;
      } else {
        if (pc == '\\' && pi + 1 < p.length()) {
          pi++; // the quoted character is literal
          pc = p.charAt(pi);
        }
        if (!same(pc, c, nocase)) {
          return false;
        }
        si++;
      }
      pi++;
    }
    return si == s.length();
  }

  private static char lower(char c, boolean nocase) {
    return nocase ? Character.toLowerCase(c) : c;
  }

  private static boolean same(char a, char b, boolean nocase) {
    return lower(a, nocase) == lower(b, nocase);
  }
}
