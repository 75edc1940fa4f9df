package dev.stateless.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Whether a read that misses the nearer layers and is served by this component's primary layer may
 * copy the value into the nearer layers. Without this annotation the component's data is not copied
 * nearer (no redundant copies).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Backfill {
  /**
   * Whether back-fill is allowed.
   *
   * @return {@code true} unless turned off explicitly
   */
  boolean value() default true;
}
