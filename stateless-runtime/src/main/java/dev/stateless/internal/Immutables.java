package dev.stateless.internal;

import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * Which values need no copy to be stored by value: instances of a class no caller can change.
 * Decided once per class: {@code String}, the boxed primitives, {@code BigInteger} and {@code
 * BigDecimal} (exactly those classes: subclasses can be mutable), enums, {@code UUID}, the final
 * value types of {@code java.time}, and records whose components are all of such types (declared
 * types, so a {@code List} or a type variable component makes a record mutable). Everything else,
 * {@code byte[]} and collections included, is copied.
 */
final class Immutables {
  private Immutables() {}

  private static final Set<Class<?>> KNOWN =
      Set.of(
          String.class,
          Long.class,
          Integer.class,
          Short.class,
          Byte.class,
          Character.class,
          Boolean.class,
          Double.class,
          Float.class,
          BigInteger.class,
          BigDecimal.class,
          UUID.class);

  private static final ClassValue<Boolean> IMMUTABLE =
      new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
          return decide(type, new HashSet<>());
        }
      };

  /** Whether instances of a class can be shared: no caller can change one. */
  static boolean isImmutable(Class<?> type) {
    return IMMUTABLE.get(type);
  }

  private static boolean decide(Class<?> type, Set<Class<?>> seen) {
    if (type.isPrimitive() || KNOWN.contains(type) || Enum.class.isAssignableFrom(type)) {
      return true; // an enum, or one of its constants with a body
    }
    if ("java.time".equals(type.getPackageName())) {
      return Modifier.isFinal(type.getModifiers()); // Instant, LocalDate, Duration, ZoneOffset...
    }
    if (!type.isRecord() || !seen.add(type)) {
      return false; // a cycle of records: not proven
    }
    for (RecordComponent c : type.getRecordComponents()) {
      if (!(c.getGenericType() instanceof Class<?> ct)) {
        return false; // a type variable or a parameterized type (a List<..>)
      }
      if (!decide(ct, seen)) {
        return false;
      }
    }
    return true;
  }
}
