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

  /** Whether the last {@link #keyOf(KeyShape)} filled a text hole with nothing. */
  boolean lastKeyHasEmptyText;

  /** A key of the shape, filling each hole at random within its kind. */
  String keyOf(KeyShape shape) {
    StringBuilder out = new StringBuilder();
    lastKeyHasEmptyText = false;
    for (Object part : shape.parts()) {
      if (part instanceof String) {
        out.append((String) part);
      } else if (part == KeyShape.Hole.SEGMENT) {
        out.append(random.nextBoolean() ? literal() : "" + random.nextInt(100));
      } else if (part == KeyShape.Hole.TEXT) {
        String text = random.nextInt(3) == 0 ? "" : key();
        lastKeyHasEmptyText |= text.isEmpty();
        out.append(text);
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

  /** Redis's glob matcher, for checking {@link KeyPattern#toRedisGlob}. */
  static boolean globMatches(String glob, String key) {
    return RedisGlob.matches(glob, key);
  }
}
