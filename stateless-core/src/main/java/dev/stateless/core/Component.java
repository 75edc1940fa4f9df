package dev.stateless.core;

import dev.stateless.annotation.Backfill;
import dev.stateless.annotation.Borrows;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Invalidates;
import dev.stateless.annotation.Layer;
import dev.stateless.annotation.MaxSize;
import dev.stateless.annotation.Owns;
import dev.stateless.annotation.Prefetch;
import dev.stateless.annotation.Strategy;
import dev.stateless.annotation.Streaming;
import dev.stateless.annotation.Ttl;
import dev.stateless.annotation.UseStrategy;
import dev.stateless.annotation.ValueType;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * One component of a {@link Manifest}: the patterns it owns and borrows, its primary layer and the
 * settings that attach to its data. Built from an annotated field ({@link Manifest#from}) or with
 * {@link #builder(String)}. Malformed patterns and literals do not throw here: they are kept out of
 * the component and reported by {@link Manifest#validate()} as SL012.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Component {
  private final String name;
  private final List<KeyPattern> owns;
  private final List<KeyPattern> borrows;
  private final CacheLayer layer;
  private final OptionalLong maxSizeBytes;
  private final Optional<Duration> ttl;
  private final OptionalLong streamingChunkBytes;
  private final List<KeyPattern> prefetch;
  private final boolean backfill;
  private final List<KeyPattern> invalidates;
  private final Strategy strategy;
  private final Optional<String> valueTypeName;
  private final @Nullable Type valueType;
  private final List<Diagnostic> problems;

  /** What the component was built from, for {@link #withLimits}. */
  private final Builder source;

  private Component(Builder b, List<Diagnostic> problems) {
    this.source = b.copy();
    this.name = b.name;
    this.owns = parseAll(b.owns, b.name, "@Owns", problems);
    this.borrows = parseAll(b.borrows, b.name, "@Borrows", problems);
    this.layer = b.layer;
    this.maxSizeBytes =
        b.maxSize == null ? OptionalLong.empty() : size(b.maxSize, "@MaxSize", problems);
    this.ttl = b.ttl == null ? Optional.empty() : duration(b.ttl, problems);
    this.streamingChunkBytes =
        b.chunkSize == null ? OptionalLong.empty() : size(b.chunkSize, "@Streaming", problems);
    this.prefetch = parseAll(b.prefetch, b.name, "@Prefetch", problems);
    this.backfill = b.backfill;
    this.invalidates = parseAll(b.invalidates, b.name, "@Invalidates", problems);
    this.strategy = b.strategy;
    this.valueTypeName = Optional.ofNullable(b.valueTypeName);
    this.valueType = b.valueType;
    if (b.valueTypeName != null && owns.isEmpty()) {
      problems.add(Diagnostics.valueTypeWithoutOwnership(name, b.valueTypeName));
    }
    this.problems = List.copyOf(problems);
  }

  /** The component annotations: a field carrying any of them is a component. */
  private static final List<Class<? extends Annotation>> ANNOTATIONS =
      List.of(
          Owns.class,
          Borrows.class,
          Layer.class,
          MaxSize.class,
          Ttl.class,
          Streaming.class,
          Prefetch.class,
          Backfill.class,
          Invalidates.class,
          UseStrategy.class,
          ValueType.class);

  /**
   * Reads the annotations of a field: a reflected {@code java.lang.reflect.Field} at run time, or a
   * field the compile-time checker sees in source or in a class file.
   */
  @FunctionalInterface
  public interface AnnotationSource {
    /**
     * Returns the field's annotation of a type.
     *
     * @param <A> the annotation type
     * @param type the annotation type
     * @return the annotation, or {@code null} when the field does not carry it
     */
    <A extends Annotation> A get(Class<A> type);
  }

  /**
   * Returns the annotation types that make a manifest field a component.
   *
   * @return {@code Owns}, {@code Borrows}, {@code Layer}, ... in a fixed order
   */
  public static List<Class<? extends Annotation>> annotationTypes() {
    return ANNOTATIONS;
  }

  /**
   * Reads a component from a manifest field's annotations: the one place that says which annotation
   * sets what, for {@link Manifest#from(Class)} and for the compile-time checker.
   *
   * @param name the field's name, which names the component
   * @param field the field's annotations ({@code field::getAnnotation})
   * @return the component, or empty when the field carries no component annotation
   */
  public static Optional<Component> fromAnnotations(String name, AnnotationSource field) {
    return fromAnnotations(name, field, null, null);
  }

  /**
   * Reads a component from a manifest field's annotations and the type its {@link ValueType} names,
   * which annotations alone cannot give at compile time.
   *
   * @param name the field's name, which names the component
   * @param field the field's annotations ({@code field::getAnnotation})
   * @param valueTypeName the type {@code @ValueType} names (its class, or the field's declared
   *     type), as {@link Type#getTypeName()} spells it; null when the field has no {@code
   *     ValueType}
   * @param valueType the same type, reflected; null when not known (at compile time)
   * @return the component, or empty when the field carries no component annotation
   */
  public static Optional<Component> fromAnnotations(
      String name,
      AnnotationSource field,
      @Nullable String valueTypeName,
      @Nullable Type valueType) {
    Objects.requireNonNull(field, "field");
    boolean any = false;
    for (Class<? extends Annotation> a : ANNOTATIONS) {
      any |= field.get(a) != null;
    }
    if (!any) {
      return Optional.empty();
    }
    Builder c = builder(name);
    Owns owns = field.get(Owns.class);
    if (owns != null) {
      c.owns(owns.value());
    }
    Borrows borrows = field.get(Borrows.class);
    if (borrows != null) {
      c.borrows(borrows.value());
    }
    Layer layer = field.get(Layer.class);
    if (layer != null) {
      c.layer(layer.value());
    }
    MaxSize maxSize = field.get(MaxSize.class);
    if (maxSize != null) {
      c.maxSize(maxSize.value());
    }
    Ttl ttl = field.get(Ttl.class);
    if (ttl != null) {
      c.ttl(ttl.value());
    }
    Streaming streaming = field.get(Streaming.class);
    if (streaming != null) {
      c.streaming(streaming.chunkSize());
    }
    Prefetch prefetch = field.get(Prefetch.class);
    if (prefetch != null) {
      c.prefetch(prefetch.value());
    }
    Backfill backfill = field.get(Backfill.class);
    if (backfill != null) {
      c.backfill(backfill.value());
    }
    Invalidates invalidates = field.get(Invalidates.class);
    if (invalidates != null) {
      c.invalidates(invalidates.value());
    }
    UseStrategy strategy = field.get(UseStrategy.class);
    if (strategy != null) {
      c.strategy(strategy.value());
    }
    if (valueType != null) {
      c.valueType(valueType);
    } else if (valueTypeName != null) {
      c.valueType(valueTypeName);
    }
    return Optional.of(c.build());
  }

  /**
   * Returns a builder for a component.
   *
   * @param name the component's name (for an annotated manifest, the field name)
   * @return a new builder
   * @throws IllegalArgumentException if {@code name} is empty
   */
  public static Builder builder(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("a component name must not be empty");
    }
    return new Builder(name);
  }

  private List<KeyPattern> parseAll(
      List<String> texts, String component, String where, List<Diagnostic> problems) {
    List<KeyPattern> parsed = new ArrayList<>(texts.size());
    for (String text : texts) {
      try {
        parsed.add(KeyPattern.parse(text));
      } catch (StatelessException e) {
        for (Diagnostic d : e.diagnostics()) {
          problems.add(Diagnostics.inComponent(d, component, where));
        }
      }
    }
    return List.copyOf(parsed);
  }

  private OptionalLong size(String literal, String where, List<Diagnostic> problems) {
    try {
      return OptionalLong.of(Literals.parseSize(literal));
    } catch (StatelessException e) {
      problems.add(Diagnostics.inComponent(e.diagnostics().get(0), name, where));
      return OptionalLong.empty();
    }
  }

  private Optional<Duration> duration(String literal, List<Diagnostic> problems) {
    try {
      return Optional.of(Literals.parseDuration(literal));
    } catch (StatelessException e) {
      problems.add(Diagnostics.inComponent(e.diagnostics().get(0), name, "@Ttl"));
      return Optional.empty();
    }
  }

  /**
   * Returns the component's name.
   *
   * @return the name (the field name for an annotated manifest)
   */
  public String name() {
    return name;
  }

  /**
   * Returns the patterns the component owns (well-formed ones only).
   *
   * @return the owned patterns, in declaration order
   */
  public List<KeyPattern> owns() {
    return owns;
  }

  /**
   * Returns the patterns the component borrows (well-formed ones only).
   *
   * @return the borrowed patterns, in declaration order
   */
  public List<KeyPattern> borrows() {
    return borrows;
  }

  /**
   * Returns the primary layer: where the component's data lives and its owner writes.
   *
   * @return the layer, {@link CacheLayer#SERVER} unless declared
   */
  public CacheLayer layer() {
    return layer;
  }

  /**
   * Returns the most bytes the component may hold in one layer.
   *
   * @return the limit, or empty for none
   */
  public OptionalLong maxSizeBytes() {
    return maxSizeBytes;
  }

  /**
   * Returns how long the component's entries live.
   *
   * @return the time to live, or empty for no expiry
   */
  public Optional<Duration> ttl() {
    return ttl;
  }

  /**
   * Returns whether the component's values are streamed in chunks.
   *
   * @return whether the component is {@code @Streaming}
   */
  public boolean isStreaming() {
    return streamingChunkBytes.isPresent();
  }

  /**
   * Returns the chunk size of a streaming component.
   *
   * @return the chunk size in bytes, or empty if the component does not stream
   */
  public OptionalLong streamingChunkBytes() {
    return streamingChunkBytes;
  }

  /**
   * Returns the patterns loaded from the owner layer at start.
   *
   * @return the prefetch patterns
   */
  public List<KeyPattern> prefetch() {
    return prefetch;
  }

  /**
   * Returns whether reads served by the primary layer may copy values into nearer layers.
   *
   * @return whether back-fill is allowed; {@code false} unless declared
   */
  public boolean backfill() {
    return backfill;
  }

  /**
   * Returns the dependent patterns dropped on every write to the component's patterns.
   *
   * @return the dependents
   */
  public List<KeyPattern> invalidates() {
    return invalidates;
  }

  /**
   * Returns the strategy for the component's data.
   *
   * @return the strategy, {@link Strategy#DEFAULT} unless declared
   */
  public Strategy strategy() {
    return strategy;
  }

  /**
   * Returns the type of the component's values, as {@link Type#getTypeName()} spells it ({@code
   * "java.util.List<java.lang.String>"}), when the component declares one ({@link ValueType}).
   *
   * @return the type's name, or empty for an untyped component
   */
  public Optional<String> valueTypeName() {
    return valueTypeName;
  }

  /**
   * Returns the type of the component's values, reflected, when the component declares one and it
   * was built from a class ({@link Manifest#from(Class)}) or {@link Builder#valueType(Type)}.
   *
   * @return the type, or empty when untyped or known by name only
   */
  public Optional<Type> valueType() {
    return Optional.ofNullable(valueType);
  }

  /**
   * Returns the component with another {@code @Ttl} and {@code @MaxSize}, built from the same
   * declarations otherwise ({@link Manifest#withOverride}); a null literal keeps the declared one.
   */
  Component withLimits(@Nullable String ttlLiteral, @Nullable String maxSizeLiteral) {
    Builder b = source.copy();
    if (ttlLiteral != null) {
      b.ttl(ttlLiteral);
    }
    if (maxSizeLiteral != null) {
      b.maxSize(maxSizeLiteral);
    }
    return b.build();
  }

  /** Returns the SL012 findings about this component's literals. */
  List<Diagnostic> problems() {
    return problems;
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(name).append(" [").append(layer).append(']');
    if (!owns.isEmpty()) {
      out.append(" owns ").append(owns);
    }
    if (!borrows.isEmpty()) {
      out.append(" borrows ").append(borrows);
    }
    if (!invalidates.isEmpty()) {
      out.append(" invalidates ").append(invalidates);
    }
    if (strategy != Strategy.DEFAULT) {
      out.append(" strategy ").append(strategy);
    }
    return out.toString();
  }

  /** Builds a {@link Component}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private final List<String> owns = new ArrayList<>();
    private final List<String> borrows = new ArrayList<>();
    private CacheLayer layer = CacheLayer.SERVER;
    private @Nullable String maxSize;
    private @Nullable String ttl;
    private @Nullable String chunkSize;
    private final List<String> prefetch = new ArrayList<>();
    private boolean backfill;
    private final List<String> invalidates = new ArrayList<>();
    private Strategy strategy = Strategy.DEFAULT;
    private @Nullable String valueTypeName;
    private @Nullable Type valueType;

    private Builder(String name) {
      this.name = name;
    }

    private Builder copy() {
      Builder c = new Builder(name);
      c.owns.addAll(owns);
      c.borrows.addAll(borrows);
      c.layer = layer;
      c.maxSize = maxSize;
      c.ttl = ttl;
      c.chunkSize = chunkSize;
      c.prefetch.addAll(prefetch);
      c.backfill = backfill;
      c.invalidates.addAll(invalidates);
      c.strategy = strategy;
      c.valueTypeName = valueTypeName;
      c.valueType = valueType;
      return c;
    }

    /**
     * Adds owned patterns.
     *
     * @param patterns the patterns, such as {@code "user:*"}
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
     * Sets the primary layer.
     *
     * @param layer the layer
     * @return this builder
     */
    public Builder layer(CacheLayer layer) {
      this.layer = Objects.requireNonNull(layer, "layer");
      return this;
    }

    /**
     * Sets the size limit per layer.
     *
     * @param literal a size literal such as {@code "50MB"}
     * @return this builder
     */
    public Builder maxSize(String literal) {
      this.maxSize = Objects.requireNonNull(literal, "maxSize");
      return this;
    }

    /**
     * Sets the time to live.
     *
     * @param literal a duration literal such as {@code "10m"}
     * @return this builder
     */
    public Builder ttl(String literal) {
      this.ttl = Objects.requireNonNull(literal, "ttl");
      return this;
    }

    /**
     * Makes the component streaming.
     *
     * @param chunkSize a size literal such as {@code "1MB"}
     * @return this builder
     */
    public Builder streaming(String chunkSize) {
      this.chunkSize = Objects.requireNonNull(chunkSize, "chunkSize");
      return this;
    }

    /**
     * Adds patterns to warm at start.
     *
     * @param patterns the patterns
     * @return this builder
     */
    public Builder prefetch(String... patterns) {
      prefetch.addAll(Arrays.asList(patterns));
      return this;
    }

    /**
     * Sets whether reads may back-fill nearer layers.
     *
     * @param allowed whether back-fill is allowed
     * @return this builder
     */
    public Builder backfill(boolean allowed) {
      this.backfill = allowed;
      return this;
    }

    /**
     * Adds dependent patterns dropped on every write to this component's patterns.
     *
     * @param patterns the patterns
     * @return this builder
     */
    public Builder invalidates(String... patterns) {
      invalidates.addAll(Arrays.asList(patterns));
      return this;
    }

    /**
     * Sets the strategy.
     *
     * @param strategy the strategy
     * @return this builder
     */
    public Builder strategy(Strategy strategy) {
      this.strategy = Objects.requireNonNull(strategy, "strategy");
      return this;
    }

    /**
     * Declares the type of the component's values (what {@link ValueType} does on a field).
     *
     * @param type the type, such as {@code Product.class} or a {@code ParameterizedType}
     * @return this builder
     */
    public Builder valueType(Type type) {
      this.valueType = Objects.requireNonNull(type, "type");
      this.valueTypeName = type.getTypeName();
      return this;
    }

    /**
     * Declares the type of the component's values by name, where no reflected type exists (the
     * compile-time checker). The runtime loads a class of that name; a generic type needs {@link
     * #valueType(Type)}.
     *
     * @param typeName the type's name as {@link Type#getTypeName()} spells it
     * @return this builder
     */
    public Builder valueType(String typeName) {
      this.valueTypeName = Objects.requireNonNull(typeName, "typeName");
      this.valueType = null;
      return this;
    }

    /**
     * Returns the component. Malformed literals are left out and reported by {@link
     * Manifest#validate()}.
     *
     * @return the component
     */
    public Component build() {
      return new Component(this, new ArrayList<>());
    }
  }
}
