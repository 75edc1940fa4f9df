package dev.stateless.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Key patterns loaded from the owner layer when the cache starts, so that the first reads hit.
 * Prefetching a pattern no component owns is rule SL005.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Prefetch {
  /**
   * The patterns to warm, such as {@code "popular:*"}.
   *
   * @return the patterns
   */
  String[] value();
}
