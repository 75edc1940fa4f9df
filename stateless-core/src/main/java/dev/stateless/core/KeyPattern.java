package dev.stateless.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A key pattern such as {@code user:*}, {@code user:{id}}, {@code user:{id}:posts} or {@code
 * product:featured}.
 *
 * <p>Segments are separated by {@code :}. A segment is a literal, a hole {@code {name}} that
 * matches exactly one non-empty segment, or {@code *}, which may only end the pattern and matches
 * one or more further segments (any non-empty rest of the key). A backslash makes the next
 * character literal ({@code \*}, <code>\&#123;</code>, <code>\&#125;</code>, {@code \\}, {@code
 * \?}, {@code \[}, {@code \]}); the characters {@code ? [ ]} are literal anyway. Keys are plain
 * data: a {@code *} or {@code ?} in a key is never a wildcard.
 *
 * <p>Two patterns are equal when they match the same keys: hole names do not count ({@code
 * user:{id}} equals {@code user:{uid}}). Instances are immutable and thread-safe.
 */
public final class KeyPattern {
  /**
   * The longest pattern {@link #parse} accepts, in characters (UTF-16 code units): 64 Ki. Real
   * patterns are a few dozen characters; the bound keeps the work and memory of judging a pattern
   * (linear in its length) small when patterns come from outside the program, such as an
   * administration endpoint passing text to {@code invalidatePattern}.
   */
  public static final int MAX_LENGTH = 64 * 1024;

  private static final Comparator<KeyPattern> MOST_SPECIFIC_FIRST = KeyPattern::compareSpecificity;

  private final String text;

  /** Per segment: the literal text (unescaped), or {@code null} for a hole. */
  private final String[] segments;

  private final boolean star;
  private final String canonical;

  /**
   * This pattern's automaton for {@link KeyShape#signatures}, built on first use: the checker asks
   * about the same few patterns for every key it judges. Immutable, so a race only builds it twice.
   */
  private KeyAutomaton.@Nullable Nfa automaton;

  /** This pattern's automaton, built once. */
  KeyAutomaton.Nfa automaton() {
    KeyAutomaton.Nfa a = automaton;
    if (a == null) {
      a = new KeyAutomaton.Nfa(KeyShape.of(this));
      automaton = a;
    }
    return a;
  }

  private KeyPattern(String text, String[] segments, boolean star) {
    this.text = text;
    this.segments = segments;
    this.star = star;
    StringBuilder c = new StringBuilder();
    for (int i = 0; i < segments.length; i++) {
      if (i > 0) {
        c.append(':');
      }
      if (segments[i] == null) {
        c.append("{}");
      } else {
        escapeInto(segments[i], c);
      }
    }
    if (star) {
      c.append(segments.length > 0 ? ":*" : "*");
    }
    this.canonical = c.toString();
  }

  /**
   * Parses a pattern.
   *
   * @param text the pattern, such as {@code "user:{id}:posts"}
   * @return the pattern
   * @throws StatelessException with code SL012 naming the position, if the pattern is malformed
   *     (also: half a surrogate pair, which has no UTF-8 encoding), or if it is longer than {@link
   *     #MAX_LENGTH} characters
   * @throws NullPointerException if {@code text} is null
   */
  public static KeyPattern parse(String text) {
    Objects.requireNonNull(text, "pattern");
    if (text.isEmpty()) {
      throw malformed(text, "the pattern is empty", "write at least one segment, e.g. \"user:*\"");
    }
    if (text.length() > MAX_LENGTH) {
      throw new StatelessException(List.of(Diagnostics.patternTooLong(text, MAX_LENGTH)));
    }
    Literals.checkEncodable("key pattern", text);
    List<String> segments = new ArrayList<>();
    int starAt = -1;
    int start = 0;
    while (true) {
      int end = text.indexOf(':', start);
      if (end < 0) {
        end = text.length();
      }
      if (starAt >= 0) {
        throw malformed(
            text,
            "`*` may only end a pattern (index " + starAt + ")",
            "put the wildcard last, or use a {name} hole for one segment, e.g. \"user:{id}:posts\"");
      }
      String raw = text.substring(start, end);
      if (raw.isEmpty()) {
        throw malformed(
            text, "empty segment at index " + start, "remove the doubled or trailing `:`");
      }
      if (raw.equals("*")) {
        starAt = start;
      } else if (raw.length() >= 2 && raw.charAt(0) == '{' && raw.endsWith("}")) {
        checkHoleName(text, raw.substring(1, raw.length() - 1), start);
        segments.add(null);
      } else {
        segments.add(unescape(text, raw, start));
      }
      if (end == text.length()) {
        break;
      }
      start = end + 1;
    }
    return new KeyPattern(text, segments.toArray(new String[0]), starAt >= 0);
  }

  private static String unescape(String text, String raw, int offset) {
    StringBuilder literal = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      int at = offset + i;
      if (c == '\\') {
        if (i + 1 == raw.length()) {
          throw malformed(
              text,
              "`\\` at index " + at + " escapes nothing",
              "escape one of * { } \\ ? [ ]; a `:` always separates segments");
        }
        char next = raw.charAt(++i);
        if ("*{}\\?[]".indexOf(next) < 0) {
          throw malformed(
              text,
              "`\\" + next + "` at index " + at + " is not an escape",
              "only * { } \\ ? [ ] can be escaped");
        }
        literal.append(next);
      } else if (c == '*') {
        throw malformed(
            text,
            "`*` at index " + at + " is not a whole segment",
            "end the pattern with \":*\" to match every key under a prefix (\""
                + text.substring(0, offset)
                + "*\"), or write \"\\\\*\" for a literal `*`");
      } else if (c == '{' || c == '}') {
        throw malformed(
            text,
            "`" + c + "` at index " + at + " is not part of a whole-segment hole",
            "holes fill whole segments, e.g. \"user:{id}:posts\"; write \"\\\\"
                + c
                + "\" for a literal brace");
      } else {
        literal.append(c);
      }
    }
    return literal.toString();
  }

  private static void checkHoleName(String text, String name, int at) {
    for (int k = 0; k < name.length(); k++) {
      char ch = name.charAt(k);
      boolean ok =
          (ch >= 'a' && ch <= 'z')
              || (ch >= 'A' && ch <= 'Z')
              || ch == '_'
              || (k > 0 && ch >= '0' && ch <= '9');
      if (!ok) {
        throw malformed(
            text,
            "hole name \"" + name + "\" at index " + at + " is not an identifier",
            "name holes with letters, digits and `_`, e.g. \"{id}\"");
      }
    }
  }

  private static StatelessException malformed(String text, String problem, String help) {
    return new StatelessException(
        List.of(Diagnostics.malformed("key pattern", text, problem, help)));
  }

  /**
   * Returns whether the key is one of this pattern's keys.
   *
   * @param key a key; every character in it is data
   * @return whether the pattern matches the key
   */
  public boolean matches(String key) {
    int len = key.length();
    int pos = 0;
    for (int i = 0; i < segments.length; i++) {
      if (i > 0) {
        if (pos >= len || key.charAt(pos) != ':') {
          return false;
        }
        pos++;
      }
      int end = key.indexOf(':', pos);
      if (end < 0) {
        end = len;
      }
      String literal = segments[i];
      if (literal == null) {
        if (end == pos) {
          return false;
        }
      } else if (end - pos != literal.length() || !key.startsWith(literal, pos)) {
        return false;
      }
      pos = end;
    }
    if (!star) {
      return pos == len;
    }
    if (segments.length > 0) {
      if (pos >= len) {
        return false;
      }
      pos++; // the ':' after the last segment
    }
    return pos < len;
  }

  /**
   * Returns whether some key matches both patterns. {@code user:{id}} and {@code user:{id}:posts}
   * do not overlap; {@code user:*} overlaps both. Symmetric.
   *
   * @param other another pattern
   * @return whether the patterns share a key
   */
  public boolean overlaps(KeyPattern other) {
    int n = segments.length;
    int m = other.segments.length;
    if (star == other.star) {
      if (!star && n != m) {
        return false;
      }
      return compatiblePrefix(other, Math.min(n, m));
    }
    KeyPattern open = star ? this : other;
    KeyPattern closed = star ? other : this;
    return closed.segments.length > open.segments.length
        && compatiblePrefix(other, open.segments.length);
  }

  private boolean compatiblePrefix(KeyPattern other, int count) {
    for (int i = 0; i < count; i++) {
      String a = segments[i];
      String b = other.segments[i];
      if (a != null && b != null && !a.equals(b)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns whether every key the other pattern matches is matched by this one: {@code user:*}
   * covers {@code user:{id}:posts}. A pattern covers itself; covering implies overlapping.
   *
   * @param other another pattern
   * @return whether this pattern's keys include all of the other's
   */
  public boolean covers(KeyPattern other) {
    int n = segments.length;
    int m = other.segments.length;
    if (!star) {
      if (other.star || n != m) {
        return false;
      }
    } else if (other.star ? m < n : m <= n) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      String mine = segments[i];
      if (mine != null && !mine.equals(other.segments[i])) {
        return false;
      }
    }
    return true;
  }

  /**
   * Orders patterns most specific first, the order in which a key's candidate patterns are tried.
   * Segments are compared left to right: a literal is more specific than a hole, a hole more than
   * {@code *}; at the first difference the more specific pattern comes first, and a pattern that
   * continues past another's end comes before it. When a pattern covers another, the covered one
   * comes first. Ties (patterns of the same shape) are broken by their text, so the order is total
   * and consistent with {@link #equals}.
   *
   * @return the comparator
   */
  public static Comparator<KeyPattern> mostSpecificFirst() {
    return MOST_SPECIFIC_FIRST;
  }

  private int compareSpecificity(KeyPattern other) {
    int n = rankLength();
    int m = other.rankLength();
    for (int i = 0; i < Math.min(n, m); i++) {
      int diff = other.rank(i) - rank(i);
      if (diff != 0) {
        return diff;
      }
    }
    if (n != m) {
      return m - n;
    }
    return canonical.compareTo(other.canonical);
  }

  private int rankLength() {
    return segments.length + (star ? 1 : 0);
  }

  private int rank(int i) {
    if (i == segments.length) {
      return 1; // '*'
    }
    return segments[i] == null ? 2 : 3;
  }

  /**
   * Returns a Redis glob ({@code SCAN MATCH} / {@code KEYS}) that matches every key this pattern
   * matches. Glob characters that appear literally are escaped, so a literal {@code *} or {@code ?}
   * never widens the match. A glob cannot say "one segment", so for patterns with {@code {name}}
   * holes the glob matches more keys than the pattern: filter the results with {@link #matches}.
   * For patterns without holes the glob matches exactly the pattern's keys.
   *
   * @return the glob
   */
  public String toRedisGlob() {
    StringBuilder glob = new StringBuilder();
    for (int i = 0; i < segments.length; i++) {
      if (i > 0) {
        glob.append(':');
      }
      String literal = segments[i];
      if (literal == null) {
        glob.append("[^:]*");
      } else {
        for (int k = 0; k < literal.length(); k++) {
          char c = literal.charAt(k);
          if ("*?[]\\".indexOf(c) >= 0) {
            glob.append('\\');
          }
          glob.append(c);
        }
      }
    }
    if (star) {
      glob.append(segments.length > 0 ? ":?*" : "?*");
    }
    return glob.toString();
  }

  /**
   * Returns whether the pattern matches exactly one key (no holes, no {@code *}).
   *
   * @return whether the pattern is a plain key
   */
  public boolean isLiteral() {
    if (star) {
      return false;
    }
    for (String s : segments) {
      if (s == null) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns the literal text before the first hole or wildcard, such as {@code "user:"} for {@code
   * user:{id}:posts}: every key of the pattern starts with it.
   *
   * @return the literal prefix, possibly empty
   */
  public String literalPrefix() {
    StringBuilder prefix = new StringBuilder();
    for (int i = 0; i < segments.length; i++) {
      if (segments[i] == null) {
        return prefix.toString();
      }
      prefix.append(segments[i]);
      if (i < segments.length - 1 || star) {
        prefix.append(':');
      }
    }
    return prefix.toString();
  }

  /** Returns the number of segments before an ending {@code *}. */
  int segmentCount() {
    return segments.length;
  }

  /** Returns the literal of segment {@code i}, or {@code null} for a hole. */
  String segment(int i) {
    return segments[i];
  }

  /** Returns whether the pattern ends with {@code *}. */
  boolean endsWithWildcard() {
    return star;
  }

  /** Returns the pattern {@code s1:...:sn:*} for literal segments (which may be empty). */
  static KeyPattern wildcardAfter(List<String> literalSegments) {
    return new KeyPattern(
        literalSegments.isEmpty() ? "*" : String.join(":", literalSegments) + ":*",
        literalSegments.toArray(new String[0]),
        true);
  }

  /** Returns a key both patterns match; they must overlap. */
  static String sharedKey(KeyPattern a, KeyPattern b) {
    int length = Math.max(a.segments.length, b.segments.length);
    boolean extra = a.star && b.star; // two wildcards: the longer one still needs a rest
    StringBuilder key = new StringBuilder();
    for (int i = 0; i < length + (extra ? 1 : 0); i++) {
      if (i > 0) {
        key.append(':');
      }
      String s = i < a.segments.length ? a.segments[i] : null;
      if (s == null && i < b.segments.length) {
        s = b.segments[i];
      }
      key.append(s == null ? "1" : s);
    }
    return key.toString();
  }

  private static void escapeInto(String literal, StringBuilder out) {
    for (int k = 0; k < literal.length(); k++) {
      char c = literal.charAt(k);
      if (c == '*' || c == '{' || c == '}' || c == '\\') {
        out.append('\\');
      }
      out.append(c);
    }
  }

  /**
   * Returns the pattern as it was written.
   *
   * @return the pattern's text
   */
  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyPattern keyPattern && keyPattern.canonical.equals(canonical);
  }

  @Override
  public int hashCode() {
    return canonical.hashCode();
  }
}
