package dev.stateless.spring;

import dev.stateless.core.Component;
import dev.stateless.core.KeyPattern;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.springframework.cache.interceptor.SimpleKey;

/**
 * How a Spring cache key becomes a stateless key for one component (docs/spring.md, "Keys"): the
 * key's string form as is when one of the component's patterns (owned or borrowed) matches it;
 * else, when the component owns exactly one pattern, that pattern with its first hole or {@code *}
 * filled by the key; else {@code <component>:<key>}. The runtime then checks the result as any key.
 * Immutable.
 */
final class KeyMapping {
  private final String component;
  private final List<KeyPattern> patterns;

  /** The component's one owned pattern, or {@code null} when it owns none or several. */
  private final @Nullable KeyPattern single;

  KeyMapping(Component component) {
    this.component = component.name();
    this.patterns = Stream.concat(component.owns().stream(), component.borrows().stream()).toList();
    this.single = component.owns().size() == 1 ? component.owns().get(0) : null;
  }

  /**
   * Returns the stateless key for a Spring cache key.
   *
   * @throws IllegalArgumentException for Spring's {@link SimpleKey}, which hides its arguments
   */
  String keyOf(Object key) {
    if (key instanceof SimpleKey) {
      throw new IllegalArgumentException(
          "the cache key "
              + key
              + " of cache \""
              + component
              + "\" is Spring's SimpleKey, whose arguments stateless cannot read: use the"
              + " key generator \"statelessKeyGenerator\" (the default unless another"
              + " CachingConfigurer is defined), or give the key, @Cacheable(key = \"#a + ':' +"
              + " #b\")");
    }
    String text = key.toString();
    for (KeyPattern p : patterns) {
      if (p.matches(text)) {
        return text;
      }
    }
    KeyPattern single = this.single;
    if (single != null) {
      if (single.isLiteral()) {
        if (text.isEmpty()) {
          return single.literalPrefix();
        }
      } else {
        return fill(single, text);
      }
    }
    return component + ":" + text;
  }

  /** The pattern with its first hole or {@code *} replaced by {@code value}. */
  static String fill(KeyPattern pattern, String value) {
    String prefix = pattern.literalPrefix();
    String text = pattern.toString();
    String[] segments = text.split(":", -1);
    int literalSegments = 0;
    while (literalSegments < segments.length && !isHole(segments[literalSegments])) {
      literalSegments++;
    }
    StringBuilder key = new StringBuilder(prefix).append(value);
    for (int i = literalSegments + 1; i < segments.length; i++) {
      key.append(':').append(unescape(segments[i]));
    }
    return key.toString();
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
