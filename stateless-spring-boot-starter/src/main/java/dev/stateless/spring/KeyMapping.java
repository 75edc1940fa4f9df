package dev.stateless.spring;

import dev.stateless.core.Component;
import dev.stateless.core.ComponentKeys;
import org.springframework.cache.interceptor.SimpleKey;

/**
 * How a Spring cache key becomes a stateless key for one component (docs/spring.md, "Keys"): its
 * string form mapped by core's {@link ComponentKeys}, the rule the compile-time checker applies to
 * the same annotations. The runtime then checks the result as any key. Immutable.
 */
final class KeyMapping {
  private final String component;
  private final ComponentKeys keys;

  KeyMapping(Component component) {
    this.component = component.name();
    this.keys = ComponentKeys.of(component);
  }

  /**
   * Returns the stateless key for a Spring cache key.
   *
   * @throws IllegalArgumentException for Spring's {@link SimpleKey}, which hides its arguments
   */
  String keyOf(Object key) {
    if (key instanceof SimpleKey) {
      throw new IllegalArgumentException(
          "the cache key "
              + key
              + " of cache \""
              + component
              + "\" is Spring's SimpleKey, whose arguments stateless cannot read: use the"
              + " key generator \"statelessKeyGenerator\" (the default unless another"
              + " CachingConfigurer is defined), or give the key, @Cacheable(key = \"#a + ':' +"
              + " #b\")");
    }
    return keys.keyOf(key.toString());
  }
}
