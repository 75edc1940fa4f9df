package dev.stateless.core;

import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.CacheManifest;
import dev.stateless.annotation.ValueType;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * key patterns. Built from a {@link CacheManifest} class ({@link #from(Class)}), a manifest file
 * ({@link #parse(Path)}, for teams with no Java code) or a {@link #builder()}; {@link #validate()}
 * applies the manifest rules; {@link #ownerOf(String)} finds a key's owner in time proportional to
 * the key's length.
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

  /** The builder's own findings (components declared twice), kept for {@link #withOverride}. */
  private final List<Diagnostic> builderProblems;

  private final OwnerIndex index;

  /** Where a manifest file declares each component ({@code app.yaml:4:3}); empty otherwise. */
  private final Map<String, String> declaredAt;

  private Manifest(Builder b) {
    this.name = b.name;
    EnumSet<CacheLayer> l = EnumSet.noneOf(CacheLayer.class);
    l.addAll(b.layers);
    this.layers = Collections.unmodifiableSet(l);
    this.components = List.copyOf(b.components.values());
    this.byName = Collections.unmodifiableMap(new LinkedHashMap<>(b.components));
    this.builderProblems = List.copyOf(b.problems);
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
    this.declaredAt = Map.copyOf(b.declaredAt);
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

  /**
   * Reads a manifest file: a small, strict subset of YAML whose keys are the annotations' names
   * ({@code owns}, {@code borrows}, {@code layer}, {@code max-size}, {@code ttl}, ...), described
   * in {@code docs/manifest-file.md}. Every value is checked as it is read, by the same rules as an
   * annotation's, so a bad line is refused with its line and column; the manifest rules (SL001,
   * SL005, ...) are left to {@link #validate()}, as for {@link #from(Class)}, and its findings note
   * the lines of the components involved.
   *
   * @param file the file, UTF-8 text
   * @return the manifest, named by the file's {@code name} key or else after the file (call {@link
   *     #validate()} to check it)
   * @throws IOException if the file cannot be read
   * @throws StatelessException with code SL012 if a line is malformed (each finding's message
   *     starts with {@code file:line:column}; all the file's bad lines are reported at once), or
   *     SL013 if a component is declared twice
   * @throws NullPointerException if {@code file} is null
   */
  public static Manifest parse(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    return ManifestFile.read(file.toString(), Files.readAllBytes(file));
  }

  /**
   * Reads a manifest file's text; see {@link #parse(Path)}.
   *
   * @param sourceName the file's name, for messages ({@code "app.yaml"}) and the manifest's name
   *     when the text gives none
   * @param text the text
   * @return the manifest (call {@link #validate()} to check it)
   * @throws StatelessException with code SL012 if a line is malformed, or SL013 if a component is
   *     declared twice
   * @throws NullPointerException if an argument is null
   */
  public static Manifest parse(String sourceName, String text) {
    Objects.requireNonNull(sourceName, "sourceName");
    Objects.requireNonNull(text, "text");
    return ManifestFile.read(sourceName, text);
  }

  /**
   * Renders the manifest as a manifest file ({@code docs/manifest-file.md}): {@link #parse(String,
   * String)} of the text gives back a manifest with the same name, layers and components. Useful to
   * hand an annotated manifest to a team that runs an edge node from a file.
   *
   * @return the file's text
   * @throws IllegalStateException if the manifest has no components, or malformed parts (SL012 and
   *     SL013 findings of {@link #validate()}), which a file could not say
   */
  public String toFileText() {
    return ManifestFile.write(this);
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
   * GLOBAL_CONSISTENT} data off the server layer). For a manifest read from a file, each finding
   * has a note placing each component it names: {@code component "users" is declared here
   * (app.yaml:4:3)}.
   *
   * @return every finding, in that order of rules; empty when the manifest is sound
   */
  public List<Diagnostic> validate() {
    List<Diagnostic> found = ManifestRules.validate(this);
    if (declaredAt.isEmpty()) {
      return found;
    }
    List<Diagnostic> placed = new ArrayList<>(found.size());
    for (Diagnostic d : found) {
      List<String> notes = new ArrayList<>();
      for (String component : d.components()) {
        String where = declaredAt.get(component);
        if (where != null) {
          notes.add(Diagnostics.declaredHere(component, where));
        }
      }
      placed.add(d.withNotes(notes));
    }
    return placed;
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

  /**
   * Returns this manifest with one component's time to live and size limit replaced, as if its
   * field carried {@code @Ttl(ttl)} and {@code @MaxSize(maxSize)}: for configuration that differs
   * per environment (the Spring Boot starter's {@code stateless.components.<name>.ttl} and {@code
   * .max-size}). Everything else, the other components and where a manifest file declares them
   * included, stays as it is. The literals are those of the annotations ({@link
   * Literals#parseSize}, {@link Literals#parseDuration}).
   *
   * <pre>{@code
   * Manifest m = Manifest.from(AppCache.class).withOverride("sessions", "30m", "64MB");
   * }</pre>
   *
   * @param component the component's name
   * @param ttl a duration literal such as {@code "10m"}, or {@code null} to keep the component's
   * @param maxSize a size literal such as {@code "50MB"}, or {@code null} to keep the component's
   * @return a new manifest with the override
   * @throws StatelessException SL013 if the manifest has no such component (the help line lists the
   *     components it has); SL012 if a literal is malformed, naming the component and the setting
   *     ({@code ttl override of component "sessions"}), both at once when both are
   * @throws NullPointerException if {@code component} is null
   */
  public Manifest withOverride(String component, @Nullable String ttl, @Nullable String maxSize) {
    Objects.requireNonNull(component, "component");
    Component c = byName.get(component);
    if (c == null) {
      throw new StatelessException(List.of(Diagnostics.unknownComponent(component, this)));
    }
    List<Diagnostic> bad = new ArrayList<>();
    if (ttl != null) {
      try {
        Literals.parseDuration(ttl);
      } catch (StatelessException e) {
        bad.add(Diagnostics.inComponent(e.diagnostics().get(0), component, "ttl override"));
      }
    }
    if (maxSize != null) {
      try {
        Literals.parseSize(maxSize);
      } catch (StatelessException e) {
        bad.add(Diagnostics.inComponent(e.diagnostics().get(0), component, "max-size override"));
      }
    }
    if (!bad.isEmpty()) {
      throw new StatelessException(bad);
    }
    Builder b = builder(name).layers(layers.toArray(new CacheLayer[0]));
    b.problems.addAll(builderProblems);
    b.declaredAt.putAll(declaredAt);
    for (Component each : components) {
      b.components.put(
          each.name(), each.name().equals(component) ? c.withLimits(ttl, maxSize) : each);
    }
    return b.build();
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
    private final Map<String, String> declaredAt = new LinkedHashMap<>();

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

    /** Records where a manifest file declares a component, for the notes of findings. */
    Builder declaredAt(String component, String where) {
      declaredAt.put(component, where);
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
