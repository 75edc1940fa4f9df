package dev.stateless.checker;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import dev.stateless.annotation.CacheManifest;
import dev.stateless.core.Component;
import dev.stateless.core.Manifest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.tools.Diagnostic;
import org.jspecify.annotations.Nullable;

/**
 * Finds the manifest that applies to a piece of code and reads manifests from their annotations, in
 * source or in class files (the annotations are runtime-retained, so a dependency's jar carries
 * them).
 *
 * <p>Candidates are the {@code @CacheManifest} classes being compiled and those in the code's own
 * package and its enclosing packages on the class path; {@code -Astateless.manifest} replaces the
 * search. The nearest candidate by package wins; when one manifest is all there is, it applies
 * everywhere.
 */
final class Manifests {
  private static final String VALUE_TYPE = "dev.stateless.annotation.ValueType";

  /**
   * A manifest with the fields its components were read from and, for each component with a
   * {@code @ValueType}, the type it declares.
   */
  static final class Found {
    final TypeElement type;
    final Manifest manifest;
    final Map<String, VariableElement> fields;
    final Map<String, TypeMirror> valueTypes;
    final @Nullable String unreadable;

    private Found(
        TypeElement type,
        Manifest manifest,
        Map<String, VariableElement> fields,
        Map<String, TypeMirror> valueTypes,
        @Nullable String why) {
      this.type = type;
      this.manifest = manifest;
      this.fields = fields;
      this.valueTypes = valueTypes;
      this.unreadable = why;
    }

    String packageName(Elements elements) {
      return elements.getPackageOf(type).getQualifiedName().toString();
    }
  }

  /**
   * What applies to some code: one manifest, none at all, several equally near, or one this checker
   * cannot read (its annotations hold values newer than the checker's).
   */
  static final class Choice {
    static final Choice NONE = new Choice(null, List.of(), null);

    final @Nullable Found found;
    final List<Found> ambiguous;
    final @Nullable String unreadable;

    private Choice(@Nullable Found found, List<Found> ambiguous, @Nullable String unreadable) {
      this.found = found;
      this.ambiguous = ambiguous;
      this.unreadable = unreadable;
    }

    Manifest manifest() {
      return found == null ? Manifest.empty() : found.manifest;
    }
  }

  private final Elements elements;
  private final Trees trees;
  private final List<CompilationUnitTree> units = new ArrayList<>();

  /** javac's messager when annotation processing runs; null when started as a plugin only. */
  private final @Nullable Messager messager;

  private final List<String> optionErrors = new ArrayList<>();

  private final CheckerOptions options;
  private final Set<String> sources = new LinkedHashSet<>();
  private final Map<String, Found> read = new HashMap<>();
  private final Map<String, List<Found>> inPackage = new HashMap<>();
  private final Map<String, Choice> choices = new HashMap<>();
  private @Nullable List<Found> named;

  Manifests(Elements elements, Trees trees, @Nullable Messager messager, CheckerOptions options) {
    this.elements = elements;
    this.trees = trees;
    this.messager = messager;
    this.options = options;
  }

  /** A compilation unit javac has entered: its manifests are found when first needed. */
  void addUnit(CompilationUnitTree unit) {
    units.add(unit);
  }

  List<Found> sources() {
    for (CompilationUnitTree unit : units) {
      new TreePathScanner<Void, Void>() {
        @Override
        public Void visitClass(ClassTree node, Void p) {
          Element e = trees.getElement(getCurrentPath());
          if (e instanceof TypeElement typeElement
              && e.getAnnotation(CacheManifest.class) != null) {
            sources.add(typeElement.getQualifiedName().toString());
          }
          for (Tree member : node.getMembers()) {
            if (member instanceof ClassTree) {
              // scan(Tree) restores the current path afterwards; scan(TreePath) would leave it
              // null for the next member class.
              scan(member, null);
            }
          }
          return null; // no class declared in a method body can be a manifest code names
        }
      }.scan(new TreePath(unit), null);
    }
    units.clear();
    List<Found> out = new ArrayList<>();
    for (String name : sources) {
      TypeElement t = elements.getTypeElement(name);
      if (t != null) {
        out.add(read(t));
      }
    }
    return out;
  }

  /** Reads a {@code @CacheManifest} type into the core model, once. */
  Found read(TypeElement type) {
    return read.computeIfAbsent(type.getQualifiedName().toString(), n -> readNow(type));
  }

  private Found readNow(TypeElement type) {
    try {
      return readAnnotations(type);
    } catch (EnumConstantNotPresentException newer) {
      return new Found(type, Manifest.empty(), Map.of(), Map.of(), newer.toString());
    }
  }

  private Found readAnnotations(TypeElement type) {
    CacheManifest annotation = type.getAnnotation(CacheManifest.class);
    Manifest.Builder b =
        Manifest.builder(type.getSimpleName().toString()).layers(annotation.layers());
    Map<String, VariableElement> fields = new LinkedHashMap<>();
    Map<String, TypeMirror> valueTypes = new HashMap<>();
    for (Element e : type.getEnclosedElements()) {
      if (e.getKind() != ElementKind.FIELD) {
        continue;
      }
      String name = e.getSimpleName().toString();
      TypeMirror valueType = declaredValueType((VariableElement) e);
      Component.fromAnnotations(
              name,
              e::getAnnotation,
              valueType == null ? null : TypeNames.of(valueType, elements),
              null)
          .ifPresent(
              c -> {
                b.component(c);
                if (fields.putIfAbsent(name, (VariableElement) e) == null && valueType != null) {
                  valueTypes.put(name, valueType);
                }
              });
    }
    return new Found(type, b.build(), fields, Map.copyOf(valueTypes), null);
  }

  /**
   * The type a field's {@code @ValueType} declares: its class, or for {@code void.class} (the
   * default) the field's own type; null without the annotation. Read from the annotation's mirror:
   * {@code getAnnotation(ValueType.class).value()} has no class to give at compile time.
   */
  private static @Nullable TypeMirror declaredValueType(VariableElement field) {
    AnnotationMirror a = Reporter.mirror(field, VALUE_TYPE);
    if (a == null) {
      return null;
    }
    AnnotationValue value = Reporter.member(a, "value");
    if (value == null) {
      return field.asType();
    }
    if (!(value.getValue() instanceof TypeMirror named)) {
      return null; // a class javac could not resolve, and has reported
    }
    return named.getKind() == TypeKind.VOID ? field.asType() : named;
  }

  /** The manifest for code declared in the element's package. */
  Choice forCode(Element code) {
    String pkg = elements.getPackageOf(code).getQualifiedName().toString();
    return choices.computeIfAbsent(pkg, this::choose);
  }

  private Choice choose(String pkg) {
    List<Found> pool = new ArrayList<>();
    if (!options.manifests.isEmpty()) {
      pool.addAll(named());
    } else {
      pool.addAll(sources());
      for (String p = pkg; ; p = parent(p)) {
        for (Found f : discovered(p)) {
          if (!pool.contains(f)) {
            pool.add(f);
          }
        }
        if (p.isEmpty()) {
          break;
        }
      }
    }
    if (pool.isEmpty()) {
      return Choice.NONE;
    }
    List<Found> nearest = new ArrayList<>();
    int best = -1;
    for (Found f : pool) {
      String fp = f.packageName(elements);
      if (!(pkg.equals(fp) || fp.isEmpty() || pkg.startsWith(fp + "."))) {
        continue;
      }
      if (fp.length() > best) {
        nearest.clear();
        best = fp.length();
      }
      if (fp.length() == best) {
        nearest.add(f);
      }
    }
    if (nearest.isEmpty()) {
      if (pool.size() > 1) {
        return Choice.NONE; // none is near: judged by what needs no manifest
      }
      nearest = pool;
    }
    if (nearest.size() > 1) {
      return new Choice(null, List.copyOf(nearest), null);
    }
    Found f = nearest.get(0);
    return f.unreadable == null
        ? new Choice(f, List.of(), null)
        : new Choice(null, List.of(), f.unreadable);
  }

  private static String parent(String pkg) {
    int dot = pkg.lastIndexOf('.');
    return dot < 0 ? "" : pkg.substring(0, dot);
  }

  /** The manifests declared directly in a package, from source or from the class path. */
  private List<Found> discovered(String pkg) {
    return inPackage.computeIfAbsent(
        pkg,
        p -> {
          PackageElement pe = elements.getPackageElement(p);
          List<Found> out = new ArrayList<>();
          if (pe == null) {
            return out;
          }
          for (Element e : pe.getEnclosedElements()) {
            if (e instanceof TypeElement typeElement
                && e.getAnnotation(CacheManifest.class) != null) {
              out.add(read(typeElement));
            }
          }
          return out;
        });
  }

  /**
   * The manifests the {@code stateless.manifest} option names; a bad name is reported once, at
   * first use: through the processor's messager, or, started as a plugin only, left in {@link
   * #optionErrors()} for the checker to print.
   */
  List<Found> named() {
    if (named == null) {
      named = new ArrayList<>();
      for (String name : options.manifests) {
        TypeElement t = elements.getTypeElement(name);
        if (t == null || t.getAnnotation(CacheManifest.class) == null) {
          String message =
              "error[SL013]: the option "
                  + CheckerOptions.MANIFEST
                  + " names "
                  + name
                  + ", which is "
                  + (t == null ? "not on the class path" : "not annotated with @CacheManifest")
                  + "\n  = help: give the fully qualified name of the @CacheManifest class, or"
                  + " drop the option to find manifests by package";
          if (messager != null) {
            messager.printMessage(Diagnostic.Kind.ERROR, message);
          } else {
            optionErrors.add(message);
          }
        } else {
          named.add(read(t));
        }
      }
    }
    return named;
  }

  /** The option errors {@link #named()} found and could not print; cleared as they are taken. */
  List<String> optionErrors() {
    List<String> out = List.copyOf(optionErrors);
    optionErrors.clear();
    return out;
  }
}
