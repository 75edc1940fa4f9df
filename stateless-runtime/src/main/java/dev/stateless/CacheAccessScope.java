package dev.stateless;

import dev.stateless.internal.AccessScopes;

/**
 * A {@code @CacheAccess} method's rights bound to the current thread, for one cache: opened by
 * {@link StatelessCache#enter(java.lang.reflect.Method)}, as {@code @Transactional} binds a
 * transaction. While it is open, the calls this thread makes through the cache and its views that
 * have no component rights of their own ({@link StatelessCache#sync()}, {@link StatelessCache#layer
 * layer(..)}, {@link StatelessCache#withStrategy withStrategy(..)}, {@link
 * StatelessCache#session()}, {@link StatelessCache#requestScope()}, a {@link
 * dev.stateless.redis.RedisAdapter} over them) are judged by the method's rights, exactly as the
 * compile-time checker judges the method's body: a write of a key the method only borrows fails
 * with SL002, of a key it does not own SL003, and so on. A {@link StatelessCache#component(String)}
 * view keeps its component's rights.
 *
 * <pre>{@code
 * Method update = UserService.class.getMethod("update", User.class);
 * try (CacheAccessScope scope = cache.enter(update)) {
 *   userService.update(user); // its cache calls are judged by update's @CacheAccess
 * }
 * }</pre>
 *
 * <p>Scopes nest: closing one restores the binding it hid. A scope belongs to the thread that
 * opened it; work handed to another thread (an executor, a future's callback) runs with that
 * thread's binding, not this one. Close every scope (try-with-resources): a scope left open on a
 * pooled thread stays bound to it.
 *
 * <p>Not thread-safe: a scope is used by the thread that opened it.
 */
public final class CacheAccessScope implements AutoCloseable {
  private final AccessScopes scopes;
  private final AccessScopes.Bound bound;

  CacheAccessScope(AccessScopes scopes, AccessScopes.Bound bound) {
    this.scopes = scopes;
    this.bound = bound;
  }

  /**
   * Closes the scope: the binding that was there before it was entered (an outer scope, or none) is
   * restored. Closing a closed scope does nothing.
   *
   * @throws IllegalStateException if called on another thread than the one that entered the scope,
   *     or while a scope entered after this one on this thread is still open (out of order); the
   *     message names the methods, and nothing changes
   */
  @Override
  public void close() {
    scopes.exit(bound);
  }

  @Override
  public String toString() {
    return bound.toString();
  }
}
