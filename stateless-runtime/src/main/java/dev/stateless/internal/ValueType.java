package dev.stateless.internal;

import dev.stateless.ValueCodec;
import dev.stateless.ValueCodecException;
import dev.stateless.core.AccessRules;
import dev.stateless.core.Component;
import dev.stateless.core.Literals;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The values of one owner: the Java type its component declares ({@code @ValueType}), or none, and
 * the bytes they are stored as. The one place that says how a value looks in Redis:
 *
 * <ul>
 *   <li>{@code String}: its UTF-8 (refused when it is no well-formed UTF-16, which UTF-8 cannot
 *       hold); {@code byte[]}: the bytes themselves;
 *   <li>{@code Long}, {@code Integer}, {@code Short}, {@code Byte}, {@code BigInteger}: decimal
 *       text, as {@code INCR} writes it; {@code Double}, {@code Float}, {@code BigDecimal}: their
 *       {@code toString} (which {@code INCRBYFLOAT} reads); {@code Boolean}: {@code true} / {@code
 *       false} ({@code 1} / {@code 0} are read too);
 *   <li>anything else: the component's {@link ValueCodec} (JSON unless configured).
 * </ul>
 *
 * <p>An untyped component takes any value, encoded by its class as above, and reads from a remote
 * store give what Redis holds: a {@code String}, or a {@code byte[]} when the bytes are not UTF-8.
 * In-process layers keep what was written (by value: see {@link Values}).
 */
public final class ValueType {
  enum Kind {
    ANY,
    STRING,
    BYTES,
    LONG,
    INT,
    SHORT,
    BYTE,
    BIG_INTEGER,
    DOUBLE,
    FLOAT,
    BIG_DECIMAL,
    BOOLEAN,
    CODEC;

    boolean integer() {
      return this == LONG || this == INT || this == SHORT || this == BYTE || this == BIG_INTEGER;
    }

    /** The form a value of a class takes when its component does not say (untyped). */
    static Kind of(Class<?> c) {
      if (c == String.class) {
        return STRING;
      } else if (c == byte[].class) {
        return BYTES;
      } else if (c == Long.class) {
        return LONG;
      } else if (c == Integer.class) {
        return INT;
      } else if (c == Short.class) {
        return SHORT;
      } else if (c == Byte.class) {
        return BYTE;
      } else if (c == BigInteger.class) {
        return BIG_INTEGER;
      } else if (c == Double.class) {
        return DOUBLE;
      } else if (c == Float.class) {
        return FLOAT;
      } else if (c == BigDecimal.class) {
        return BIG_DECIMAL;
      } else if (c == Boolean.class) {
        return BOOLEAN;
      }
      return CODEC;
    }
  }

  /** Texts shorter than this are not sized before they are encoded: their encoding is small. */
  private static final int SMALL_TEXT = 1 << 20;

  /** The owner, null for keys nobody owns. */
  final @Nullable Component owner;

  /** The owner's name, null for keys nobody owns. */
  final @Nullable String component;

  /** The declared type; null: untyped. */
  final @Nullable Type declared;

  /** The declared type's class, boxed; Object for untyped. */
  final Class<?> raw;

  final Kind kind;
  final ValueCodec codec;

  private ValueType(@Nullable Component owner, @Nullable Type declared, ValueCodec codec) {
    this.owner = owner;
    this.component = owner == null ? null : owner.name();
    this.declared = declared;
    this.raw = declared == null ? Object.class : box(rawClass(declared));
    this.kind = declared == null || raw == Object.class ? Kind.ANY : Kind.of(raw);
    this.codec = codec;
  }

  /** The values of keys nobody owns, or of an untyped component. */
  public static ValueType untyped(@Nullable Component owner, ValueCodec codec) {
    return new ValueType(owner, null, codec);
  }

  /** Values read as a type a caller asks for (no component declares it). */
  static ValueType as(Type type, ValueCodec codec) {
    return new ValueType(null, type, codec);
  }

  /** The values of a component: its declared type, if any (null: untyped). */
  public static ValueType of(Component component, @Nullable Type declared, ValueCodec codec) {
    return new ValueType(component, declared, codec);
  }

  /** Whether the component declares a type. */
  public boolean typed() {
    return kind != Kind.ANY;
  }

  /** Whether values are stored as decimal integers that {@code INCRBY} works on. */
  public boolean integer() {
    return kind.integer();
  }

  /**
   * The native class (String, byte[], a number, Boolean) a declared type other than it and Object
   * could hold, or null: values of such a type would be written in the native form and read back
   * through the codec, so such a type is refused when the cache is built.
   */
  @Nullable Class<?> nativeSubtype() {
    if (kind != Kind.CODEC) {
      return null;
    }
    for (Class<?> c :
        List.of(
            String.class,
            byte[].class,
            Long.class,
            Integer.class,
            Short.class,
            Byte.class,
            BigInteger.class,
            Double.class,
            Float.class,
            BigDecimal.class,
            Boolean.class)) {
      if (raw.isAssignableFrom(c)) {
        return c;
      }
    }
    return null;
  }

  /** Whether the values are one of the Redis-native forms a codec never sees. */
  public boolean native_() {
    return kind != Kind.CODEC && kind != Kind.ANY;
  }

  /** The declared type's name, {@code Object} for untyped. */
  public String typeName() {
    return declared == null ? "Object" : declared.getTypeName();
  }

  /**
   * Refuses an increment of a component whose values are no integers and no text (SL105): Redis
   * {@code INCRBY} would write decimal text its type cannot read.
   */
  void checkIncrement(String key) {
    if (kind != Kind.ANY && kind != Kind.STRING && !kind.integer()) {
      throw Errors.incrementOfType(key, this);
    }
  }

  /**
   * What an in-process increment leaves: {@code n} as the kind of value the key held ({@code
   * current}, null when absent: the declared kind, a Long when untyped), as Redis keeps text text.
   */
  Object afterIncrement(String key, @Nullable Object current, long n, long delta) {
    Kind k = current != null ? Kind.of(current.getClass()) : kind == Kind.ANY ? Kind.LONG : kind;
    return switch (k) {
      case INT -> {
        if (n != (int) n) {
          throw Errors.incrementOverflowOf(key, delta, "Integer");
        }
        yield (int) n;
      }
      case SHORT -> {
        if (n != (short) n) {
          throw Errors.incrementOverflowOf(key, delta, "Short");
        }
        yield (short) n;
      }
      case BYTE -> {
        if (n != (byte) n) {
          throw Errors.incrementOverflowOf(key, delta, "Byte");
        }
        yield (byte) n;
      }
      case BIG_INTEGER -> BigInteger.valueOf(n);
      case STRING -> Long.toString(n);
      default -> n;
    };
  }

  /**
   * A value {@code REDIS_COMPATIBLE} code writes as Redis would hold it: the text or bytes of a
   * typed component's value ({@code "42"} for a Long) are read as the type; anything else is as
   * given (and checked against the type by the write).
   */
  Object fromRedisForm(String key, Object value) {
    if (kind == Kind.ANY
        || raw.isInstance(value)
        || !(value instanceof String || value instanceof byte[])) {
      return value;
    }
    if (value instanceof String s) {
      checkWellFormed(key, s);
    }
    byte[] b = value instanceof String s ? utf8(s) : (byte[]) value;
    return decode(key, b);
  }

  /** What Redis holds for a value, as {@code REDIS_COMPATIBLE} code reads it: text, or bytes. */
  Object redisForm(String key, Object value) {
    if (value instanceof String || value instanceof byte[]) {
      return value;
    }
    byte[] b = encode(key, value);
    String text = strictUtf8(b);
    return text != null ? text : b;
  }

  /** The least value an increment may leave: the declared integer type's. */
  long minimum() {
    return switch (kind) {
      case INT -> Integer.MIN_VALUE;
      case SHORT -> Short.MIN_VALUE;
      case BYTE -> Byte.MIN_VALUE;
      default -> Long.MIN_VALUE;
    };
  }

  /** The greatest value an increment may leave: the declared integer type's. */
  long maximum() {
    return switch (kind) {
      case INT -> Integer.MAX_VALUE;
      case SHORT -> Short.MAX_VALUE;
      case BYTE -> Byte.MAX_VALUE;
      default -> Long.MAX_VALUE;
    };
  }

  /**
   * SL014 when no value of the declared type can be read as {@code type} ({@code get(key,
   * String.class)} of a {@code Long} component), before anything is read.
   */
  void checkRead(String key, Class<?> type) {
    if (kind == Kind.ANY) {
      return;
    }
    Class<?> asked = box(type);
    boolean possible =
        asked.isAssignableFrom(raw)
            || raw.isAssignableFrom(asked)
            || (asked.isInterface() && !Modifier.isFinal(raw.getModifiers()))
            || (raw.isInterface() && !Modifier.isFinal(asked.getModifiers()));
    Checks.throwIfErrors(AccessRules.checkReadType(key, owner, type.getTypeName(), possible));
  }

  /** SL014 when a written value is not of the declared type; nothing is written then. */
  void check(String key, Object value) {
    if (kind != Kind.ANY && !raw.isInstance(value)) {
      Checks.throwIfErrors(AccessRules.checkValueType(key, owner, Values.typeName(value), false));
    }
  }

  /**
   * The bytes of a value (of the declared type: {@link #check} it first).
   *
   * @throws ValueCodecException when the value has no exact encoding
   */
  public byte[] encode(String key, Object value) {
    Kind k = kind == Kind.ANY || kind == Kind.CODEC ? Kind.of(value.getClass()) : kind;
    try {
      return switch (k) {
        case STRING -> utf8((String) value);
        case BYTES -> ((byte[]) value).clone(); // the one copy a written array costs
        case LONG, INT, SHORT, BYTE, BIG_INTEGER, DOUBLE, FLOAT, BIG_DECIMAL, BOOLEAN ->
            value.toString().getBytes(StandardCharsets.US_ASCII);
        case CODEC, ANY -> {
          checkTexts(value);
          yield codec.encode(value);
        }
      };
    } catch (RuntimeException e) {
      throw Errors.cannotEncodeValue(key, component, value, e);
    }
  }

  /**
   * The length of a value's encoding, computed without making it, for the values that can be large
   * ({@code String}, {@code byte[]}); -1 for the others. Lets a too large value be refused before
   * it is copied.
   */
  long encodedLength(String key, Object value) {
    if (value instanceof String s) {
      if (s.length() < SMALL_TEXT) {
        return -1; // at most 3 bytes a char: small, so encoded (and checked) once, then sized
      }
      checkWellFormed(key, s);
      return Literals.utf8Length(s);
    }
    if (value instanceof Map<?, ?> m && (kind == Kind.ANY || kind == Kind.CODEC)) {
      return jsonLengthAtLeast(key, m);
    }
    return value instanceof byte[] b ? b.length : -1;
  }

  /**
   * The fewest bytes a map of texts takes as a JSON object ({@code {"k":"v",...}}, with nothing to
   * escape), so a hash too large for Redis is refused before it is encoded; -1 for other maps.
   */
  private long jsonLengthAtLeast(String key, Map<?, ?> m) {
    if (!(codec instanceof JsonCodec)) {
      return -1;
    }
    long n = 1;
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (!(e.getKey() instanceof String k) || !(e.getValue() instanceof String v)) {
        return -1;
      }
      checkWellFormed(key, k);
      checkWellFormed(key, v);
      n += Literals.utf8Length(k) + Literals.utf8Length(v) + 6;
    }
    return m.isEmpty() ? 2 : n;
  }

  /**
   * A value from bytes a store holds: of the declared type, or, untyped, what Redis holds (a
   * String, or a byte[] when the bytes are not UTF-8). Returns the value as an in-process layer
   * keeps it: a mutable value as its bytes, decoded when handed out ({@link Values#copyOut}).
   *
   * @throws ValueCodecException (naming the key) when the bytes are no such value
   */
  public Object decodeStored(String key, byte[] bytes) {
    Object value = decode(key, bytes);
    if (value instanceof byte[]) {
      return new Values.EncodedBytes(bytes);
    }
    if (kind == Kind.CODEC && !Immutables.isImmutable(value.getClass())) {
      return new Values.EncodedValue(bytes, decodeType(value), codec, key);
    }
    return value;
  }

  /** A value from bytes; see {@link #decodeStored}. */
  public Object decode(String key, byte[] bytes) {
    try {
      return switch (kind) {
        case ANY -> {
          String text = strictUtf8(bytes);
          yield text != null ? text : bytes;
        }
        case STRING -> {
          String text = strictUtf8(bytes);
          if (text == null) {
            throw new ValueCodecException("the bytes are not UTF-8 text", null);
          }
          yield text;
        }
        case BYTES -> bytes;
        case LONG -> Long.valueOf(ascii(bytes));
        case INT -> Integer.valueOf(ascii(bytes));
        case SHORT -> Short.valueOf(ascii(bytes));
        case BYTE -> Byte.valueOf(ascii(bytes));
        case BIG_INTEGER -> new BigInteger(ascii(bytes));
        case DOUBLE -> Double.valueOf(ascii(bytes));
        case FLOAT -> Float.valueOf(ascii(bytes));
        case BIG_DECIMAL -> new BigDecimal(ascii(bytes));
        case BOOLEAN -> bool(ascii(bytes));
        case CODEC -> decodeWithCodec(bytes);
      };
    } catch (NumberFormatException e) {
      throw Errors.cannotDecode(key, this, "not a " + raw.getSimpleName() + " in decimal", e);
    } catch (RuntimeException e) {
      throw Errors.cannotDecode(key, this, Errors.problemOf(e), e);
    }
  }

  private Object decodeWithCodec(byte[] bytes) {
    Type t = java.util.Objects.requireNonNull(declared, "declared");
    Object value = codec.decode(bytes, t);
    if (!raw.isInstance(value)) {
      throw new ValueCodecException(
          codec + " returned a " + value.getClass().getName() + " for " + t.getTypeName(), null);
    }
    return value;
  }

  /**
   * The type an in-process copy of a mutable value is decoded as: the declared one, or for an
   * untyped value its own class (a collection: the plain mutable class of its kind, since an
   * immutable or private one cannot be built by the codec).
   */
  Type decodeType(Object value) {
    if (declared != null && kind != Kind.ANY) {
      return declared;
    }
    if (value instanceof Map) {
      return LinkedHashMap.class;
    }
    if (value instanceof List) {
      return ArrayList.class;
    }
    if (value instanceof Set) {
      return LinkedHashSet.class;
    }
    if (value instanceof Collection) {
      return ArrayList.class;
    }
    return value.getClass();
  }

  private static Boolean bool(String text) {
    return switch (text) {
      case "true", "1" -> Boolean.TRUE;
      case "false", "0" -> Boolean.FALSE;
      default -> throw new ValueCodecException("not a boolean (true/false/1/0): " + text, null);
    };
  }

  private static String ascii(byte[] bytes) {
    if (bytes.length > 400) {
      throw new NumberFormatException("too long");
    }
    return new String(bytes, StandardCharsets.US_ASCII);
  }

  /** The text of UTF-8 bytes, or null when they are not UTF-8. */
  static @Nullable String strictUtf8(byte[] bytes) {
    return Literals.isUtf8(bytes) ? new String(bytes, StandardCharsets.UTF_8) : null;
  }

  /**
   * A text's UTF-8, exactly: a text that is no well-formed UTF-16 has none (String.getBytes would
   * write "?" for the unpaired half, silently changing the value), so it is refused.
   */
  private static byte[] utf8(String s) {
    utf8Check(s);
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private void checkWellFormed(String key, String s) {
    try {
      utf8Check(s);
    } catch (IllegalArgumentException e) {
      throw Errors.cannotEncodeValue(key, component, s, e);
    }
  }

  /** The texts of a map or collection (a hash, a list of names) are checked as a String is. */
  private static void checkTexts(Object value) {
    if (value instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        checkText(e.getKey());
        checkText(e.getValue());
      }
    } else if (value instanceof Collection<?> c) {
      for (Object o : c) {
        checkText(o);
      }
    }
  }

  private static void checkText(@Nullable Object o) {
    if (o instanceof String s) {
      utf8Check(s);
    }
  }

  private static void utf8Check(String s) {
    int bad = Literals.unpairedSurrogate(s);
    if (bad >= 0) {
      throw new IllegalArgumentException(
          "the String has an " + Literals.describeUnpaired(s, bad) + ", which UTF-8 cannot hold");
    }
  }

  private static Class<?> rawClass(Type t) {
    if (t instanceof Class<?> c) {
      return c;
    }
    if (t instanceof ParameterizedType p) {
      return rawClass(p.getRawType());
    }
    if (t instanceof GenericArrayType a) {
      return java.lang.reflect.Array.newInstance(rawClass(a.getGenericComponentType()), 0)
          .getClass();
    }
    return Object.class; // a type variable or wildcard: nothing to check
  }

  private static Class<?> box(Class<?> c) {
    if (!c.isPrimitive()) {
      return c;
    }
    if (c == long.class) {
      return Long.class;
    } else if (c == int.class) {
      return Integer.class;
    } else if (c == short.class) {
      return Short.class;
    } else if (c == byte.class) {
      return Byte.class;
    } else if (c == double.class) {
      return Double.class;
    } else if (c == float.class) {
      return Float.class;
    } else if (c == boolean.class) {
      return Boolean.class;
    } else if (c == char.class) {
      return Character.class;
    }
    return Object.class; // void
  }

  @Override
  public String toString() {
    return (component == null ? "(unowned)" : component) + ": " + typeName();
  }
}
