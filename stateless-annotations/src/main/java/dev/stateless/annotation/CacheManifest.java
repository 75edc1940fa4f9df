package dev.stateless.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class as the cache manifest: the one place where every key pattern gets its owner.
 *
 * <p>Each field of the class carrying one of this package's component annotations ({@link Owns},
 * {@link Borrows}, {@link Layer}, ...) is a <em>component</em>, named after the field. The field's
 * type and value are not used. Rules SL001 (overlapping ownership), SL005, SL006, SL007, SL008 and
 * SL012 check the manifest, at compile time and when a cache is built from it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface CacheManifest {
  /**
   * The layers this application has. A component, strategy or layer view that needs a layer missing
   * here is rule SL007.
   *
   * @return the layers, by default all three
   */
  CacheLayer[] layers() default {CacheLayer.CLIENT, CacheLayer.EDGE, CacheLayer.SERVER};
}
