package dev.stateless.internal;

import dev.stateless.ValueCodec;
import dev.stateless.core.Code;
import dev.stateless.core.Component;
import dev.stateless.core.Diagnostic;
import dev.stateless.core.Manifest;
import dev.stateless.core.StatelessException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Every owner's {@link ValueType}, resolved once when the cache is built: the declared types
 * loaded, the codecs given to the builder placed. Refuses at build time what could not work later:
 * a codec for a component the manifest lacks (SL013), a codec for values that never reach one
 * (strings, bytes, numbers: their Redis form is fixed so {@code INCR} works from every client), or
 * a type name no class matches (SL014).
 */
public final class ValueTypes {
  private final Manifest manifest;
  private final Map<String, ValueType> byOwner = new HashMap<>();
  private final ValueType unowned;
  private final boolean onlyJson;

  public ValueTypes(Manifest manifest, ValueCodec codec, Map<String, ValueCodec> perComponent) {
    this.manifest = manifest;
    this.unowned = ValueType.untyped(null, codec);
    List<Diagnostic> problems = new ArrayList<>();
    for (String name : perComponent.keySet()) {
      manifest.rightsOf(name); // SL013 for a name the manifest lacks
    }
    boolean json = codec instanceof JsonCodec;
    for (Component c : manifest.components()) {
      ValueCodec own = perComponent.getOrDefault(c.name(), codec);
      json &= own instanceof JsonCodec;
      Type declared = declaredType(c, problems);
      ValueType t = declared == null ? ValueType.untyped(c, own) : ValueType.of(c, declared, own);
      if (perComponent.containsKey(c.name()) && t.native_()) {
        problems.add(codecNeverUsed(c, t));
      }
      Class<?> nativeSub = t.nativeSubtype();
      if (nativeSub != null) {
        problems.add(ambiguousType(c, t, nativeSub));
      }
      byOwner.put(c.name(), t);
    }
    if (!problems.isEmpty()) {
      throw new StatelessException(problems);
    }
    this.onlyJson = json;
  }

  /** The values of a key's owner (null: nobody owns it). */
  public ValueType of(@Nullable Component owner) {
    return owner == null ? unowned : byOwner.getOrDefault(owner.name(), unowned);
  }

  /**
   * A value as {@code type} (see {@code StatelessCache.get(key, type)}): itself when it is one; the
   * text or bytes of an untyped value read as a value of {@code type} is stored.
   */
  public Object as(String key, Object value, Class<?> type) {
    if (type.isInstance(value) || !(value instanceof String || value instanceof byte[])) {
      return value;
    }
    byte[] bytes = value instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : (byte[]) value;
    ValueCodec codec = of(manifest.ownerOf(key).orElse(null)).codec;
    Object decoded = ValueType.as(type, codec).decode(key, bytes);
    return decoded instanceof byte[] b ? b.clone() : decoded;
  }

  /**
   * SL014 when the key's owner holds values no {@code type} can be ({@code StatelessCache.get(key,
   * type)}), before the read.
   */
  public void checkRead(String key, Class<?> type) {
    of(manifest.ownerOf(key).orElse(null)).checkRead(key, type);
  }

  /** What Redis holds for a key's value, as {@code REDIS_COMPATIBLE} code reads it. */
  public @Nullable Object redisForm(String key, @Nullable Object value) {
    return value == null ? null : of(manifest.ownerOf(key).orElse(null)).redisForm(key, value);
  }

  /** Whether every codec is the built-in JSON one, quick and never blocking. */
  boolean onlyJson() {
    return onlyJson;
  }

  private static @Nullable Type declaredType(Component c, List<Diagnostic> problems) {
    if (c.valueType().isPresent()) {
      return c.valueType().get();
    }
    if (c.valueTypeName().isEmpty()) {
      return null;
    }
    String name = c.valueTypeName().get();
    try {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      return Class.forName(
          name, false, loader != null ? loader : ValueTypes.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      problems.add(
          Diagnostic.error(
              Code.SL014,
              "component \""
                  + c.name()
                  + "\" declares values of type "
                  + name
                  + ", which no class here is",
              name.contains("<")
                  ? "give a generic type as a reflected Type: Component.builder(..).valueType(Type),"
                      + " or declare it with @ValueType on a manifest field"
                  : "put the class on the class path, or fix the name (nested classes:"
                      + " Outer$Inner)",
              List.of()));
      return null;
    }
  }

  private static Diagnostic ambiguousType(Component c, ValueType t, Class<?> nativeSub) {
    return Diagnostic.error(
        Code.SL014,
        "component \""
            + c.name()
            + "\" declares values of type "
            + t.typeName()
            + ", which a "
            + nativeSub.getSimpleName()
            + " is too: it would be stored as Redis"
            + " holds a "
            + nativeSub.getSimpleName()
            + " and could not be read back as one",
        "declare the concrete type (String, byte[], Long, BigDecimal, ...) or a type of your own",
        List.of());
  }

  private static Diagnostic codecNeverUsed(Component c, ValueType t) {
    return Diagnostic.error(
        Code.SL014,
        "a codec for component \""
            + c.name()
            + "\", whose values are "
            + t.typeName()
            + ": such values never reach a codec",
        "strings, byte[], numbers and booleans are stored as the bytes every Redis client reads"
            + " (decimal text for numbers, so INCR works from both sides); remove the codec, or"
            + " change the component's @ValueType",
        List.of());
  }
}
