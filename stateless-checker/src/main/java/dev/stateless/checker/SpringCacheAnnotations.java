package dev.stateless.checker;

import dev.stateless.core.Component;
import dev.stateless.core.ComponentKeys;
import dev.stateless.core.KeyPattern;
import dev.stateless.core.KeyShape;
import dev.stateless.core.Manifest;
import dev.stateless.core.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import org.jspecify.annotations.Nullable;

/**
 * Spring's cache annotations on a method, recognised by name (the checker needs no Spring on its
 * class path): {@code @Cacheable}, {@code @CachePut} and {@code @CacheEvict} naming a component are
 * the reads, writes and deletes the Spring Boot starter makes of that component's keys, mapped by
 * core's {@link ComponentKeys} as the starter maps them. A {@code @Cacheable} writes on a miss, so
 * it is judged as the write; {@code @CacheEvict(allEntries = true)} drops every pattern the
 * component owns.
 */
final class SpringCacheAnnotations {
  private static final String PACKAGE = "org.springframework.cache.annotation.";

  /** One judged access: what it does, to which keys, and where it is written. */
  static final class Access {
    final Operation operation;
    final KeyShape key;
    final AnnotationMirror annotation;
    final @Nullable AnnotationValue at;

    Access(
        Operation operation,
        KeyShape key,
        AnnotationMirror annotation,
        @Nullable AnnotationValue at) {
      this.operation = operation;
      this.key = key;
      this.annotation = annotation;
      this.at = at;
    }
  }

  /** A cache name the manifest has no component for: where it is written. */
  static final class Unknown {
    final String name;
    final AnnotationMirror annotation;
    final @Nullable AnnotationValue at;

    Unknown(String name, AnnotationMirror annotation, @Nullable AnnotationValue at) {
      this.name = name;
      this.annotation = annotation;
      this.at = at;
    }
  }

  final List<Access> accesses = new ArrayList<>();
  final List<Unknown> unknown = new ArrayList<>();

  private SpringCacheAnnotations() {}

  /** Whether a method carries any of the three annotations (a quick test before reading them). */
  static boolean present(ExecutableElement method) {
    for (AnnotationMirror a : method.getAnnotationMirrors()) {
      if (operationOf(a) != null) {
        return true;
      }
    }
    return false;
  }

  /** The accesses a method's annotations make, against a manifest. */
  static SpringCacheAnnotations of(ExecutableElement method, Manifest manifest, KeyShapes shapes) {
    SpringCacheAnnotations out = new SpringCacheAnnotations();
    for (AnnotationMirror a : method.getAnnotationMirrors()) {
      Operation op = operationOf(a);
      if (op == null) {
        continue;
      }
      KeyShape text = keyText(a, method, shapes);
      boolean allEntries = Boolean.TRUE.equals(valueOf(a, "allEntries"));
      for (AnnotationValue nameValue : names(a)) {
        String name = String.valueOf(nameValue.getValue());
        Component c = manifest.component(name).orElse(null);
        if (c == null) {
          out.unknown.add(new Unknown(name, a, nameValue));
          continue;
        }
        if (op == Operation.DELETE && allEntries) {
          for (KeyPattern p : c.owns()) {
            out.accesses.add(new Access(Operation.INVALIDATE, KeyShape.of(p), a, nameValue));
          }
        } else {
          out.accesses.add(new Access(op, ComponentKeys.of(c).shapeOf(text), a, nameValue));
        }
      }
    }
    return out;
  }

  private static @Nullable Operation operationOf(AnnotationMirror a) {
    String name = ((TypeElement) a.getAnnotationType().asElement()).getQualifiedName().toString();
    if (!name.startsWith(PACKAGE)) {
      return null;
    }
    return switch (name.substring(PACKAGE.length())) {
      case "Cacheable", "CachePut" -> Operation.WRITE;
      case "CacheEvict" -> Operation.DELETE;
      default -> null;
    };
  }

  /** The cache names, as written: {@code value} and {@code cacheNames} (aliases in Spring). */
  private static List<AnnotationValue> names(AnnotationMirror a) {
    List<AnnotationValue> out = new ArrayList<>();
    for (String member : new String[] {"value", "cacheNames"}) {
      Object v = valueOf(a, member);
      if (v instanceof List<?> list) {
        for (Object item : list) {
          if (item instanceof AnnotationValue value && value.getValue() instanceof String) {
            out.add(value);
          }
        }
      }
    }
    return out;
  }

  private static @Nullable Object valueOf(AnnotationMirror a, String member) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e :
        a.getElementValues().entrySet()) {
      if (e.getKey().getSimpleName().contentEquals(member)) {
        return e.getValue().getValue();
      }
    }
    return null;
  }

  /**
   * The text of the cache key: a SpEL {@code key} the checker can read (a parameter, {@code #p0} /
   * {@code #a0}, quoted literals joined by {@code +} after a leading literal), else, without a key
   * or key generator, what the starter's key generator makes of the arguments (the one argument, or
   * all joined by {@code :}); anything else is any text.
   */
  private static KeyShape keyText(AnnotationMirror a, ExecutableElement method, KeyShapes shapes) {
    Object key = valueOf(a, "key");
    Object generator = valueOf(a, "keyGenerator");
    List<? extends VariableElement> params = method.getParameters();
    if (key instanceof String spel && !spel.isBlank()) {
      return spel(spel.trim(), params, shapes);
    }
    if (generator instanceof String g && !g.isBlank() && !g.equals("statelessKeyGenerator")) {
      return KeyShape.unknown();
    }
    if (params.isEmpty()) {
      return KeyShape.exact("");
    }
    KeyShape out = null;
    for (VariableElement p : params) {
      KeyShape one = shapes.holeFor(p.asType());
      out = out == null ? one : out.concat(KeyShape.exact(":")).concat(one);
    }
    return Objects.requireNonNull(out, "the method has parameters");
  }

  private static KeyShape spel(
      String spel, List<? extends VariableElement> params, KeyShapes shapes) {
    List<String> tokens = new ArrayList<>();
    int at = 0;
    while (at < spel.length()) {
      char c = spel.charAt(at);
      if (c == ' ') {
        at++;
      } else if (c == '+') {
        tokens.add("+");
        at++;
      } else if (c == '\'') {
        StringBuilder literal = new StringBuilder("'");
        at++;
        while (true) {
          if (at >= spel.length()) {
            return KeyShape.unknown();
          }
          char d = spel.charAt(at++);
          if (d == '\'') {
            if (at < spel.length() && spel.charAt(at) == '\'') {
              literal.append('\'');
              at++;
              continue;
            }
            break;
          }
          literal.append(d);
        }
        tokens.add(literal.toString());
      } else if (c == '#') {
        int end = at + 1;
        while (end < spel.length() && Character.isJavaIdentifierPart(spel.charAt(end))) {
          end++;
        }
        tokens.add(spel.substring(at, end));
        at = end;
      } else {
        return KeyShape.unknown(); // method calls, properties, arithmetic: not read here
      }
    }
    // operands at even places, + between; several operands only after a leading literal, so that
    // + is concatenation and not a sum of numbers
    if (tokens.isEmpty() || tokens.size() % 2 == 0) {
      return KeyShape.unknown();
    }
    if (tokens.size() > 1 && !tokens.get(0).startsWith("'")) {
      return KeyShape.unknown();
    }
    KeyShape out = KeyShape.exact("");
    for (int i = 0; i < tokens.size(); i++) {
      String t = tokens.get(i);
      if (i % 2 == 1) {
        if (!t.equals("+")) {
          return KeyShape.unknown();
        }
        continue;
      }
      if (t.startsWith("'")) {
        out = out.concat(KeyShape.exact(t.substring(1)));
        continue;
      }
      VariableElement p = parameter(t.substring(1), params);
      if (p == null) {
        return KeyShape.unknown();
      }
      out = out.concat(shapes.holeFor(p.asType()));
    }
    return out;
  }

  private static @Nullable VariableElement parameter(
      String name, List<? extends VariableElement> params) {
    for (VariableElement p : params) {
      if (p.getSimpleName().contentEquals(name)) {
        return p;
      }
    }
    if (name.length() > 1 && (name.charAt(0) == 'p' || name.charAt(0) == 'a')) {
      try {
        int i = Integer.parseInt(name.substring(1));
        return i >= 0 && i < params.size() ? params.get(i) : null;
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }
}
