package dev.stateless.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The Java type of the values a component owns. Reads of its keys return that type; a write of a
 * value of another type is refused (rule SL014). Without it a component is untyped: it takes any
 * value and, read from Redis, gives what Redis holds ({@code String}, or {@code byte[]} when the
 * bytes are not UTF-8).
 *
 * <p>Written on the component's field. With no argument the field's declared type is the value
 * type, generics included ({@code @ValueType List<String> tags;}); with a class, that class is
 * ({@code @ValueType(Product.class) Object products;}). Otherwise a field's type means nothing to
 * stateless. Only a component that owns patterns declares a type: a borrower reads the owner's.
 *
 * <pre>{@code
 * @Owns("product:{id}") @ValueType Product products;   // records, POJOs: JSON
 * @Owns("stock:{id}")   @ValueType Long stock;         // decimal text: INCR works
 * @Owns("page:*")       @ValueType byte[] pages;       // raw bytes
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface ValueType {
  /**
   * The values' class; {@code void.class} (the default) takes the field's declared type.
   *
   * @return the class, or {@code void.class} for the field's type
   */
  Class<?> value() default void.class;
}
