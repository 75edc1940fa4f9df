package dev.stateless.checker;

import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.TypeVariable;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.Elements;

/**
 * Spells a compile-time type as {@link java.lang.reflect.Type#getTypeName()} spells the same type
 * at run time, so that the checker's components name their value types as the runtime's do: binary
 * names ({@code com.shop.Outer$Product}), primitives as written ({@code long}), arrays with {@code
 * []}, type arguments joined by {@code ", "} ({@code java.util.Map<java.lang.String,
 * java.lang.Long>}), and no type annotations.
 */
final class TypeNames {
  private TypeNames() {}

  /** The reflective spelling of a type. */
  static String of(TypeMirror type, Elements elements) {
    return switch (type.getKind()) {
      case BOOLEAN, BYTE, SHORT, INT, LONG, CHAR, FLOAT, DOUBLE, VOID ->
          type.getKind().name().toLowerCase(Locale.ROOT);
      case ARRAY -> of(((ArrayType) type).getComponentType(), elements) + "[]";
      case DECLARED -> declared((DeclaredType) type, elements);
      case TYPEVAR -> ((TypeVariable) type).asElement().getSimpleName().toString();
      case WILDCARD -> wildcard((WildcardType) type, elements);
      default -> type.toString(); // error, intersection, union: no field's declared type
    };
  }

  private static String declared(DeclaredType type, Elements elements) {
    TypeElement element = (TypeElement) type.asElement();
    StringBuilder out = new StringBuilder();
    TypeMirror enclosing = type.getEnclosingType();
    if (enclosing instanceof DeclaredType owner && !owner.getTypeArguments().isEmpty()) {
      // An inner class of a generic class: reflection spells the parameterized owner, then $.
      out.append(declared(owner, elements)).append('$').append(element.getSimpleName());
    } else {
      out.append(elements.getBinaryName(element));
    }
    List<? extends TypeMirror> arguments = type.getTypeArguments();
    if (!arguments.isEmpty()) {
      StringJoiner joined = new StringJoiner(", ", "<", ">");
      for (TypeMirror argument : arguments) {
        joined.add(of(argument, elements));
      }
      out.append(joined);
    }
    return out.toString();
  }

  private static String wildcard(WildcardType type, Elements elements) {
    TypeMirror lower = type.getSuperBound();
    if (lower != null) {
      return "? super " + of(lower, elements);
    }
    TypeMirror upper = type.getExtendsBound();
    String bound = upper == null ? "java.lang.Object" : of(upper, elements);
    return bound.equals("java.lang.Object") ? "?" : "? extends " + bound;
  }
}
