package dev.stateless.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The strategy for the component's data. {@link Strategy#CLIENT_FIRST} needs the client layer and
 * {@link Strategy#EDGE_OPTIMIZED} the edge layer (rule SL007); {@link Strategy#GLOBAL_CONSISTENT}
 * data must live on the server layer (SL008).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface UseStrategy {
  /**
   * The strategy.
   *
   * @return the strategy
   */
  Strategy value();
}
