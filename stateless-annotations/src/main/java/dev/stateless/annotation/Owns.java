package dev.stateless.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The key patterns a component owns: it alone may write keys matching them. Owning {@code user:*}
 * owns every key under {@code user:}. Two components owning overlapping patterns is rule SL001; a
 * malformed pattern is SL012.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Owns {
  /**
   * The owned key patterns, such as {@code "user:*"}, {@code "user:{id}:posts"} or {@code
   * "product:featured"}.
   *
   * @return the patterns
   */
  String[] value();
}
