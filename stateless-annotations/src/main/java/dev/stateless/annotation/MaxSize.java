package dev.stateless.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The most bytes the component may hold in one layer, as a size literal: a whole number and a unit
 * among {@code B}, {@code KB}, {@code MB}, {@code GB}, {@code TB} (binary: {@code 1KB} is 1024
 * bytes), e.g. {@code "50MB"}. A malformed literal is rule SL012.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface MaxSize {
  /**
   * The size literal, such as {@code "50MB"} or {@code "512KB"}.
   *
   * @return the literal
   */
  String value();
}
