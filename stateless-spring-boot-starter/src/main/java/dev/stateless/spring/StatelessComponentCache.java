package dev.stateless.spring;

import dev.stateless.SetOptions;
import dev.stateless.StatelessCache;
import dev.stateless.SyncCache;
import dev.stateless.core.Component;
import dev.stateless.core.KeyPattern;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.springframework.cache.Cache;
import org.springframework.cache.support.SimpleValueWrapper;

/**
 * A Spring {@link Cache} over one manifest component: the cache named {@code "users"} reads and
 * writes the keys of component {@code users}, with that component's rights, so a {@code @CachePut}
 * into a pattern the component only borrows is refused with {@code SL002} as the compile-time
 * checker would refuse it.
 *
 * <p>Inside a {@code @CacheAccess} method, whose rights the starter's advisor binds to the thread
 * ({@code StatelessCache.enter(method)}), writes are judged by the method's rights instead: a
 * {@code @CachePut} into a component the method only borrows is {@code SL002}.
 *
 * <p>Keys: a Spring key is mapped to a stateless key by its string form (docs/spring.md, "Keys"):
 * as is when one of the component's patterns (owned or borrowed) matches it; else, when the
 * component owns exactly one pattern, that pattern with its first {@code {name}} hole or {@code *}
 * filled ({@code user:{id}} and {@code 42} give {@code user:42}); else {@code <component>:<key>}.
 *
 * <p>Values are the component's ({@code @ValueType}); a {@code null} value is not stored: {@link
 * #put put(key, null)} deletes the key, so the next {@code @Cacheable} call runs the method again
 * (use {@code StatelessCache.Builder.negativeCaching} to remember misses). Every failure is the
 * runtime's coded {@link dev.stateless.core.StatelessException}.
 *
 * <p>Thread-safe.
 */
public final class StatelessComponentCache implements Cache {
  private final String name;
  private final StatelessCache cache;
  private final SyncCache reads;
  private final SyncCache root;
  private final SyncCache componentWrites;
  private final Component component;
  private final KeyMapping keys;

  StatelessComponentCache(StatelessCache cache, Component component) {
    this.name = component.name();
    this.cache = cache;
    this.component = component;
    this.root = cache.sync();
    this.componentWrites = cache.component(name).sync();
    this.reads = componentWrites;
    this.keys = new KeyMapping(component);
  }

  /**
   * Returns the component's name.
   *
   * @return the name
   */
  @Override
  public String getName() {
    return name;
  }

  /**
   * Returns the {@link StatelessCache} view with the component's rights ({@code
   * cache.component(name)}).
   *
   * @return the view
   */
  @Override
  public Object getNativeCache() {
    return componentWrites.async();
  }

  /**
   * Returns the stateless key a Spring key maps to (see the class comment).
   *
   * @param key the Spring key
   * @return the stateless key
   * @throws IllegalArgumentException if the key is Spring's {@code SimpleKey}, whose arguments are
   *     hidden
   */
  public String keyOf(Object key) {
    return keys.keyOf(Objects.requireNonNull(key, "key"));
  }

  /**
   * Reads a key.
   *
   * @param key the Spring key
   * @return the value in a wrapper, or {@code null} when the key is absent
   * @throws dev.stateless.core.StatelessException when the read fails (SL100, ...)
   */
  @Override
  public @Nullable ValueWrapper get(Object key) {
    Object value = reads.get(keyOf(key));
    return value == null ? null : new SimpleValueWrapper(value);
  }

  /**
   * Reads a key as a type ({@code StatelessCache.get(key, type)}).
   *
   * @param key the Spring key
   * @param type the value's type, or {@code null} for any
   * @param <T> the value's type
   * @return the value, or {@code null} when absent
   * @throws IllegalStateException if the value is not of that type
   * @throws dev.stateless.core.StatelessException when the read fails (SL100, SL105 for text that
   *     is no such value, ...)
   */
  @Override
  @SuppressWarnings("unchecked")
  public <T> @Nullable T get(Object key, @Nullable Class<T> type) {
    String k = keyOf(key);
    if (type == null) {
      return (T) reads.get(k);
    }
    try {
      return reads.get(k, type);
    } catch (ClassCastException e) {
      throw new IllegalStateException(
          "cached value of \"" + k + "\" in cache \"" + name + "\" is not a " + type.getName(), e);
    }
  }

  /**
   * Reads a key, loading it on a miss ({@code @Cacheable(sync = true)}): {@code
   * StatelessCache.get(key, loader)}, so concurrent misses make one load in this process and, when
   * the key's layer is shared (Redis), one across every node (a lease in Redis); the others get the
   * loaded value. The load is a write, checked first with the component's (or the
   * {@code @CacheAccess} method's) rights: a key it may not write fails before the loader runs.
   *
   * @param key the Spring key
   * @param valueLoader computes the value on a miss; a {@code null} result is returned and not
   *     stored
   * @param <T> the value's type
   * @return the value, read or loaded
   * @throws ValueRetrievalException when the loader throws, with its exception as the cause
   * @throws dev.stateless.core.StatelessException SL002 / SL003 when these rights may not write the
   *     key, SL101 when another node's load did not end in time, ...
   */
  @Override
  public <T> @Nullable T get(Object key, Callable<T> valueLoader) {
    String k = keyOf(key);
    try {
      return writer().get(k, ignored -> call(valueLoader));
    } catch (LoaderFailure e) {
      throw new ValueRetrievalException(key, valueLoader, e.getCause());
    }
  }

  private static <T> T call(Callable<T> loader) {
    try {
      return loader.call();
    } catch (Exception e) {
      throw new LoaderFailure(e);
    }
  }

  /** Carries the loader's own exception through the runtime's load, to be unwrapped above. */
  private static final class LoaderFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LoaderFailure(Exception cause) {
      super(cause);
    }
  }

  /**
   * Writes a key with the component's rights (or, inside a {@code @CacheAccess} method, the
   * method's); a {@code null} value deletes the key instead.
   *
   * @param key the Spring key
   * @param value the value, or {@code null}
   * @throws dev.stateless.core.StatelessException SL002 when the key is borrowed, SL003 when no one
   *     or another component owns it, SL014 for a value of another type than the component's, ...
   */
  @Override
  public void put(Object key, @Nullable Object value) {
    String k = keyOf(key);
    if (value == null) {
      writer().del(k);
    } else {
      writer().set(k, value);
    }
  }

  /**
   * Writes a key unless it holds a value (a conditional write in the owner's layer, atomic there).
   *
   * @param key the Spring key
   * @param value the value; {@code null} writes nothing
   * @return the value already there, or {@code null} when this call wrote it (or {@code value} was
   *     {@code null} and the key is absent)
   * @throws dev.stateless.core.StatelessException as for {@link #put}
   */
  @Override
  public @Nullable ValueWrapper putIfAbsent(Object key, @Nullable Object value) {
    String k = keyOf(key);
    if (value != null && writer().set(k, value, SetOptions.none().ifAbsent())) {
      return null;
    }
    Object existing = reads.get(k);
    return existing == null ? null : new SimpleValueWrapper(existing);
  }

  /**
   * Deletes a key ({@code @CacheEvict}) with the component's (or the {@code @CacheAccess} method's)
   * rights.
   *
   * @param key the Spring key
   * @throws dev.stateless.core.StatelessException SL002 / SL003 when these rights may not write the
   *     key
   */
  @Override
  public void evict(Object key) {
    writer().del(keyOf(key));
  }

  /**
   * Deletes a key and tells whether it was there.
   *
   * @param key the Spring key
   * @return whether the key existed
   */
  @Override
  public boolean evictIfPresent(Object key) {
    return writer().del(keyOf(key));
  }

  /**
   * Drops every key of the component's owned patterns ({@code @CacheEvict(allEntries = true)}), in
   * every layer and every node ({@code invalidatePattern}).
   */
  @Override
  public void clear() {
    invalidate();
  }

  /**
   * Drops every key of the component's owned patterns.
   *
   * @return whether any entry was dropped
   */
  @Override
  public boolean invalidate() {
    SyncCache w = writer();
    long dropped = 0;
    for (KeyPattern p : component.owns()) {
      dropped += w.invalidatePattern(p.toString());
    }
    return dropped > 0;
  }

  /**
   * Inside a {@code @CacheAccess} method (its rights bound to this thread by {@code
   * cache.enter(method)}): the plain cache, which the method's rights judge; else the component's
   * view.
   */
  private SyncCache writer() {
    return cache.enteredMethod().isPresent() ? root : componentWrites;
  }

  @Override
  public String toString() {
    return "StatelessComponentCache{" + name + ", " + cache + "}";
  }
}
