package dev.stateless.core;

import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * How a key given to one component's cache (Spring's {@code @Cacheable("users")}, whose key is the
 * text of a SpEL expression or of the method's arguments) becomes a stateless key: the text as is
 * when one of the component's patterns (owned or borrowed) matches it; else, when the component
 * owns exactly one pattern, that pattern with its first {@code {name}} hole or {@code *} filled by
 * the text ({@code user:{id}} and {@code 42} give {@code user:42}; a literal pattern is the key of
 * an empty text); else {@code <component>:<text>}. The Spring Boot starter maps each key with
 * {@link #keyOf}; the compile-time checker maps the shape of a key it knows in part with {@link
 * #shapeOf}, so both judge the same keys. Immutable and thread-safe.
 */
public final class ComponentKeys {
  private final String component;
  private final List<KeyPattern> patterns;

  /** The one owned pattern, or null when the component owns none or several. */
  private final @Nullable KeyPattern single;

  /** For a single non-literal pattern: the text before and after its first hole. */
  private final String before;

  private final String after;

  private ComponentKeys(Component component) {
    this.component = component.name();
    this.patterns = Stream.concat(component.owns().stream(), component.borrows().stream()).toList();
    this.single = component.owns().size() == 1 ? component.owns().get(0) : null;
    String b = "";
    String a = "";
    if (single != null && !single.isLiteral()) {
      b = single.literalPrefix();
      String[] segments = single.toString().split(":", -1);
      int literal = 0;
      while (literal < segments.length && !isHole(segments[literal])) {
        literal++;
      }
      StringBuilder rest = new StringBuilder();
      for (int i = literal + 1; i < segments.length; i++) {
        rest.append(':').append(unescape(segments[i]));
      }
      a = rest.toString();
    }
    this.before = b;
    this.after = a;
  }

  /**
   * Returns the key mapping of a component.
   *
   * @param component the component whose cache is given the keys
   * @return its mapping
   */
  public static ComponentKeys of(Component component) {
    return new ComponentKeys(Objects.requireNonNull(component, "component"));
  }

  /**
   * Returns the stateless key for a cache key's text.
   *
   * @param text the key's string form
   * @return the stateless key
   */
  public String keyOf(String text) {
    for (KeyPattern p : patterns) {
      if (p.matches(text)) {
        return text;
      }
    }
    KeyPattern single = this.single;
    if (single != null) {
      if (!single.isLiteral()) {
        return before + text + after;
      }
      if (text.isEmpty()) {
        return single.literalPrefix();
      }
    }
    return component + ":" + text;
  }

  /**
   * Returns the keys a cache key known in part maps to: every key {@link #keyOf} gives for a text
   * of the shape, and possibly more (never fewer).
   *
   * @param text the shape of the key's string form
   * @return the shape of the stateless keys
   */
  public KeyShape shapeOf(KeyShape text) {
    if (text.isExact()) {
      return KeyShape.exact(keyOf(text.exactKey()));
    }
    boolean mayMatch = false;
    for (KeyPattern p : patterns) {
      if (text.alwaysMatches(p)) {
        return text;
      }
      mayMatch |= text.mayMatch(p);
    }
    KeyShape otherwise;
    KeyPattern single = this.single;
    if (single != null && !single.isLiteral()) {
      otherwise = KeyShape.exact(before).concat(text).concat(KeyShape.exact(after));
    } else {
      otherwise = KeyShape.exact(component + ":").concat(text);
      if (single != null && text.hasTextHole()) {
        otherwise = KeyShape.anyOf(KeyShape.exact(single.literalPrefix()), otherwise);
      }
    }
    return mayMatch ? KeyShape.anyOf(text, otherwise) : otherwise;
  }

  private static boolean isHole(String segment) {
    return segment.equals("*") || (segment.startsWith("{") && segment.endsWith("}"));
  }

  private static String unescape(String segment) {
    if (isHole(segment)) {
      return segment;
    }
    StringBuilder out = new StringBuilder(segment.length());
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '\\' && i + 1 < segment.length()) {
        c = segment.charAt(++i);
      }
      out.append(c);
    }
    return out.toString();
  }
}
