package dev.stateless.core;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.CacheManifest;
import dev.stateless.annotation.ValueType;
import java.lang.reflect.Field;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The ownership model of an application: its layers and its components, each owning and borrowing
 * key patterns. Built from a {@link CacheManifest} class ({@link #from(Class)}) or a {@link
 * #builder()}; {@link #validate()} applies the manifest rules; {@link #ownerOf(String)} finds a
 * key's owner in time proportional to the key's length.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Manifest {
  private static final Manifest EMPTY = builder("(no manifest)").build();

  private final String name;
  private final Set<CacheLayer> layers;
  private final List<Component> components;
  private final Map<String, Component> byName;
  private final List<Diagnostic> problems;
  private final OwnerIndex index;

  private Manifest(Builder b) {
    this.name = b.name;
    EnumSet<CacheLayer> l = EnumSet.noneOf(CacheLayer.class);
    l.addAll(b.layers);
    this.layers = Collections.unmodifiableSet(l);
    this.components = List.copyOf(b.components.values());
    this.byName = Collections.unmodifiableMap(new LinkedHashMap<>(b.components));
    List<Diagnostic> p = new ArrayList<>(b.problems);
    List<OwnerIndex.Entry> entries = new ArrayList<>();
    for (Component c : components) {
      p.addAll(c.problems());
      for (KeyPattern owned : c.owns()) {
        entries.add(new OwnerIndex.Entry(owned, c, 0));
      }
    }
    this.problems = List.copyOf(p);
    this.index = new OwnerIndex(entries);
  }

  /**
   * Reads a manifest from a class annotated with {@link CacheManifest}: each field carrying a
   * component annotation is a component named after the field, in declaration order.
   *
   * @param type the manifest class
   * @return the manifest (call {@link #validate()} to check it)
   * @throws StatelessException with code SL013 if the class is not annotated with {@code
   *     CacheManifest}
   */
  public static Manifest from(Class<?> type) {
    Objects.requireNonNull(type, "type");
    CacheManifest annotation = type.getAnnotation(CacheManifest.class);
    if (annotation == null) {
      throw new StatelessException(List.of(Diagnostics.notAManifest(type.getName())));
    }
    Builder b = builder(type.getSimpleName()).layers(annotation.layers());
    for (Field field : type.getDeclaredFields()) {
      if (!field.isSynthetic()) {
        Type valueType = declaredValueType(field);
        Component.fromAnnotations(
                field.getName(),
                field::getAnnotation,
                valueType == null ? null : valueType.getTypeName(),
                valueType)
            .ifPresent(b::component);
      }
    }
    return b.build();
  }

  /** The type a field's {@link ValueType} declares: its class, or the field's own type. */
  private static @Nullable Type declaredValueType(Field field) {
    ValueType declared = field.getAnnotation(ValueType.class);
    if (declared == null) {
      return null;
    }
    return declared.value() == void.class ? field.getGenericType() : declared.value();
  }

  /**
   * Returns a builder of manifests without annotations.
   *
   * @return a new builder named {@code "manifest"}
   */
  public static Builder builder() {
    return builder("manifest");
  }

  /**
   * Returns a builder of manifests without annotations.
   *
   * @param name a name for messages
   * @return a new builder
   */
  public static Builder builder(String name) {
    return new Builder(Objects.requireNonNull(name, "name"));
  }

  /**
   * Returns the manifest of an application that has none yet: no components, all layers. Every key
   * is unowned; the runtime treats it as plain Redis-like caching.
   *
   * @return the empty manifest
   */
  public static Manifest empty() {
    return EMPTY;
  }

  /**
   * Returns the manifest's name (the simple name of its class, or the builder's name).
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the layers the application has.
   *
   * @return the layers, unmodifiable
   */
  public Set<CacheLayer> layers() {
    return layers;
  }

  /**
   * Returns the components in declaration order.
   *
   * @return the components
   */
  public List<Component> components() {
    return components;
  }

  /**
   * Returns whether the manifest has no components.
   *
   * @return whether nothing is owned
   */
  public boolean isEmpty() {
    return components.isEmpty();
  }

  /**
   * Returns a component by name.
   *
   * @param componentName the name
   * @return the component, or empty if there is none of that name
   */
  public Optional<Component> component(String componentName) {
    return Optional.ofNullable(byName.get(componentName));
  }

  /**
   * Returns the component owning a key: the owner of the most specific owned pattern matching it.
   * Takes time proportional to the key's length, whatever the number of patterns.
   *
   * @param key the key
   * @return the owner, or empty if no component owns the key
   */
  public Optional<Component> ownerOf(String key) {
    OwnerIndex.Entry e = index.lookup(key);
    return e == null ? Optional.empty() : Optional.of(e.owner);
  }

  /**
   * Returns the most specific owned pattern matching a key.
   *
   * @param key the key
   * @return the pattern, or empty if no component owns the key
   */
  public Optional<KeyPattern> owningPattern(String key) {
    OwnerIndex.Entry e = index.lookup(key);
    return e == null ? Optional.empty() : Optional.of(e.pattern);
  }

  /**
   * Applies the manifest rules: SL012 (malformed pattern, size or duration), SL001 (overlapping
   * ownership), SL005 (borrowing, invalidating or prefetching a pattern nobody owns), SL006
   * (invalidation cycles), SL007 (a layer the application lacks) and SL008 ({@code
   * GLOBAL_CONSISTENT} data off the server layer).
   *
   * @return every finding, in that order of rules; empty when the manifest is sound
   */
  public List<Diagnostic> validate() {
    return ManifestRules.validate(this);
  }

  /**
   * Returns the rights of one component, for a runtime view restricted to them.
   *
   * @param componentName the component's name
   * @return its rights
   * @throws StatelessException with code SL013 if the manifest has no such component
   */
  public Rights rightsOf(String componentName) {
    Component c = byName.get(componentName);
    if (c == null) {
      throw new StatelessException(List.of(Diagnostics.unknownComponent(componentName, this)));
    }
    return Rights.builder(this)
        .name("component \"" + componentName + "\"")
        .follows(c.name())
        .build();
  }

  /** Returns the SL012 / SL013 findings made while building. */
  List<Diagnostic> problems() {
    return problems;
  }

  OwnerIndex index() {
    return index;
  }

  /**
   * Returns the ownership map: one line per owned pattern, most specific first.
   *
   * @return the map as text
   */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(name).append(" layers=").append(layers);
    for (OwnerIndex.Entry e : index.entries()) {
      out.append("\n  ")
          .append(e.pattern)
          .append(" -> ")
          .append(e.owner.name())
          .append(" [")
          .append(e.owner.layer())
          .append(']');
    }
    return out.toString();
  }

  /** Builds a {@link Manifest}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private final List<CacheLayer> layers =
        new ArrayList<>(List.of(CacheLayer.CLIENT, CacheLayer.EDGE, CacheLayer.SERVER));
    private final Map<String, Component> components = new LinkedHashMap<>();
    private final List<Diagnostic> problems = new ArrayList<>();

    private Builder(String name) {
      this.name = name;
    }

    /**
     * Sets the layers the application has (all three unless set).
     *
     * @param layers the layers
     * @return this builder
     */
    public Builder layers(CacheLayer... layers) {
      this.layers.clear();
      this.layers.addAll(Arrays.asList(layers));
      return this;
    }

    /**
     * Adds a component. A second component of the same name is reported by {@link
     * Manifest#validate()} as SL013 and left out.
     *
     * @param component the component
     * @return this builder
     */
    public Builder component(Component component) {
      Objects.requireNonNull(component, "component");
      if (components.containsKey(component.name())) {
        problems.add(Diagnostics.duplicateComponent(component.name()));
      } else {
        components.put(component.name(), component);
      }
      return this;
    }

    /**
     * Returns the manifest.
     *
     * @return the manifest (call {@link Manifest#validate()} to check it)
     */
    public Manifest build() {
      return new Manifest(this);
    }
  }
}
