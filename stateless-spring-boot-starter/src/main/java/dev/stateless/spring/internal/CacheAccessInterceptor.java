package dev.stateless.spring.internal;

import dev.stateless.CacheAccessScope;
import dev.stateless.StatelessCache;
import dev.stateless.annotation.CacheAccess;
import java.lang.reflect.Method;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Runs a {@code @CacheAccess} method inside {@code cache.enter(method)}, so the cache calls it
 * makes (the plain cache, Spring's cache annotations on it) are judged by its rights, as
 * {@code @Transactional} binds a transaction. The cache is looked up at the first call, not when
 * the advisor is created (advisors are created before most beans).
 */
public final class CacheAccessInterceptor implements MethodInterceptor {
  private final ObjectProvider<StatelessCache> cache;

  /**
   * Creates the interceptor.
   *
   * @param cache the application's cache, looked up at each call
   */
  public CacheAccessInterceptor(ObjectProvider<StatelessCache> cache) {
    this.cache = cache;
  }

  @Override
  @SuppressWarnings("try") // the scope is only closed: it binds the rights while the call runs
  public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
    StatelessCache c = cache.getIfAvailable();
    if (c == null) {
      return invocation.proceed();
    }
    try (CacheAccessScope scope = c.enter(annotated(invocation))) {
      return invocation.proceed();
    }
  }

  /** The method as its class declares it (a proxy's, an interface's), where the annotation is. */
  private static Method annotated(MethodInvocation invocation) {
    Method method = invocation.getMethod();
    Object target = invocation.getThis();
    if (target == null) {
      return method;
    }
    Method specific = AopUtils.getMostSpecificMethod(method, AopUtils.getTargetClass(target));
    if (specific.isAnnotationPresent(CacheAccess.class)
        || specific.getDeclaringClass().isAnnotationPresent(CacheAccess.class)) {
      return specific;
    }
    return method;
  }
}
