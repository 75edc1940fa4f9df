package dev.stateless.core;

import java.util.Random;

/**
 * Seeded random patterns, keys and shapes for property tests. The seed comes from {@code
 * -Dstateless.seed=N} when given, else from the clock; every failure message prints it.
 */
final class RandomKeys {
  /** Few, colliding segment literals, glob characters among them. */
  private static final String[] LITERALS = {"a", "b", "user", "x*", "?", "[1]", "\\", "42"};

  final long seed;
  final Random random;

  RandomKeys() {
    this(Long.getLong("stateless.seed", System.nanoTime()));
  }

  RandomKeys(long seed) {
    this.seed = seed;
    this.random = new Random(seed);
  }

  String describe() {
    return "replay with -Dstateless.seed=" + seed;
  }

  String literal() {
    return LITERALS[random.nextInt(LITERALS.length)];
  }

  /** A well-formed pattern text: 0..3 segments of literals and holes, maybe a final {@code *}. */
  String patternText() {
    int segments = random.nextInt(4);
    boolean star = segments == 0 || random.nextInt(3) == 0;
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < segments; i++) {
      if (i > 0) {
        out.append(':');
      }
      if (random.nextInt(5) < 2) {
        out.append("{h").append(i).append('}');
      } else {
        out.append(escape(literal()));
      }
    }
    if (star) {
      out.append(segments > 0 ? ":*" : "*");
    }
    return out.toString();
  }

  KeyPattern pattern() {
    return KeyPattern.parse(patternText());
  }

  /** A key: 1..5 segments of literals, other text, or (rarely) empty segments. */
  String key() {
    int segments = 1 + random.nextInt(5);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < segments; i++) {
      if (i > 0) {
        out.append(':');
      }
      int r = random.nextInt(10);
      if (r < 6) {
        out.append(literal());
      } else if (r < 9) {
        out.append(random.nextInt(100));
      }
    }
    return out.toString();
  }

  /** A key the pattern matches. */
  String keyOf(KeyPattern p) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < p.segmentCount(); i++) {
      if (i > 0) {
        out.append(':');
      }
      String s = p.segment(i);
      out.append(s != null ? s : random.nextBoolean() ? literal() : "" + random.nextInt(100));
    }
    if (p.endsWithWildcard()) {
      if (p.segmentCount() > 0) {
        out.append(':');
      }
      out.append(nonEmptyKey()); // `*` takes a non-empty rest
    }
    return out.toString();
  }

  String nonEmptyKey() {
    String key;
    do {
      key = key();
    } while (key.isEmpty());
    return key;
  }

  /** A random shape of literal pieces (which may hold {@code :}) and holes. */
  KeyShape shape() {
    KeyShape.Builder b = KeyShape.builder();
    int parts = 1 + random.nextInt(4);
    for (int i = 0; i < parts; i++) {
      int r = random.nextInt(6);
      if (r < 3) {
        b.literal(literal() + (random.nextBoolean() ? ":" : ""));
      } else if (r == 3) {
        b.hole(KeyShape.Hole.SEGMENT);
      } else if (r == 4) {
        b.hole(KeyShape.Hole.TEXT);
      } else {
        b.hole(KeyShape.Hole.NON_EMPTY_TEXT);
      }
    }
    return b.build();
  }

  /** A key of the shape, filling each hole at random within its kind. */
  String keyOf(KeyShape shape) {
    StringBuilder out = new StringBuilder();
    for (Object part : shape.parts()) {
      if (part instanceof String) {
        out.append((String) part);
      } else if (part == KeyShape.Hole.SEGMENT) {
        out.append(random.nextBoolean() ? literal() : "" + random.nextInt(100));
      } else if (part == KeyShape.Hole.TEXT) {
        out.append(random.nextInt(3) == 0 ? "" : key());
      } else {
        out.append(random.nextBoolean() ? nonEmptyKey() : ":" + key());
      }
    }
    return out.toString();
  }

  static String escape(String literal) {
    StringBuilder out = new StringBuilder();
    for (char c : literal.toCharArray()) {
      if (c == '*' || c == '{' || c == '}' || c == '\\') {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  /** Redis's glob matcher (util.c stringmatchlen), for checking {@link KeyPattern#toRedisGlob}. */
  static boolean globMatches(String glob, String key) {
    return glob(glob, 0, key, 0);
  }

  private static boolean glob(String p, int pi, String s, int si) {
    while (pi < p.length()) {
      char c = p.charAt(pi);
      switch (c) {
        case '*':
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
        case '?':
          if (si >= s.length()) {
            return false;
          }
          si++;
          break;
        case '[':
          {
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
            break;
          }
        default:
          if (c == '\\' && pi + 1 < p.length()) {
            pi++; // the escaped character is matched literally
          }
          if (si >= s.length() || p.charAt(pi) != s.charAt(si)) {
            return false;
          }
          si++;
      }
      pi++;
    }
    return si == s.length();
  }
}
