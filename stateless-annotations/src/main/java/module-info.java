/**
 * The stateless manifest annotations and their enums: all an application needs on its compile path
 * to declare a manifest and its code's rights. JSpecify's nullness annotations come along for the
 * API's users (a compile-time dependency only).
 */
module dev.stateless.annotations {
  requires static transitive org.jspecify;

  exports dev.stateless.annotation;
}
