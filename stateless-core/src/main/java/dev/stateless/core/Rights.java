package dev.stateless.core;

import dev.stateless.annotation.CacheAccess;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Lifetime;
import dev.stateless.annotation.Strategy;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a piece of code may do with keys: the patterns it owns, holds exclusively and borrows, the
 * component it follows, its lifetime and strategy, against one {@link Manifest}. The checker builds
 * one per {@code @CacheAccess} method; the runtime one per cache or component view. {@link
 * AccessRules} judges operations against it.
 *
 * <p>For a key, the most specific of the code's patterns decides: code that owns {@code user:*} but
 * borrows {@code user:{id}:posts} may write {@code user:1} and not {@code user:1:posts}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Rights {
  enum Kind {
    OWN,
    EXCLUSIVE,
    BORROW
  }

  /** A pattern of this code and what it grants, ordered most specific first. */
  static final class Grant {
    final KeyPattern pattern;
    final Kind kind;

    Grant(KeyPattern pattern, Kind kind) {
      this.pattern = pattern;
      this.kind = kind;
    }
  }

  private final Manifest manifest;
  private final String name;
  private final List<KeyPattern> owns;
  private final List<KeyPattern> borrows;
  private final List<KeyPattern> exclusive;
  private final List<KeyPattern> invalidates;
  private final @Nullable Component follows;
  private final Lifetime lifetime;
  private final Strategy strategy;
  private final boolean actsForAllOwners;
  private final boolean unownedKeysAllowed;
  private final List<Grant> grants;
  private final List<Diagnostic> problems;
  private final Builder source;
  private final @Nullable Rights[] withLifetime = new Rights[Lifetime.values().length];

  private Rights(Builder b) {
    this.source = b.copy();
    List<Diagnostic> p = new ArrayList<>();
    this.manifest = b.manifest;
    this.name = b.name;
    Component followed = null;
    if (b.follows != null) {
      followed = manifest.component(b.follows).orElse(null);
      if (followed == null) {
        p.add(Diagnostics.unknownComponent(b.follows, manifest));
      }
    }
    this.follows = followed;
    List<KeyPattern> o = parse(b.owns, "owns", p);
    List<KeyPattern> br = parse(b.borrows, "borrows", p);
    if (followed != null) {
      o.addAll(followed.owns());
      br.addAll(followed.borrows());
    }
    this.owns = List.copyOf(o);
    this.borrows = List.copyOf(br);
    this.exclusive = List.copyOf(parse(b.exclusive, "exclusive", p));
    List<KeyPattern> inv = parse(b.invalidates, "invalidates", p);
    if (followed != null) {
      inv.addAll(followed.invalidates());
    }
    this.invalidates = List.copyOf(inv);
    this.lifetime = b.lifetime;
    this.strategy =
        b.strategy == Strategy.DEFAULT && followed != null ? followed.strategy() : b.strategy;
    this.actsForAllOwners = b.actsForAllOwners;
    boolean declaresKeys =
        !b.owns.isEmpty() || !b.borrows.isEmpty() || !b.exclusive.isEmpty() || b.follows != null;
    this.unownedKeysAllowed =
        b.unownedKeysAllowed != null
            ? b.unownedKeysAllowed
            : b.strategy == Strategy.REDIS_COMPATIBLE
                || (actsForAllOwners ? manifest.isEmpty() : !declaresKeys);
    List<Grant> g = new ArrayList<>();
    // Order of kinds matters only for equal patterns: owning beats holding beats borrowing.
    owns.forEach(x -> g.add(new Grant(x, Kind.OWN)));
    exclusive.forEach(x -> g.add(new Grant(x, Kind.EXCLUSIVE)));
    borrows.forEach(x -> g.add(new Grant(x, Kind.BORROW)));
    g.sort(Comparator.comparing(x -> x.pattern, KeyPattern.mostSpecificFirst()));
    this.grants = List.copyOf(g);
    this.problems = List.copyOf(p);
  }

  private List<KeyPattern> parse(List<String> texts, String attribute, List<Diagnostic> problems) {
    List<KeyPattern> parsed = new ArrayList<>();
    for (String t : texts) {
      try {
        parsed.add(KeyPattern.parse(t));
      } catch (StatelessException e) {
        for (Diagnostic d : e.diagnostics()) {
          problems.add(Diagnostics.inCode(d, name, attribute));
        }
      }
    }
    return parsed;
  }

  /**
   * Returns a builder of rights against a manifest.
   *
   * @param manifest the application's manifest ({@link Manifest#empty()} if it has none)
   * @return a new builder
   */
  public static Builder builder(Manifest manifest) {
    return new Builder(Objects.requireNonNull(manifest, "manifest"));
  }

  /**
   * Returns the rights of code that acts for every owner: it may write any key some component owns,
   * through the owner's layer. Keys nobody owns are allowed only when the manifest is empty (plain
   * Redis-like use); see {@link Builder#unownedKeysAllowed(boolean)} for {@code REDIS_COMPATIBLE}.
   *
   * @param manifest the manifest
   * @return the rights
   */
  public static Rights ofAllOwners(Manifest manifest) {
    return builder(manifest).name("this cache").actsForAllOwners().build();
  }

  /**
   * Returns the rights of a {@code @CacheAccess} method, read by reflection as the compile-time
   * checker reads them from source: the method's own {@link CacheAccess}, else the nearest
   * enclosing one (its class's, then an enclosing method's or class's, for local and nested
   * classes), applied through {@link Builder#access(CacheAccess)}. The rights are named as the
   * checker names them: {@code UserService.update} for a method's annotation, {@code UserService}
   * for a class's. Against an empty manifest, as for the checker without one, keys no pattern of
   * the method covers may be written (nobody owns them yet).
   *
   * @param manifest the manifest the rights are judged against ({@link Manifest#empty()} if none)
   * @param method the method
   * @return the rights
   * @throws IllegalArgumentException if neither the method nor an enclosing class carries {@code
   *     CacheAccess}
   * @throws StatelessException with every error the checker reports on the declaration ({@link
   *     AccessRules#checkDeclaration}): SL012 for a malformed pattern, SL013 for a {@code follows}
   *     naming no component, SL005 for a borrowed or invalidated pattern no component owns, SL007
   *     and SL008 for a strategy the manifest cannot serve
   * @throws NullPointerException if an argument is null
   */
  public static Rights forMethod(Manifest manifest, Method method) {
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(method, "method");
    for (AnnotatedElement at = method; at != null; at = enclosing(at)) {
      CacheAccess access = at.getAnnotation(CacheAccess.class);
      if (access != null) {
        Builder b = builder(manifest).name(nameOf(at)).access(access);
        if (manifest.isEmpty()) {
          // As the checker without a manifest: nobody owns a key yet, so none is refused as
          // unowned; borrowed and owned patterns keep their rules.
          b.unownedKeysAllowed(true);
        }
        Rights r = b.build();
        List<Diagnostic> errors = new ArrayList<>();
        for (Diagnostic d : AccessRules.checkDeclaration(r)) {
          if (d.isError()) {
            errors.add(d);
          }
        }
        if (!errors.isEmpty()) {
          throw new StatelessException(errors);
        }
        return r;
      }
    }
    throw new IllegalArgumentException(
        "no @CacheAccess on "
            + method.getDeclaringClass().getName()
            + "."
            + method.getName()
            + " nor on an enclosing class: annotate the method or its class with @CacheAccess to"
            + " run code under its rights");
  }

  /** What encloses code, as the checker walks it: a method's class, a local class's method. */
  private static @Nullable AnnotatedElement enclosing(AnnotatedElement e) {
    if (e instanceof Executable x) {
      return x.getDeclaringClass();
    }
    Class<?> c = (Class<?>) e;
    Method m = c.getEnclosingMethod();
    if (m != null) {
      return m;
    }
    Executable ctor = c.getEnclosingConstructor();
    return ctor != null ? ctor : c.getEnclosingClass();
  }

  /** {@code UserService.update} for a method, {@code UserService} for a type: the checker's. */
  private static String nameOf(AnnotatedElement e) {
    if (e instanceof Executable x) {
      String member = x instanceof Method ? x.getName() : "<init>";
      return x.getDeclaringClass().getSimpleName() + "." + member;
    }
    return ((Class<?>) e).getSimpleName();
  }

  /**
   * Returns the manifest these rights are judged against.
   *
   * @return the manifest
   */
  public Manifest manifest() {
    return manifest;
  }

  /**
   * Returns the name of the code, for messages.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the owned patterns, including those of a followed component.
   *
   * @return the patterns
   */
  public List<KeyPattern> owns() {
    return owns;
  }

  /**
   * Returns the borrowed patterns, including those of a followed component.
   *
   * @return the patterns
   */
  public List<KeyPattern> borrows() {
    return borrows;
  }

  /**
   * Returns the patterns held exclusively.
   *
   * @return the patterns
   */
  public List<KeyPattern> exclusive() {
    return exclusive;
  }

  /**
   * Returns the dependent patterns the code drops after its writes.
   *
   * @return the patterns
   */
  public List<KeyPattern> invalidates() {
    return invalidates;
  }

  /**
   * Returns the followed component.
   *
   * @return the component, or empty
   */
  public Optional<Component> follows() {
    return Optional.ofNullable(follows);
  }

  /**
   * Returns the layer of the followed component, if any.
   *
   * @return the layer, or empty when the code follows no component
   */
  public Optional<CacheLayer> layer() {
    return follows == null ? Optional.empty() : Optional.of(follows.layer());
  }

  /**
   * Returns the lifetime of entries the code creates.
   *
   * @return the lifetime
   */
  public Lifetime lifetime() {
    return lifetime;
  }

  /**
   * Returns the same rights for code whose entries have another lifetime: a request scope's ({@link
   * Lifetime#REQUEST}) or a session's ({@link Lifetime#SESSION}).
   *
   * @param lifetime the lifetime
   * @return the rights with that lifetime
   */
  public Rights withLifetime(Lifetime lifetime) {
    Objects.requireNonNull(lifetime, "lifetime");
    if (lifetime == this.lifetime) {
      return this;
    }
    @Nullable Rights[] cache = withLifetime; // immutable rights: a race builds equal ones twice
    Rights r = cache[lifetime.ordinal()];
    if (r == null) {
      r = source.copy().lifetime(lifetime).build();
      cache[lifetime.ordinal()] = r;
    }
    return r;
  }

  /**
   * Returns the same rights for calls made with another strategy ({@code
   * cache.withStrategy(strategy)}); {@link Strategy#REDIS_COMPATIBLE} also allows keys no component
   * owns, unless these rights set that explicitly.
   *
   * @param strategy the strategy
   * @return the rights with that strategy
   */
  public Rights withStrategy(Strategy strategy) {
    Objects.requireNonNull(strategy, "strategy");
    return strategy == this.strategy ? this : source.copy().strategy(strategy).build();
  }

  /**
   * Returns the code's strategy (a followed component's, unless the code sets its own).
   *
   * @return the strategy
   */
  public Strategy strategy() {
    return strategy;
  }

  /**
   * Returns whether the code may write keys no component owns (and that none of its own patterns
   * cover).
   *
   * @return whether unowned keys may be written
   */
  public boolean unownedKeysAllowed() {
    return unownedKeysAllowed;
  }

  boolean actsForAllOwners() {
    return actsForAllOwners;
  }

  List<Grant> grants() {
    return grants;
  }

  /** The SL012 / SL013 findings made while building. */
  List<Diagnostic> problems() {
    return problems;
  }

  /** The most specific of this code's patterns that matches the key, or null. */
  @Nullable Grant grantFor(String key) {
    for (Grant g : grants) {
      if (g.pattern.matches(key)) {
        return g;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return name
        + " owns "
        + owns
        + " exclusive "
        + exclusive
        + " borrows "
        + borrows
        + (follows == null ? "" : " follows " + follows.name())
        + " lifetime "
        + lifetime
        + " strategy "
        + strategy;
  }

  /** Builds {@link Rights}. Not thread-safe. */
  public static final class Builder {
    private final Manifest manifest;
    private String name = "this code";
    private final List<String> owns = new ArrayList<>();
    private final List<String> borrows = new ArrayList<>();
    private final List<String> exclusive = new ArrayList<>();
    private final List<String> invalidates = new ArrayList<>();
    private @Nullable String follows;
    private Lifetime lifetime = Lifetime.NONE;
    private Strategy strategy = Strategy.DEFAULT;
    private boolean actsForAllOwners;
    private @Nullable Boolean unownedKeysAllowed;

    private Builder(Manifest manifest) {
      this.manifest = manifest;
    }

    private Builder copy() {
      Builder c = new Builder(manifest);
      c.name = name;
      c.owns.addAll(owns);
      c.borrows.addAll(borrows);
      c.exclusive.addAll(exclusive);
      c.invalidates.addAll(invalidates);
      c.follows = follows;
      c.lifetime = lifetime;
      c.strategy = strategy;
      c.actsForAllOwners = actsForAllOwners;
      c.unownedKeysAllowed = unownedKeysAllowed;
      return c;
    }

    /**
     * Names the code for messages, such as {@code "UserService.update"}.
     *
     * @param name the name
     * @return this builder
     */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Adds owned patterns.
     *
     * @param patterns the patterns
     * @return this builder
     */
    public Builder owns(String... patterns) {
      owns.addAll(Arrays.asList(patterns));
      return this;
    }

    /**
     * Adds borrowed patterns.
     *
     * @param patterns the patterns
     * @return this builder
     */
    public Builder borrows(String... patterns) {
      borrows.addAll(Arrays.asList(patterns));
      return this;
    }

    /**
     * Adds patterns held exclusively (read-modify-write allowed).
     *
     * @param patterns the patterns
     * @return this builder
     */
    public Builder exclusive(String... patterns) {
      exclusive.addAll(Arrays.asList(patterns));
      return this;
    }

    /**
     * Adds dependent patterns the code drops after its writes.
     *
     * @param patterns the patterns
     * @return this builder
     */
    public Builder invalidates(String... patterns) {
      invalidates.addAll(Arrays.asList(patterns));
      return this;
    }

    /**
     * Takes the rights, layer and strategy of a manifest component. An unknown name is SL013
     * (reported by {@link AccessRules#checkDeclaration}).
     *
     * @param component the component's name; empty for none
     * @return this builder
     */
    public Builder follows(String component) {
      Objects.requireNonNull(component, "component");
      this.follows = component.isEmpty() ? null : component;
      return this;
    }

    /**
     * Sets the lifetime of entries the code creates.
     *
     * @param lifetime the lifetime
     * @return this builder
     */
    public Builder lifetime(Lifetime lifetime) {
      this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
      return this;
    }

    /**
     * Sets the code's strategy.
     *
     * @param strategy the strategy
     * @return this builder
     */
    public Builder strategy(Strategy strategy) {
      this.strategy = Objects.requireNonNull(strategy, "strategy");
      return this;
    }

    /**
     * Applies a {@link CacheAccess} annotation: its {@code owns}, {@code borrows}, {@code
     * exclusive}, {@code invalidates}, {@code follows}, {@code lifetime} and {@code strategy}. The
     * one place that says what the annotation grants, for the compile-time checker and for {@link
     * Rights#forMethod}.
     *
     * @param access the annotation
     * @return this builder
     */
    public Builder access(CacheAccess access) {
      Objects.requireNonNull(access, "access");
      return owns(access.owns())
          .borrows(access.borrows())
          .exclusive(access.exclusive())
          .invalidates(access.invalidates())
          .follows(access.follows())
          .lifetime(access.lifetime())
          .strategy(access.strategy());
    }

    /**
     * Lets the code write every key some component owns (the plain cache acts for all owners).
     *
     * @return this builder
     */
    public Builder actsForAllOwners() {
      this.actsForAllOwners = true;
      return this;
    }

    /**
     * Sets whether keys no component owns may be written. By default: {@link
     * Strategy#REDIS_COMPATIBLE} code may; code acting for all owners may when the manifest is
     * empty; other code may when it declares no key rights at all.
     *
     * @param allowed whether unowned keys may be written
     * @return this builder
     */
    public Builder unownedKeysAllowed(boolean allowed) {
      this.unownedKeysAllowed = allowed;
      return this;
    }

    /**
     * Returns the rights. Malformed patterns and an unknown {@code follows} are left out and
     * reported by {@link AccessRules#checkDeclaration}.
     *
     * @return the rights
     */
    public Rights build() {
      return new Rights(this);
    }
  }
}
