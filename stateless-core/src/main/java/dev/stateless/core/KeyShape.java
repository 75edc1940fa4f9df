package dev.stateless.core;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The abstract form of a key known before it is computed: the checker turns a key expression into a
 * shape, and the rules judge the shape against patterns.
 *
 * <p>A shape is a sequence of literal text and holes. A {@link Hole#SEGMENT} hole is non-empty text
 * without {@code :} (what an {@code int}, {@code long}, {@code UUID} or enum prints); a {@link
 * Hole#TEXT} hole is any text, possibly empty and possibly containing {@code :} (a {@code String}).
 * An exact key has no holes; {@code prefix("user:")} is a literal followed by unknown text; {@link
 * #unknown()} is one text hole.
 *
 * <p>A shape may also be a choice of such sequences ({@link #anyOf}): the key of {@code flag ? a :
 * b}.
 *
 * <p>Judgements are exact: {@link #alwaysMatches} holds only when every key of the shape matches,
 * {@link #mayMatch} when at least one does. Instances are immutable and thread-safe.
 */
public final class KeyShape {

  /** What a hole in a shape stands for. */
  public enum Hole {
    /** Non-empty text without {@code :}, such as a number, a UUID or an enum constant's name. */
    SEGMENT,
    /** Any text, possibly empty, possibly containing {@code :}: a {@code String} value. */
    TEXT,
    /** Any non-empty text, possibly containing {@code :}: what a pattern's {@code *} stands for. */
    NON_EMPTY_TEXT
  }

  private static final KeyShape UNKNOWN = new KeyShape(List.of(Hole.TEXT));

  /** How many alternatives a shape keeps before it widens to their common prefix. */
  private static final int MAX_ALTERNATIVES = 16;

  /** Literal pieces ({@link String}) and holes ({@link Hole}), adjacent literals merged. */
  private final List<Object> parts;

  /** For a choice ({@link #anyOf}): the simple shapes it may be; empty for a simple shape. */
  private final List<KeyShape> alternatives;

  private KeyShape(List<Object> parts) {
    this.parts = List.copyOf(parts);
    this.alternatives = List.of();
  }

  private KeyShape(Set<KeyShape> alternatives) {
    this.parts = List.of();
    this.alternatives = List.copyOf(alternatives);
  }

  /**
   * Returns the shape of keys that are one shape's or the other's, such as the key of {@code flag ?
   * "user:" + id : "guest"}. Past a few alternatives the shape widens to their common literal
   * prefix followed by any text (it never stands for fewer keys).
   *
   * @param a one shape
   * @param b the other
   * @return the choice
   */
  public static KeyShape anyOf(KeyShape a, KeyShape b) {
    Set<KeyShape> all = new LinkedHashSet<>();
    all.addAll(a.choices());
    all.addAll(b.choices());
    if (all.size() == 1) {
      return all.iterator().next();
    }
    if (all.size() > MAX_ALTERNATIVES) {
      return prefix(new KeyShape(all).literalPrefix());
    }
    return new KeyShape(all);
  }

  private List<KeyShape> choices() {
    return alternatives.isEmpty() ? List.of(this) : alternatives;
  }

  /** The literal text every key of the shape starts with. */
  String literalPrefix() {
    if (alternatives.isEmpty()) {
      return !parts.isEmpty() && parts.get(0) instanceof String ? (String) parts.get(0) : "";
    }
    String common = alternatives.get(0).literalPrefix();
    for (KeyShape alt : alternatives) {
      String p = alt.literalPrefix();
      int n = 0;
      while (n < common.length() && n < p.length() && common.charAt(n) == p.charAt(n)) {
        n++;
      }
      common = common.substring(0, n);
    }
    return common;
  }

  /**
   * Returns the shape of one known key.
   *
   * @param key the key
   * @return the shape
   */
  public static KeyShape exact(String key) {
    return new KeyShape(List.of(Objects.requireNonNull(key, "key")));
  }

  /**
   * Returns the shape of keys that start with a known literal followed by unknown text.
   *
   * @param literalPrefix the known start
   * @return the shape
   */
  public static KeyShape prefix(String literalPrefix) {
    return builder().literal(literalPrefix).hole(Hole.TEXT).build();
  }

  /**
   * Returns the shape of a key nothing is known about.
   *
   * @return the shape
   */
  public static KeyShape unknown() {
    return UNKNOWN;
  }

  /**
   * Returns the shape of a template in which each {@code {}} is a {@link Hole#SEGMENT} hole, such
   * as {@code "user:{}:posts"}.
   *
   * @param template the template
   * @return the shape
   */
  public static KeyShape template(String template) {
    Builder b = builder();
    int from = 0;
    int at;
    while ((at = template.indexOf("{}", from)) >= 0) {
      b.literal(template.substring(from, at)).hole(Hole.SEGMENT);
      from = at + 2;
    }
    return b.literal(template.substring(from)).build();
  }

  /**
   * Returns the shape whose keys are exactly the keys the pattern matches.
   *
   * @param pattern the pattern
   * @return the shape
   */
  public static KeyShape of(KeyPattern pattern) {
    Builder b = builder();
    for (int i = 0; i < pattern.segmentCount(); i++) {
      if (i > 0) {
        b.literal(":");
      }
      String literal = pattern.segment(i);
      if (literal == null) {
        b.hole(Hole.SEGMENT);
      } else {
        b.literal(literal);
      }
    }
    if (pattern.endsWithWildcard()) {
      b.literal(pattern.segmentCount() > 0 ? ":" : "").hole(Hole.NON_EMPTY_TEXT);
    }
    return b.build();
  }

  /**
   * Returns a builder of shapes, for keys assembled from pieces.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the shape of this shape's keys followed by the other's (string concatenation).
   *
   * @param next what follows
   * @return the concatenated shape
   */
  public KeyShape concat(KeyShape next) {
    if (!alternatives.isEmpty() || !next.alternatives.isEmpty()) {
      KeyShape out = null;
      for (KeyShape a : choices()) {
        for (KeyShape n : next.choices()) {
          KeyShape joined = a.concat(n);
          out = out == null ? joined : anyOf(out, joined);
        }
      }
      return Objects.requireNonNull(out, "choices() is never empty");
    }
    Builder b = new Builder();
    for (Object p : parts) {
      b.add(p);
    }
    for (Object p : next.parts) {
      b.add(p);
    }
    return b.build();
  }

  /**
   * Returns whether the shape stands for exactly one key.
   *
   * @return whether there are no holes
   */
  public boolean isExact() {
    return alternatives.isEmpty()
        && parts.size() <= 1
        && (parts.isEmpty() || parts.get(0) instanceof String);
  }

  /**
   * Returns the one key of an exact shape.
   *
   * @return the key
   * @throws IllegalStateException if the shape has holes
   */
  public String exactKey() {
    if (!isExact()) {
      throw new IllegalStateException("shape " + this + " is not an exact key");
    }
    return parts.isEmpty() ? "" : (String) parts.get(0);
  }

  /**
   * Returns whether at least one key of this shape matches the pattern.
   *
   * @param pattern the pattern
   * @return whether the shape may fall inside the pattern
   */
  public boolean mayMatch(KeyPattern pattern) {
    for (BitSet signature : signatures(List.of(pattern))) {
      if (signature.get(0)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns whether every key of this shape matches the pattern.
   *
   * @param pattern the pattern
   * @return whether the shape certainly falls inside the pattern
   */
  public boolean alwaysMatches(KeyPattern pattern) {
    for (BitSet signature : signatures(List.of(pattern))) {
      if (!signature.get(0)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns, for the keys of this shape, every distinct set of the given patterns that one key
   * matches (as bit sets over the patterns' indexes).
   */
  Set<BitSet> signatures(List<KeyPattern> patterns) {
    if (!alternatives.isEmpty()) {
      Set<BitSet> all = new HashSet<>();
      for (KeyShape alt : alternatives) {
        all.addAll(alt.signatures(patterns));
      }
      return all;
    }
    if (isExact()) {
      String key = exactKey();
      BitSet signature = new BitSet(patterns.size());
      for (int i = 0; i < patterns.size(); i++) {
        if (patterns.get(i).matches(key)) {
          signature.set(i);
        }
      }
      return Set.of(signature);
    }
    return KeyAutomaton.signatures(this, patterns);
  }

  /**
   * Returns whether some key of this shape comes from a {@link Hole#TEXT} hole, which may be empty.
   */
  boolean hasTextHole() {
    for (KeyShape alt : choices()) {
      if (alt.parts.contains(Hole.TEXT)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns this shape with each {@link Hole#TEXT} hole made non-empty: the keys it can produce
   * when no text hole is empty.
   */
  KeyShape withNonEmptyText() {
    KeyShape out = null;
    for (KeyShape alt : choices()) {
      Builder b = new Builder();
      for (Object p : alt.parts) {
        b.add(p == Hole.TEXT ? Hole.NON_EMPTY_TEXT : p);
      }
      KeyShape one = b.build();
      out = out == null ? one : anyOf(out, one);
    }
    return Objects.requireNonNull(out, "choices() is never empty");
  }

  /**
   * Returns the shape of the keys matched by a pattern whose text has the given shape, as built in
   * code: {@code "product:" + id + ":*"} with a {@code long id} matches the keys {@code
   * product:{}:{+}}. In the literal parts, a {@code {name}} segment stands for one segment and a
   * final {@code *} for one or more; a hole stands for the keys of any text it may hold.
   *
   * @param text the shape of the pattern's text
   * @return the keys the pattern matches, or empty when the literal parts are no part of a pattern
   *     this method can read (a {@code *} before the end, a backslash escape, an unclosed brace):
   *     such a pattern is judged when it runs
   */
  public static Optional<KeyShape> ofPatternText(KeyShape text) {
    KeyShape out = null;
    for (KeyShape alt : text.choices()) {
      KeyShape one = patternKeys(alt.parts);
      if (one == null) {
        return Optional.empty();
      }
      out = out == null ? one : anyOf(out, one);
    }
    return Optional.ofNullable(out);
  }

  private static @Nullable KeyShape patternKeys(List<Object> parts) {
    Builder b = new Builder();
    for (int i = 0; i < parts.size(); i++) {
      Object part = parts.get(i);
      if (!(part instanceof String literal)) {
        b.add(part);
        continue;
      }
      boolean first = i == 0;
      boolean last = i == parts.size() - 1;
      int at = 0;
      while (at < literal.length()) {
        char c = literal.charAt(at);
        boolean segmentStart = at == 0 ? first : literal.charAt(at - 1) == ':';
        if (c == '\\') {
          return null;
        } else if (c == '*') {
          if (!(last && at == literal.length() - 1 && segmentStart)) {
            return null;
          }
          b.add(Hole.NON_EMPTY_TEXT);
        } else if (c == '{') {
          int close = literal.indexOf('}', at);
          int end = close + 1;
          if (!segmentStart
              || close < 0
              || literal.substring(at, close).indexOf(':') >= 0
              || !(end == literal.length() ? last : literal.charAt(end) == ':')) {
            return null;
          }
          b.add(Hole.SEGMENT);
          at = close;
        } else if (c == '}') {
          return null;
        } else {
          b.add(String.valueOf(c));
        }
        at++;
      }
    }
    return b.build();
  }

  /** Returns the literal pieces and holes of a simple shape (not a choice). */
  List<Object> parts() {
    return parts;
  }

  /**
   * Renders the shape: literal text, {@code {}} for a segment hole, {@code {..}} for a text hole
   * and {@code {+}} for a non-empty text hole.
   */
  @Override
  public String toString() {
    if (!alternatives.isEmpty()) {
      StringBuilder out = new StringBuilder();
      for (KeyShape alt : alternatives) {
        out.append(out.length() == 0 ? "" : " | ").append(alt);
      }
      return out.toString();
    }
    StringBuilder out = new StringBuilder();
    for (Object p : parts) {
      if (p instanceof String string) {
        out.append(string);
      } else {
        out.append(p == Hole.SEGMENT ? "{}" : p == Hole.TEXT ? "{..}" : "{+}");
      }
    }
    return out.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyShape keyShape
        && keyShape.parts.equals(parts)
        && keyShape.alternatives.equals(alternatives);
  }

  @Override
  public int hashCode() {
    return parts.hashCode() * 31 + alternatives.hashCode();
  }

  /** Assembles a shape piece by piece. Not thread-safe. */
  public static final class Builder {
    private final List<Object> parts = new ArrayList<>();

    /**
     * The literal text since the last hole: adjacent literals merge here, in time linear in their
     * length (joining Strings would copy the text so far once per piece).
     */
    private final StringBuilder literal = new StringBuilder();

    private Builder() {}

    /**
     * Appends known text.
     *
     * @param text the text
     * @return this builder
     */
    public Builder literal(String text) {
      add(Objects.requireNonNull(text, "text"));
      return this;
    }

    /**
     * Appends a hole.
     *
     * @param hole what the hole stands for
     * @return this builder
     */
    public Builder hole(Hole hole) {
      add(Objects.requireNonNull(hole, "hole"));
      return this;
    }

    private void add(Object part) {
      if (part instanceof String text) {
        literal.append(text);
        return;
      }
      if (literal.length() > 0) {
        parts.add(literal.toString());
        literal.setLength(0);
      }
      parts.add(part);
    }

    /**
     * Returns the shape.
     *
     * @return the shape
     */
    public KeyShape build() {
      if (literal.length() == 0) {
        return new KeyShape(parts);
      }
      List<Object> all = new ArrayList<>(parts);
      all.add(literal.toString());
      return new KeyShape(all);
    }
  }
}
