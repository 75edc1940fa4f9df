package dev.stateless.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How long the component's entries live, as a duration literal: whole numbers with units {@code
 * ms}, {@code s}, {@code m}, {@code h}, {@code d}, largest first, e.g. {@code "30s"}, {@code
 * "10m"}, {@code "1h30m"}. A malformed literal is rule SL012.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Ttl {
  /**
   * The duration literal, such as {@code "30s"}, {@code "10m"} or {@code "1h"}.
   *
   * @return the literal
   */
  String value();
}
