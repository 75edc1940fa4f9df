package dev.stateless.spring;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.springframework.cache.interceptor.KeyGenerator;
import org.springframework.util.ObjectUtils;

/**
 * The default key of a {@code @Cacheable} method without a {@code key} expression: its one
 * argument, or its arguments' string forms joined by {@code :} ({@code find(7, "ada")} → {@code
 * "7:ada"}), or {@code ""} for none; {@link KeyMapping} then places it among the component's keys.
 * Spring's own {@code SimpleKeyGenerator} wraps several arguments in a {@code SimpleKey} that hides
 * them. Thread-safe.
 */
final class StatelessKeyGenerator implements KeyGenerator {
  @Override
  public Object generate(Object target, Method method, Object... params) {
    if (params.length == 1 && params[0] != null && !params[0].getClass().isArray()) {
      return params[0];
    }
    return Arrays.stream(params)
        .map(ObjectUtils::nullSafeToString)
        .collect(Collectors.joining(":"));
  }
}
