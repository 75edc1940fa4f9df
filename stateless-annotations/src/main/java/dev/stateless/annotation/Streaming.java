package dev.stateless.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The component's values are large and are written and read in chunks, never whole. Plain get/set
 * on its keys is rule SL009; a malformed chunk size is SL012.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Streaming {
  /**
   * The size of one chunk, as a size literal (see {@link MaxSize}).
   *
   * @return the literal, by default {@code "1MB"}
   */
  String chunkSize() default "1MB";
}
