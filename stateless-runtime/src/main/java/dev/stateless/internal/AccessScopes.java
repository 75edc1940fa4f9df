package dev.stateless.internal;

import dev.stateless.annotation.Lifetime;
import dev.stateless.annotation.Strategy;
import dev.stateless.core.AccessRules;
import dev.stateless.core.Manifest;
import dev.stateless.core.Rights;
import java.lang.reflect.Method;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;

/**
 * One cache's bindings of {@code @CacheAccess} methods to threads ({@code cache.enter(method)}):
 * while a method is entered on a thread, the calls that thread makes through the cache's views
 * without component rights of their own are judged by the method's rights. One {@link ThreadLocal}
 * per cache, so two caches on one thread do not see each other's scopes; an unbound call costs one
 * {@code ThreadLocal.get}.
 */
public final class AccessScopes {
  private final Manifest manifest;

  // One per cache on purpose (a static one would need a map a call): the scope is per cache.
  @SuppressWarnings("ThreadLocalUsage")
  private final ThreadLocal<@Nullable Bound> current = new ThreadLocal<>();

  /** Each method's rights, read once: a scope entered per call must not parse per call. */
  private final ConcurrentMap<Method, MethodRights> byMethod = new ConcurrentHashMap<>();

  public AccessScopes(Manifest manifest) {
    this.manifest = manifest;
  }

  /**
   * Binds a method's rights to the calling thread, over what was bound before.
   *
   * @throws IllegalArgumentException if neither the method nor its class has {@code @CacheAccess}
   * @throws dev.stateless.core.StatelessException if its declaration is unsound (SL005, SL012 ...)
   */
  public Bound enter(Method method) {
    MethodRights rights = byMethod.get(method);
    if (rights == null) {
      // Not computeIfAbsent: a bad declaration throws, and is not remembered.
      rights = new MethodRights(Rights.forMethod(manifest, method));
      MethodRights raced = byMethod.putIfAbsent(method, rights);
      rights = raced != null ? raced : rights;
    }
    Bound b = new Bound(method, rights, current.get(), Thread.currentThread());
    current.set(b);
    return b;
  }

  /** The innermost scope open on the calling thread, or null. */
  public @Nullable Bound current() {
    return current.get();
  }

  /**
   * The rights a view's call runs with: those of the method bound to the calling thread, adapted to
   * the view, or null when none is bound.
   *
   * @param viewLifetime the view's lifetime ({@code SESSION} for a session, {@code REQUEST} for a
   *     request scope): what a call's entries live for is the view's to say, as at compile time
   *     ({@code set(..).withCleanup(..)} on the plain cache in a {@code SESSION} method is fine)
   * @param viewStrategy the view's strategy
   * @param strategyChosen whether the view's strategy was chosen for it (a strategy view: it then
   *     wins, as in the checker); else the method's strategy wins unless it is {@code DEFAULT}
   * @throws dev.stateless.core.StatelessException when the method's rights under that strategy are
   *     unsound (SL007, SL008)
   */
  public @Nullable Rights boundRights(
      Lifetime viewLifetime, Strategy viewStrategy, boolean strategyChosen) {
    Bound b = current.get();
    return b == null ? null : b.rights.adapted(viewLifetime, viewStrategy, strategyChosen);
  }

  /**
   * Closes a scope: restores the binding it hid. Closing twice does nothing.
   *
   * @throws IllegalStateException on another thread than the one that entered, or while a scope
   *     entered after this one is still open; nothing changes then
   */
  public void exit(Bound b) {
    if (Thread.currentThread() != b.thread) {
      throw new IllegalStateException(
          "the scope of "
              + describe(b.method)
              + " was entered on thread \""
              + b.thread.getName()
              + "\" and must be closed there, not on \""
              + Thread.currentThread().getName()
              + "\": enter and close a scope on one thread (try-with-resources)");
    }
    if (b.closed) {
      return;
    }
    Bound top = current.get();
    if (top != b) {
      throw new IllegalStateException(
          "the scope of "
              + describe(b.method)
              + " is closed out of order: the scope of "
              + (top == null ? "(none)" : describe(top.method))
              + " entered after it is still open; close scopes in the reverse order of"
              + " entering them (try-with-resources)");
    }
    b.closed = true;
    if (b.previous == null) {
      current.remove();
    } else {
      current.set(b.previous);
    }
  }

  /**
   * One open scope: a method bound on a thread, over the scope it hides. It holds nothing that
   * holds the {@code ThreadLocal}, so a scope never closed does not keep its cache reachable.
   */
  public static final class Bound {
    private final Method method;
    private final MethodRights rights;
    private final @Nullable Bound previous;
    private final Thread thread;
    private boolean closed;

    private Bound(Method method, MethodRights rights, @Nullable Bound previous, Thread thread) {
      this.method = method;
      this.rights = rights;
      this.previous = previous;
      this.thread = thread;
    }

    /** The entered method. */
    public Method method() {
      return method;
    }

    /** The method's rights, as declared. */
    public Rights rights() {
      return rights.declared;
    }

    @Override
    public String toString() {
      return "scope of " + describe(method) + (closed ? " (closed)" : "");
    }
  }

  /** {@code com.acme.UserService.update}, for messages. */
  public static String describe(Method method) {
    return method.getDeclaringClass().getName() + "." + method.getName();
  }

  /** A method's rights and their forms for each lifetime and strategy a view may ask for. */
  private static final class MethodRights {
    private static final int STRATEGIES = Strategy.values().length;

    final Rights declared;

    /** Indexed by lifetime and strategy; immutable values, so a race builds equal ones twice. */
    private final @Nullable Rights[] forms = new Rights[Lifetime.values().length * STRATEGIES];

    MethodRights(Rights declared) {
      this.declared = declared;
    }

    Rights adapted(Lifetime viewLifetime, Strategy viewStrategy, boolean strategyChosen) {
      Lifetime l = viewLifetime;
      Strategy s =
          strategyChosen || declared.strategy() == Strategy.DEFAULT
              ? viewStrategy
              : declared.strategy();
      int i = l.ordinal() * STRATEGIES + s.ordinal();
      Rights r = forms[i];
      if (r == null) {
        r = declared.withLifetime(l).withStrategy(s);
        if (s != declared.strategy()) {
          Checks.throwIfErrors(AccessRules.checkDeclaration(r)); // not remembered: rare, and fails
        }
        forms[i] = r;
      }
      return Objects.requireNonNull(r);
    }
  }
}
