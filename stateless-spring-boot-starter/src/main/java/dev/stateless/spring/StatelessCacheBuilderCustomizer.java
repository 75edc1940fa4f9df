package dev.stateless.spring;

import dev.stateless.StatelessCache;

/**
 * Changes the {@link StatelessCache.Builder} of the auto-configured cache after the {@code
 * stateless.*} properties are applied and before {@code build()}: a codec, a conflict handler, a
 * custom strategy. Declare one or more as beans; they run in their {@code @Order}.
 *
 * <pre>{@code
 * @Bean
 * StatelessCacheBuilderCustomizer protobufProducts() {
 *   return builder -> builder.codec("products", new ProductCodec());
 * }
 * }</pre>
 */
@FunctionalInterface
public interface StatelessCacheBuilderCustomizer {
  /**
   * Changes the builder.
   *
   * @param builder the builder, with the properties applied
   */
  void customize(StatelessCache.Builder builder);
}
