package dev.stateless.checker;

import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TaskEvent;
import com.sun.source.util.TaskListener;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import com.sun.source.util.Trees;
import dev.stateless.annotation.CacheAccess;
import dev.stateless.core.AccessRules;
import dev.stateless.core.Code;
import dev.stateless.core.Diagnostic;
import dev.stateless.core.Rights;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.stream.Collectors;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import org.jspecify.annotations.Nullable;

/**
 * The checker's state for one compilation: the manifests, the rights of each {@code @CacheAccess}
 * element, and the listener that checks each top-level class once javac has analyzed it (so every
 * finding is reported once, and findings of all classes come out in one build).
 */
final class Checker implements TaskListener {
  static final String CACHE_ACCESS = "dev.stateless.annotation.CacheAccess";
  static final String CACHE_MANIFEST = "dev.stateless.annotation.CacheManifest";
  static final String SUPPRESSION = "stateless";

  /** The rights an element declares, with the manifest they are judged against. */
  static final class Declared {
    final Element element;
    final Rights rights;

    /** The manifest the rights were built against; null when none was found for the code. */
    final Manifests.@Nullable Found manifest;

    Declared(Element element, Rights rights, Manifests.@Nullable Found manifest) {
      this.element = element;
      this.rights = rights;
      this.manifest = manifest;
    }
  }

  /** One checker per compilation, whether the plugin or the processor starts first. */
  private static final Map<JavacTask, Checker> BY_TASK = new WeakHashMap<>();

  /** The checker last attached on this thread, for a processor that cannot reach javac's task. */
  private static final ThreadLocal<WeakReference<Checker>> LAST = new ThreadLocal<>();

  private final Trees trees;
  private final Elements elements;
  private final Types types;
  private final List<CompilationUnitTree> entered = new ArrayList<>();
  private CheckerOptions options = CheckerOptions.of(Map.of());
  private @Nullable Messager messager;
  private boolean configuredByProcessor;

  /** Set when analysis starts ({@link #start()}), with the reporter. */
  private @Nullable Manifests manifests;

  private @Nullable Reporter reporter;
  private final Map<Element, Optional<Declared>> declared = new HashMap<>();
  private final Set<String> validated = new HashSet<>();
  private final Set<String> ambiguityReported = new HashSet<>();
  private boolean done;
  private boolean optionsReported;

  private Checker(Trees trees, Elements elements, Types types) {
    this.trees = trees;
    this.elements = elements;
    this.types = types;
  }

  /** The checker of a compilation, listening to it from the first call on. */
  static synchronized Checker attach(JavacTask task) {
    Checker c = BY_TASK.get(task);
    if (c == null) {
      c = new Checker(Trees.instance(task), task.getElements(), task.getTypes());
      task.addTaskListener(c);
      BY_TASK.put(task, c);
    }
    LAST.set(new WeakReference<>(c));
    return c;
  }

  /** The checker of the compilation running on this thread, if one was attached, else null. */
  static synchronized @Nullable Checker current() {
    WeakReference<Checker> ref = LAST.get();
    Checker c = ref == null ? null : ref.get();
    return c == null || c.done ? null : c;
  }

  /** The processor's options and messager; they win over a plugin's arguments. */
  synchronized void configure(
      @Nullable Messager messager, CheckerOptions options, boolean byProcessor) {
    if (manifests != null || (configuredByProcessor && !byProcessor)) {
      return; // analysis has begun, or the processor already said
    }
    if (messager != null) {
      this.messager = messager;
    }
    this.options = options;
    this.configuredByProcessor |= byProcessor;
  }

  private void start() {
    if (manifests == null) {
      manifests = new Manifests(elements, trees, messager, options);
      entered.forEach(manifests::addUnit);
      entered.clear();
      reporter = new Reporter(messager, trees, options.strict);
    }
  }

  @Override
  public void finished(TaskEvent e) {
    if (e.getKind() == TaskEvent.Kind.COMPILATION) {
      done = true;
      return;
    }
    if (e.getKind() == TaskEvent.Kind.ENTER && e.getCompilationUnit() != null) {
      if (manifests == null) {
        entered.add(e.getCompilationUnit());
      } else {
        manifests.addUnit(e.getCompilationUnit());
      }
      return;
    }
    if (e.getKind() != TaskEvent.Kind.ANALYZE || e.getTypeElement() == null) {
      return;
    }
    start();
    if (!optionsReported) {
      optionsReported = true;
      reportOptionErrors(e.getCompilationUnit());
    }
    TreePath path = topLevelPath(e.getCompilationUnit(), e.getTypeElement());
    if (path == null || (!options.strict && !mentionsStateless(path.getLeaf()))) {
      return; // outside strict mode, only code under stateless's annotations is checked
    }
    Reporter reporter = reporter();
    try {
      reporter.checking(path);
      reporter.remember(path);
      new AccessScanner(this, trees, reporter, options.strict, ClassFacts.of(path, trees))
          .scan(path, null);
    } catch (RuntimeException | StackOverflowError bug) {
      // A checker bug must not take javac down with it, nor pass unseen.
      reporter.warning(
          "warning: stateless-checker failed on "
              + e.getTypeElement().getQualifiedName()
              + ", which is not checked: "
              + bug
              + "\n  = help: please report this with the class's source; the runtime still"
              + " enforces every rule",
          e.getTypeElement(),
          null);
    }
  }

  /**
   * Reports, once, the options that name nothing: an unknown plugin argument (SL012) and a {@code
   * stateless.manifest} naming no manifest (SL013), even where no code uses a manifest. The
   * processor prints the latter through its messager; a plugin has no place but the first unit.
   */
  private void reportOptionErrors(CompilationUnitTree unit) {
    List<String> errors = new ArrayList<>();
    for (String arg : options.unknown) {
      errors.add(
          "error["
              + Code.SL012
              + "]: unknown stateless-checker option \""
              + arg
              + "\"\n  = help: the options are "
              + CheckerOptions.STRICT
              + " and "
              + CheckerOptions.MANIFEST
              + "=<class>[,<class>], as in -Xplugin:\"stateless "
              + CheckerOptions.STRICT
              + "\"");
    }
    if (!options.manifests.isEmpty()) {
      manifests().named();
      errors.addAll(manifests().optionErrors());
    }
    for (String error : errors) {
      trees.printMessage(javax.tools.Diagnostic.Kind.ERROR, error, unit, unit);
    }
  }

  /**
   * Whether a class (its members, local and anonymous classes included) carries
   * {@code @CacheAccess} or {@code @CacheManifest} anywhere, judged by the names as written: a walk
   * with no symbol lookups, so the classes of a project that have none cost next to nothing.
   */
  private static boolean mentionsStateless(Tree topLevelClass) {
    boolean[] found = {false};
    new TreeScanner<Void, Void>() {
      @Override
      public @Nullable Void scan(@Nullable Tree tree, @Nullable Void p) {
        return found[0] ? null : super.scan(tree, null); // the first one answers
      }

      @Override
      public @Nullable Void visitAnnotation(AnnotationTree node, @Nullable Void p) {
        // the name as written, simple or qualified: its last identifier, with no printing
        Tree type = node.getAnnotationType();
        CharSequence name =
            type instanceof MemberSelectTree select
                ? select.getIdentifier()
                : type instanceof IdentifierTree ident ? ident.getName() : "";
        String text = name.toString();
        found[0] |= text.equals("CacheAccess") || text.equals("CacheManifest");
        return null;
      }
    }.scan(topLevelClass, null);
    return found[0];
  }

  /**
   * The path of a top-level class of the unit, or null. Built from the unit's declarations: {@code
   * Trees.getPath(Element)} searches the whole unit, once per class, and {@code getTree} looks the
   * class up.
   */
  private @Nullable TreePath topLevelPath(@Nullable CompilationUnitTree unit, TypeElement type) {
    if (unit == null) {
      return null;
    }
    // The top-level classes of a unit have distinct simple names: no lookup of the element's tree.
    for (Tree t : unit.getTypeDecls()) {
      if (t instanceof ClassTree c && c.getSimpleName().contentEquals(type.getSimpleName())) {
        return new TreePath(new TreePath(unit), t);
      }
    }
    return null;
  }

  Elements elements() {
    return elements;
  }

  Types types() {
    return types;
  }

  /** The manifests: nothing asks before analysis has started ({@link #start()}). */
  Manifests manifests() {
    return Objects.requireNonNull(manifests, "analysis has not started");
  }

  private Reporter reporter() {
    return Objects.requireNonNull(reporter, "analysis has not started");
  }

  /** The type declaring a member (a method, constructor, field or enum constant). */
  static TypeElement declaringType(Element member) {
    return (TypeElement)
        Objects.requireNonNull(member.getEnclosingElement(), "a member has an enclosing type");
  }

  /**
   * Whether the element or one enclosing it carries {@code @SuppressWarnings("stateless")}: code
   * that breaks a rule on purpose (a demonstration, a test of the runtime's refusals) opts out of
   * the checker there.
   */
  static boolean suppressed(Element e) {
    for (@Nullable Element at = e; at != null; at = at.getEnclosingElement()) {
      SuppressWarnings s = at.getAnnotation(SuppressWarnings.class);
      if (s != null && Arrays.asList(s.value()).contains(SUPPRESSION)) {
        return true;
      }
      if (at.getKind() == ElementKind.PACKAGE) {
        break;
      }
    }
    return false;
  }

  /** Applies the manifest rules to a manifest class being compiled, once. */
  void checkManifest(TypeElement type) {
    if (!validated.add(type.getQualifiedName().toString()) || suppressed(type)) {
      return;
    }
    Manifests.Found f = manifests().read(type);
    if (f.unreadable != null) {
      reportUnreadable(type, f.unreadable);
      return;
    }
    for (Diagnostic d : f.manifest.validate()) {
      List<String> components = d.components();
      VariableElement field = components.isEmpty() ? null : f.fields.get(components.get(0));
      String text = d.patterns().isEmpty() ? null : d.patterns().get(0);
      List<Reporter.Place> related = new ArrayList<>();
      for (int i = 1; i < components.size(); i++) {
        VariableElement other = f.fields.get(components.get(i));
        if (other == null) {
          continue;
        }
        String otherPattern = i < d.patterns().size() ? d.patterns().get(i) : null;
        AnnotationMirror a = annotationHolding(other, otherPattern, d.rule());
        related.add(
            new Reporter.Place(
                noteFor(d.rule(), components.get(i)), other, a, Reporter.valueOf(a, otherPattern)));
      }
      if (field == null) {
        AnnotationMirror a = Reporter.mirror(type, CACHE_MANIFEST);
        reporter().at(d, type, a, Reporter.member(a, "layers"), related);
      } else {
        AnnotationMirror a = annotationHolding(field, text, d.rule());
        reporter().at(d, field, a, Reporter.valueOf(a, text), related);
      }
    }
  }

  private static String noteFor(Code rule, String component) {
    String q = "\"" + component + "\"";
    return switch (rule) {
      case SL001 -> q + " is declared here";
      case SL006 -> q + " is part of the cycle";
      default -> "component " + q + " is declared here";
    };
  }

  /** The component annotation on a field that holds a text, or the one a rule is about. */
  private static @Nullable AnnotationMirror annotationHolding(
      VariableElement field, @Nullable String text, Code rule) {
    String[] order =
        switch (rule) {
          case SL006 -> new String[] {"Invalidates"};
          case SL014 -> new String[] {"ValueType"};
          case SL007, SL008 -> new String[] {"UseStrategy", "Layer"};
          default ->
              new String[] {
                "Owns", "Borrows", "Invalidates", "Prefetch", "MaxSize", "Ttl", "Streaming"
              };
        };
    AnnotationMirror first = null;
    for (String simple : order) {
      AnnotationMirror a = Reporter.mirror(field, "dev.stateless.annotation." + simple);
      if (a == null) {
        continue;
      }
      if (first == null) {
        first = a;
      }
      if (text == null || Reporter.valueOf(a, text) != null) {
        return a;
      }
    }
    return first;
  }

  /**
   * The rights an element's own {@code @CacheAccess} declares, checked once (SL005, SL007, SL008,
   * SL012, SL013 on the annotation); empty when it has none or its manifest is ambiguous.
   */
  Optional<Declared> declared(Element e) {
    Optional<Declared> known = declared.get(e);
    if (known != null) {
      return known;
    }
    Optional<Declared> d = Optional.empty();
    CacheAccess ca = e.getAnnotation(CacheAccess.class);
    if (ca != null) {
      Manifests.Choice choice = manifests().forCode(e);
      if (!choice.ambiguous.isEmpty()) {
        reportAmbiguous(e, choice);
      } else if (choice.unreadable != null) {
        reportUnreadable(e, choice.unreadable);
      } else {
        try {
          d = Optional.of(new Declared(e, rightsOf(e, ca, choice), choice.found));
        } catch (EnumConstantNotPresentException newer) {
          reportUnreadable(e, newer.toString());
        }
      }
    }
    declared.put(e, d);
    return d;
  }

  /**
   * The rights an annotation declares. Without a manifest (none is found for this package, or a
   * dependency's manifest is on the class path elsewhere) only what needs no manifest is judged: a
   * follows cannot be resolved, and a key nobody is known to own may be someone's.
   */
  private Rights rightsOf(Element e, CacheAccess ca, Manifests.Choice choice) {
    Rights.Builder b = Rights.builder(choice.manifest()).name(nameOf(e)).access(ca);
    if (choice.found == null) {
      return b.follows("").unownedKeysAllowed(true).build();
    }
    return b.build();
  }

  /** The rights of code in an element: its own {@code @CacheAccess}, else its nearest type's. */
  Optional<Declared> declaredFor(Element e) {
    for (Element at = e; at != null; at = at.getEnclosingElement()) {
      if (at.getKind() == ElementKind.PACKAGE || at.getKind() == ElementKind.MODULE) {
        break;
      }
      Optional<Declared> d = declared(at);
      if (d.isPresent()) {
        return d;
      }
    }
    return Optional.empty();
  }

  /**
   * Reports the findings on an element's own declaration, where the element is being compiled.
   *
   * @return whether the declaration is sound enough to judge the body by (no SL012 / SL013 error:
   *     calls judged by a misspelt declaration would only repeat its error)
   */
  boolean checkDeclaration(Declared d) {
    AnnotationMirror a = Reporter.mirror(d.element, CACHE_ACCESS);
    boolean sound = true;
    for (Diagnostic finding : AccessRules.checkDeclaration(d.rights)) {
      sound &=
          !(finding.isError() && (finding.rule() == Code.SL012 || finding.rule() == Code.SL013));
      AnnotationValue v;
      switch (finding.rule()) {
        case SL013 -> v = Reporter.member(a, "follows");
        case SL007, SL008 -> {
          v = Reporter.member(a, "strategy");
          if (v == null) {
            v = Reporter.member(a, "follows");
          }
        }
        default ->
            v =
                Reporter.valueOf(
                    a, finding.patterns().isEmpty() ? null : finding.patterns().get(0));
      }
      reporter().at(finding, d.element, a, v, componentPlaces(finding, d.manifest));
    }
    return sound;
  }

  /** Notes at the manifest fields of the components a finding names. */
  List<Reporter.Place> componentPlaces(Diagnostic d, Manifests.@Nullable Found manifest) {
    List<Reporter.Place> out = new ArrayList<>();
    if (manifest == null) {
      return out;
    }
    for (String c : d.components()) {
      VariableElement field = manifest.fields.get(c);
      if (field != null) {
        out.add(new Reporter.Place("component \"" + c + "\" is declared here", field, null, null));
      }
    }
    return out;
  }

  private void reportUnreadable(Element e, String why) {
    reporter()
        .warning(
            "warning[SL013]: "
                + nameOf(e)
                + " is not checked: its @CacheAccess or its manifest uses a value this stateless-checker"
                + " does not know ("
                + why
                + ")\n  = help: use the same version of stateless-checker as of stateless-annotations",
            e,
            Reporter.mirror(e, CACHE_ACCESS));
  }

  private void reportAmbiguous(Element e, Manifests.Choice choice) {
    String pkg = elements.getPackageOf(e).getQualifiedName().toString();
    if (!ambiguityReported.add(pkg)) {
      return;
    }
    String names =
        choice.ambiguous.stream()
            .map(f -> f.type.getQualifiedName().toString())
            .collect(Collectors.joining(", "));
    // Not a warning by default: the code may well be right, and -Werror builds must not break.
    reporter()
        .setup(
            "[SL013]: cannot tell which manifest applies to "
                + nameOf(e)
                + ": "
                + names
                + " are equally near; its @CacheAccess is not checked"
                + "\n  = help: pass -A"
                + CheckerOptions.MANIFEST
                + "=<the manifest's class name>, or move the manifest into an enclosing package",
            e,
            Reporter.mirror(e, CACHE_ACCESS));
  }

  /** {@code UserService.update} for a method, {@code UserService} for a type. */
  static String nameOf(Element e) {
    if (e instanceof TypeElement) {
      return e.getSimpleName().toString();
    }
    Element type = e.getEnclosingElement();
    return (type == null ? "" : type.getSimpleName() + ".") + e.getSimpleName();
  }
}
