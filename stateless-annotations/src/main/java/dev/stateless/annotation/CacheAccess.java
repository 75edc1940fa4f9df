package dev.stateless.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares what a method (or every method of a type) may do with cache keys; the compile-time
 * checker proves its body keeps to it.
 *
 * <p>Writes need ownership ({@link #owns()}, {@link #exclusive()} or a {@link #follows()} component
 * that owns the key): a write to a borrowed key is rule SL002, to a key the method does not own
 * SL003, through the wrong layer SL004. {@code atomicUpdate} needs {@link #owns()} or {@link
 * #exclusive()} (SL011); scoped entries need {@link Lifetime#REQUEST} and session entries a cleanup
 * (SL010); {@link Strategy#GLOBAL_CONSISTENT} code may not call {@link Strategy#CLIENT_FIRST} code
 * or the reverse (SL008).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface CacheAccess {
  /**
   * Patterns the method owns: it may read and write their keys.
   *
   * @return the patterns
   */
  String[] owns() default {};

  /**
   * Patterns the method only reads.
   *
   * @return the patterns
   */
  String[] borrows() default {};

  /**
   * Dependent patterns the method drops after its writes. Each must be owned by some component
   * (SL005).
   *
   * @return the patterns
   */
  String[] invalidates() default {};

  /**
   * Patterns the method holds exclusively, across all layers, for read-modify-write ({@code
   * atomicUpdate}).
   *
   * @return the patterns
   */
  String[] exclusive() default {};

  /**
   * The name of a manifest component (its field name) whose rights and primary layer the method
   * takes. A name no component has is rule SL013.
   *
   * @return the component name, or the empty string for none
   */
  String follows() default "";

  /**
   * How long the entries the method creates may live.
   *
   * @return the lifetime
   */
  Lifetime lifetime() default Lifetime.NONE;

  /**
   * The strategy of the method's operations.
   *
   * @return the strategy
   */
  Strategy strategy() default Strategy.DEFAULT;
}
