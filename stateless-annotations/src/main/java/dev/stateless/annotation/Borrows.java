package dev.stateless.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The key patterns a component may read but not write. Writing a borrowed key is rule SL002;
 * borrowing a pattern no component owns is SL005.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Borrows {
  /**
   * The borrowed key patterns.
   *
   * @return the patterns
   */
  String[] value();
}
