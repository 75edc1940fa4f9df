package dev.stateless.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Dependent key patterns dropped on every write to the component's own patterns. A dependent no
 * component owns is rule SL005; components whose dependents lead back to themselves are SL006.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Invalidates {
  /**
   * The dependent patterns, such as {@code "profile:*"}.
   *
   * @return the patterns
   */
  String[] value();
}
