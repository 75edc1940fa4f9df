package dev.stateless.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Store-by-value for the mutable values the standard codec takes (arrays, maps). */
public final class Values {
  private Values() {}

  /** Values leave the cache as copies when mutable, so no caller can change what others read. */
  public static @Nullable Object copyOut(@Nullable Object value) {
    return value instanceof byte[] bytes ? bytes.clone() : value;
  }

  /**
   * What an in-process store keeps of a written value: a copy of mutable ones (arrays, maps), so a
   * caller that changes its object afterwards changes nothing in the cache.
   */
  public static Object storedCopy(Object value) {
    if (value instanceof byte[] bytes) {
      return bytes.clone();
    }
    if (value instanceof Map<?, ?> map) {
      return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
    return value;
  }
}
