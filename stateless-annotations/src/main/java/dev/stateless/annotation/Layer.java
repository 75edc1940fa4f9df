package dev.stateless.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The primary layer of a component: where its data lives and where its owner writes (the seeds'
 * {@code client_primary}, {@code edge_primary}). A component without it lives on {@link
 * CacheLayer#SERVER}. Writing the component's data through another layer is rule SL004; a layer the
 * manifest does not have is SL007.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Layer {
  /**
   * The primary layer.
   *
   * @return the layer
   */
  CacheLayer value();
}
