package dev.stateless.checker;

import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ModifiersTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.TreeScanner;
import com.sun.source.util.Trees;
import dev.stateless.core.Diagnostic;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic.Kind;
import org.jspecify.annotations.Nullable;

/**
 * Turns core findings into javac diagnostics: the rule's own rendering ({@code error[SL002]: ...},
 * {@code = note:} lines, a {@code help:} line) at the offending position, and a javac note at each
 * other declaration involved, so both places show in the build output and in IDEs.
 */
final class Reporter {

  /** A position in the program, for a note: an element, possibly one annotation value on it. */
  static final class Place {
    final String text;
    final Element element;
    final @Nullable AnnotationMirror annotation;
    final @Nullable AnnotationValue value;

    Place(
        String text,
        Element element,
        @Nullable AnnotationMirror annotation,
        @Nullable AnnotationValue value) {
      this.text = text;
      this.element = element;
      this.annotation = annotation;
      this.value = value;
    }
  }

  /** javac's messager when annotation processing runs; null when started as a plugin only. */
  private final @Nullable Messager messager;

  private final Trees trees;
  private final boolean strict;
  private final Map<Element, TreePath> declarations = new HashMap<>();
  private @Nullable TreePath current;

  Reporter(@Nullable Messager messager, Trees trees, boolean strict) {
    this.messager = messager;
    this.trees = trees;
    this.strict = strict;
  }

  /**
   * The javac kind of a finding: errors are errors; a warning (a key that may break a rule, or a
   * finding in code that declared nothing) shows only in strict mode.
   */
  private @Nullable Kind kindOf(Diagnostic d) {
    if (d.isError()) {
      return Kind.ERROR;
    }
    return strict ? Kind.WARNING : null;
  }

  /** Reports a finding at a tree of the unit being checked (a call's key argument). */
  void at(Diagnostic d, Tree tree, CompilationUnitTree unit, List<Place> related) {
    Kind kind = kindOf(d);
    if (kind == null) {
      return;
    }
    trees.printMessage(kind, withPlaces(d, related).render(), tree, unit);
    notes(related);
  }

  /** Reports a finding at an element, on one of its annotations' values when given. */
  void at(
      Diagnostic d,
      Element element,
      @Nullable AnnotationMirror annotation,
      @Nullable AnnotationValue value,
      List<Place> related) {
    Kind kind = kindOf(d);
    if (kind == null) {
      return;
    }
    print(kind, withPlaces(d, related).render(), element, annotation, value);
    notes(related);
  }

  /**
   * A remark about the checker's setup that leaves some code unchecked: a warning in strict mode, a
   * note otherwise.
   */
  void setup(String message, Element element, @Nullable AnnotationMirror annotation) {
    print(
        strict ? Kind.WARNING : Kind.NOTE,
        (strict ? "warning" : "note") + message,
        element,
        annotation,
        null);
  }

  /** A warning about the checker's own setup, shown in every mode. */
  void warning(String message, Element element, @Nullable AnnotationMirror annotation) {
    print(Kind.WARNING, message, element, annotation, null);
  }

  /**
   * Remembers where the annotated declarations of a top-level class are, while javac still has its
   * trees: javac generates each class right after analyzing it (its default policy), and then
   * {@link Trees#getPath(Element)} no longer finds it, so a note about a manifest or a method of an
   * earlier class would be lost.
   */
  void remember(TreePath topLevelClass) {
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitClass(ClassTree node, Void p) {
        record(node.getModifiers());
        return super.visitClass(node, null);
      }

      @Override
      public Void visitMethod(MethodTree node, Void p) {
        record(node.getModifiers());
        return null; // bodies declare nothing another class can name
      }

      @Override
      public Void visitVariable(VariableTree node, Void p) {
        record(node.getModifiers());
        return null;
      }

      @Override
      public Void visitBlock(BlockTree node, Void p) {
        return null;
      }

      private void record(ModifiersTree modifiers) {
        if (!modifiers.getAnnotations().isEmpty()) {
          Element e = trees.getElement(getCurrentPath());
          if (e != null && hasStatelessAnnotation(e)) {
            declarations.put(e, getCurrentPath());
          }
        }
      }
    }.scan(topLevelClass, null);
  }

  private static boolean hasStatelessAnnotation(Element e) {
    for (AnnotationMirror a : e.getAnnotationMirrors()) {
      TypeElement type = (TypeElement) a.getAnnotationType().asElement();
      if (type.getQualifiedName().toString().startsWith("dev.stateless.annotation.")) {
        return true;
      }
    }
    return false;
  }

  private void notes(List<Place> related) {
    for (Place p : related) {
      if (trees.getPath(p.element) != null) {
        print(Kind.NOTE, p.text, p.element, p.annotation, p.value);
      } else {
        TreePath declaration = declarations.get(p.element);
        if (declaration != null) {
          trees.printMessage(
              Kind.NOTE,
              p.text,
              within(declaration, p.annotation, p.value),
              declaration.getCompilationUnit());
        }
      }
    }
  }

  /** The tree of an annotation value (or annotation) in a remembered declaration. */
  private Tree within(
      TreePath declaration, @Nullable AnnotationMirror a, @Nullable AnnotationValue v) {
    Tree d = declaration.getLeaf();
    ModifiersTree modifiers =
        d instanceof VariableTree variableTree
            ? variableTree.getModifiers()
            : d instanceof MethodTree methodTree
                ? methodTree.getModifiers()
                : ((ClassTree) d).getModifiers();
    if (a == null) {
      return d;
    }
    Element type = a.getAnnotationType().asElement();
    for (AnnotationTree at : modifiers.getAnnotations()) {
      TreePath path = new TreePath(new TreePath(declaration, modifiers), at);
      if (!type.equals(trees.getElement(new TreePath(path, at.getAnnotationType())))) {
        continue;
      }
      Tree value = v == null ? null : valueTree(at, String.valueOf(textOf(v)));
      return value == null ? at : value;
    }
    return d;
  }

  /** The literal or constant in an annotation as written whose text is {@code text}. */
  private static @Nullable Tree valueTree(AnnotationTree annotation, String text) {
    @Nullable Tree[] found = new Tree[1];
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitLiteral(LiteralTree node, Void p) {
        if (found[0] == null && text.equals(String.valueOf(node.getValue()))) {
          found[0] = node;
        }
        return null;
      }

      @Override
      public Void visitMemberSelect(MemberSelectTree node, Void p) {
        if (found[0] == null && node.getIdentifier().contentEquals(text)) {
          found[0] = node;
        }
        return null;
      }

      @Override
      public Void visitIdentifier(IdentifierTree node, Void p) {
        if (found[0] == null && node.getName().contentEquals(text)) {
          found[0] = node;
        }
        return null;
      }
    }.scan(annotation.getArguments(), null);
    return found[0];
  }

  private static Object textOf(AnnotationValue v) {
    Object o = v.getValue();
    return o instanceof Element element ? element.getSimpleName() : o;
  }

  private void print(
      Kind kind,
      String message,
      Element e,
      @Nullable AnnotationMirror a,
      @Nullable AnnotationValue v) {
    if (messager != null) {
      if (a == null) {
        messager.printMessage(kind, message, e);
      } else if (v == null) {
        messager.printMessage(kind, message, e, a);
      } else {
        messager.printMessage(kind, message, e, a, v);
      }
      return;
    }
    // Started as a javac plugin, without annotation processing: positions come from the trees.
    TreePath declaration = trees.getPath(e);
    if (declaration == null) {
      declaration = declarations.get(e);
    }
    if (declaration == null) {
      declaration = current;
      message = message + " (" + e + ")";
    }
    if (declaration != null) {
      trees.printMessage(
          kind, message, within(declaration, a, v), declaration.getCompilationUnit());
    }
  }

  /** The class being checked: where a message about an element without source is printed. */
  void checking(TreePath topLevelClass) {
    current = topLevelClass;
  }

  private Diagnostic withPlaces(Diagnostic d, List<Place> related) {
    List<String> notes = new ArrayList<>();
    for (Place p : related) {
      notes.add(p.text + " (" + where(p.element) + ")");
    }
    return d.withNotes(notes);
  }

  /** {@code AppCache.java:12} for source, the class's name for a class file. */
  String where(Element e) {
    TreePath path = trees.getPath(e);
    if (path == null) {
      path = declarations.get(e);
    }
    if (path == null) {
      Element type = e;
      while (type != null && !(type instanceof TypeElement)) {
        type = type.getEnclosingElement();
      }
      return type == null ? e.toString() : ((TypeElement) type).getQualifiedName() + ".class";
    }
    CompilationUnitTree unit = path.getCompilationUnit();
    long pos = trees.getSourcePositions().getStartPosition(unit, path.getLeaf());
    String file = unit.getSourceFile().getName();
    file = file.substring(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
    return pos < 0 ? file : file + ":" + unit.getLineMap().getLineNumber(pos);
  }

  /** The annotation of a type on an element, or null. */
  static @Nullable AnnotationMirror mirror(Element e, String annotationType) {
    for (AnnotationMirror a : e.getAnnotationMirrors()) {
      if (((TypeElement) a.getAnnotationType().asElement())
          .getQualifiedName()
          .contentEquals(annotationType)) {
        return a;
      }
    }
    return null;
  }

  /**
   * The value, in an annotation as written, that is (or whose array holds) the given constant: a
   * pattern's text, a component's name, an enum constant's name.
   */
  static @Nullable AnnotationValue valueOf(@Nullable AnnotationMirror a, @Nullable String text) {
    if (a == null || text == null) {
      return null;
    }
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e :
        a.getElementValues().entrySet()) {
      AnnotationValue found = find(e.getValue(), text);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  private static @Nullable AnnotationValue find(AnnotationValue v, String text) {
    Object o = v.getValue();
    if (o instanceof List) {
      for (Object item : (List<?>) o) {
        if (item instanceof AnnotationValue annotationValue) {
          AnnotationValue found = find(annotationValue, text);
          if (found != null) {
            return found;
          }
        }
      }
      return null;
    }
    String s =
        o instanceof Element element ? element.getSimpleName().toString() : String.valueOf(o);
    return s.equals(text) ? v : null;
  }

  /** The value of a named member of an annotation as written, or null. */
  static @Nullable AnnotationValue member(@Nullable AnnotationMirror a, String name) {
    if (a == null) {
      return null;
    }
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e :
        a.getElementValues().entrySet()) {
      if (e.getKey().getSimpleName().contentEquals(name)) {
        return e.getValue();
      }
    }
    return null;
  }
}
