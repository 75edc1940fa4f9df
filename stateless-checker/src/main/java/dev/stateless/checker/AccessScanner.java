package dev.stateless.checker;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import dev.stateless.annotation.CacheAccess;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.CacheManifest;
import dev.stateless.annotation.Lifetime;
import dev.stateless.annotation.Strategy;
import dev.stateless.core.AccessRules;
import dev.stateless.core.Component;
import dev.stateless.core.Diagnostic;
import dev.stateless.core.KeyPattern;
import dev.stateless.core.KeyShape;
import dev.stateless.core.Manifest;
import dev.stateless.core.Operation;
import dev.stateless.core.Rights;
import dev.stateless.core.StatelessException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.PrimitiveType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Types;
import org.jspecify.annotations.Nullable;

/**
 * Checks one top-level class: manifests declared in it, each {@code @CacheAccess} declaration, and
 * every call on the cache API inside code covered by {@code @CacheAccess} (or, in strict mode, any
 * code, as warnings).
 */
final class AccessScanner extends TreePathScanner<Void, Void> {

  /** The rights code runs with. */
  private static final class Context {
    static final Context NONE = new Context(null, false, null);

    /** Null where nothing is checked ({@link #NONE}). */
    final @Nullable Rights rights;

    final boolean advisory;
    final Checker.@Nullable Declared declared;

    Context(@Nullable Rights rights, boolean advisory, Checker.@Nullable Declared declared) {
      this.rights = rights;
      this.advisory = advisory;
      this.declared = declared;
    }

    Manifests.@Nullable Found manifest() {
      return declared == null ? null : declared.manifest;
    }
  }

  /**
   * What a cache value is: a layer view, a component view, a session view, a view with another
   * strategy, or the plain cache.
   */
  private static final class View {
    static final View ROUTED = new View(null, false, null, null, null);

    final @Nullable CacheLayer via;

    /** Whether the {@code layer(..)} call is in the code being checked (which reports SL007). */
    final boolean viaCheckedHere;

    final @Nullable String component;
    final @Nullable Lifetime lifetime;
    final @Nullable Strategy strategy;

    private View(
        @Nullable CacheLayer via,
        boolean viaCheckedHere,
        @Nullable String component,
        @Nullable Lifetime lifetime,
        @Nullable Strategy strategy) {
      this.via = via;
      this.viaCheckedHere = viaCheckedHere;
      this.component = component;
      this.lifetime = lifetime;
      this.strategy = strategy;
    }

    View via(@Nullable CacheLayer layer) {
      return new View(layer, true, component, lifetime, strategy);
    }

    View component(@Nullable String name) {
      return new View(via, viaCheckedHere, name, lifetime, strategy);
    }

    View lifetime(Lifetime l) {
      return new View(via, viaCheckedHere, component, l, strategy);
    }

    View strategy(Strategy s) {
      return new View(via, viaCheckedHere, component, lifetime, s);
    }

    /** The view, seen through a field: its creation may be in code this scan does not check. */
    View throughField() {
      return new View(via, false, component, lifetime, strategy);
    }

    /** The rights calls through this view run with. */
    Rights rights(Rights code) {
      Rights r = lifetime == null ? code : code.withLifetime(lifetime);
      return strategy == null ? r : r.withStrategy(strategy);
    }
  }

  private final Checker checker;
  private final Trees trees;
  private final Reporter reporter;
  private final boolean strict;
  private final ClassFacts facts;
  private final KeyShapes shapes;
  private final Map<Element, View> transactions = new HashMap<>();
  private final Set<Element> viewsFollowed = new HashSet<>();
  private Context context = Context.NONE;

  /** The unit being scanned, set by {@link #scan(TreePath, Void)}. */
  private @Nullable CompilationUnitTree unit;

  AccessScanner(Checker checker, Trees trees, Reporter reporter, boolean strict, ClassFacts facts) {
    this.checker = checker;
    this.trees = trees;
    this.reporter = reporter;
    this.strict = strict;
    this.facts = facts;
    this.shapes = new KeyShapes(trees, facts);
  }

  @Override
  public Void scan(TreePath path, Void p) {
    unit = path.getCompilationUnit();
    return super.scan(path, null);
  }

  @Override
  public Void visitClass(ClassTree node, Void p) {
    Element e = trees.getElement(getCurrentPath());
    if (e instanceof TypeElement typeElement && e.getAnnotation(CacheManifest.class) != null) {
      checker.checkManifest(typeElement);
    }
    return within(e, () -> super.visitClass(node, null));
  }

  @Override
  public Void visitMethod(MethodTree node, Void p) {
    Element e = trees.getElement(getCurrentPath());
    return within(
        e,
        () -> {
          if (e instanceof ExecutableElement method && SpringCacheAnnotations.present(method)) {
            springCaching(method);
          }
          return super.visitMethod(node, null);
        });
  }

  /**
   * Spring's cache annotations on a method with {@code @CacheAccess} rights: each access they make
   * to a component's keys is judged by the method's rights, as the starter judges it at run time; a
   * cache name no component has is SL013.
   */
  private void springCaching(ExecutableElement method) {
    Rights rights = context.rights;
    Manifests.Found manifest = context.manifest();
    if (rights == null || context.advisory || manifest == null) {
      return; // without @CacheAccess the starter judges by the component's own rights
    }
    SpringCacheAnnotations found = SpringCacheAnnotations.of(method, manifest.manifest, shapes);
    for (SpringCacheAnnotations.Unknown u : found.unknown) {
      try {
        manifest.manifest.rightsOf(u.name);
      } catch (StatelessException unknown) {
        for (Diagnostic d : unknown.diagnostics()) {
          reporter.at(d, method, u.annotation, u.at, List.of());
        }
      }
    }
    for (SpringCacheAnnotations.Access a : found.accesses) {
      List<Diagnostic> findings = AccessRules.check(rights, a.operation, a.key, null);
      if (findings.isEmpty()) {
        continue;
      }
      List<Reporter.Place> places =
          new ArrayList<>(checker.componentPlaces(findings.get(0), manifest));
      Checker.Declared declared = context.declared;
      if (declared != null && !declared.element.equals(method)) {
        places.add(
            0,
            new Reporter.Place(
                rights.name() + " declares its rights here",
                declared.element,
                Reporter.mirror(declared.element, Checker.CACHE_ACCESS),
                null));
      }
      for (Diagnostic d : findings) {
        reporter.at(d, method, a.annotation, a.at, places);
      }
    }
  }

  private Void within(@Nullable Element e, Supplier<Void> body) {
    Context outer = context;
    context = contextOf(e, outer);
    try {
      return body.get();
    } finally {
      context = outer;
    }
  }

  private Context contextOf(@Nullable Element e, Context outer) {
    if (e == null) {
      return outer;
    }
    if (Checker.suppressed(e)) {
      return Context.NONE;
    }
    Optional<Checker.Declared> own = checker.declared(e);
    if (own.isPresent()) {
      return checker.checkDeclaration(own.get())
          ? new Context(own.get().rights, false, own.get())
          : Context.NONE;
    }
    if (outer.rights != null || !strict || e.getAnnotation(CacheAccess.class) != null) {
      return outer;
    }
    Manifests.Choice choice = checker.manifests().forCode(e);
    if (!choice.ambiguous.isEmpty()) {
      return outer;
    }
    Rights plain =
        Rights.builder(choice.manifest()).name(Checker.nameOf(e)).actsForAllOwners().build();
    return new Context(plain, true, new Checker.Declared(e, plain, choice.found));
  }

  @Override
  public Void visitMethodInvocation(MethodInvocationTree node, Void p) {
    Rights code = context.rights;
    if (code != null) {
      Element e = trees.getElement(getCurrentPath());
      if (e instanceof ExecutableElement executableElement) {
        check(executableElement, node, code);
      }
    }
    return super.visitMethodInvocation(node, null);
  }

  /** Checks a call in code with the given rights. */
  private void check(ExecutableElement m, MethodInvocationTree node, Rights code) {
    checkCallee(m, node, code);
    String owner = Checker.declaringType(m).getQualifiedName().toString();
    CacheApi.Call call =
        CacheApi.lookup(
            owner,
            m.getSimpleName().toString(),
            m.getParameters().size() < 2
                ? null
                : checker.types().erasure(m.getParameters().get(1).asType()).toString());
    if (call == null) {
      return;
    }
    TreePath path = getCurrentPath();
    View view =
        node.getMethodSelect() instanceof MemberSelectTree
            ? viewOf(child(path, ((MemberSelectTree) node.getMethodSelect()).getExpression()), 0)
            : View.ROUTED;
    Rights rights = view.rights(code);
    List<? extends ExpressionTree> args = node.getArguments();
    CacheLayer via = call.throughView ? view.via : null;
    if (via != null && view.viaCheckedHere && !AccessRules.checkLayerView(rights, via).isEmpty()) {
      via = null; // the layer(..) call reports SL007 once; the key is judged as routed
    }
    if (call.writesValue && args.size() >= 2) {
      value(child(path, args.get(0)), child(path, args.get(1)), rights);
    }
    if (call.operation == Operation.READ
        && m.getSimpleName().contentEquals("get")
        && (owner.equals(CacheApi.CACHE) || owner.equals(CacheApi.SYNC))
        && !args.isEmpty()) {
      readAs(node, path, owner.equals(CacheApi.SYNC), rights);
    }
    switch (call.kind) {
      case KEYED -> {
        for (int i = 0; i < (call.allArguments ? args.size() : Math.min(1, args.size())); i++) {
          keyed(
              rights,
              view,
              Objects.requireNonNull(call.operation, "a KEYED call has one"),
              args.get(i),
              via);
        }
      }
      case SET -> {
        if (!args.isEmpty()) {
          write(rights, view, args.get(0), via, cleanupOf(m, path));
        }
      }
      case SET_WITH_STRATEGY -> {
        if (args.size() == 3) {
          Strategy s = constant(child(path, args.get(2)), Strategy.class);
          if (s != null) {
            report(AccessRules.checkStrategy(rights, s), args.get(2), rights);
          }
          write(rights, view, args.get(0), via, cleanupOf(m, path));
        }
      }
      case INVALIDATE_PATTERN -> {
        if (!args.isEmpty()) {
          invalidatePattern(rights, args.get(0));
        }
      }
      case MSET -> {
        if (args.size() == 1) {
          mset(rights, child(path, args.get(0)), via);
        }
      }
      case BATCH -> {
        if (args.size() == 1 && args.get(0) instanceof LambdaExpressionTree) {
          LambdaExpressionTree lambda = (LambdaExpressionTree) args.get(0);
          if (!lambda.getParameters().isEmpty()) {
            Element tx =
                trees.getElement(child(child(path, lambda), lambda.getParameters().get(0)));
            if (tx != null) {
              transactions.put(tx, view);
            }
          }
        }
      }
      case VIEW_SAME -> {
        if (owner.equals(CacheApi.CACHE) && m.getSimpleName().contentEquals("requestScope")) {
          Boolean closed = scopeClosed(path);
          if (closed != null) {
            report(AccessRules.checkScopeClosed(rights, closed), node, rights);
          }
        }
      }
      case VIEW_LAYER -> {
        if (args.size() == 1) {
          CacheLayer layer = constant(child(path, args.get(0)), CacheLayer.class);
          if (layer != null) {
            report(AccessRules.checkLayerView(rights, layer), args.get(0), rights);
          }
        }
      }
      case VIEW_COMPONENT -> {
        Manifests.Found manifest = context.manifest();
        if (args.size() == 1 && manifest != null) {
          String name = shapes.constant(child(path, args.get(0)));
          if (name != null) {
            try {
              manifest.manifest.rightsOf(name);
            } catch (StatelessException e) {
              report(e.diagnostics(), args.get(0), rights);
            }
          }
        }
      }
      case VIEW_STRATEGY -> {
        if (args.size() == 1) {
          Strategy s = constant(child(path, args.get(0)), Strategy.class);
          if (s != null) {
            report(AccessRules.checkStrategy(rights, s), args.get(0), rights);
          }
        }
      }
      default -> {}
    }
  }

  /** SL008: code of one strategy calling code of a clashing one. */
  private void checkCallee(ExecutableElement callee, MethodInvocationTree node, Rights code) {
    Optional<Checker.Declared> d = checker.declaredFor(callee);
    if (d.isEmpty() || d.get().rights == code) {
      return;
    }
    List<Diagnostic> found = AccessRules.checkCall(code, d.get().rights);
    if (found.isEmpty()) {
      return;
    }
    List<Reporter.Place> places = new ArrayList<>();
    places.add(
        new Reporter.Place(
            d.get().rights.name() + " is " + d.get().rights.strategy() + " here",
            d.get().element,
            Reporter.mirror(d.get().element, Checker.CACHE_ACCESS),
            null));
    emit(found, node.getMethodSelect(), places);
  }

  /** One key argument of a keyed call, judged by the code's rights and a component view's. */
  private void keyed(
      Rights rights, View view, Operation op, ExpressionTree arg, @Nullable CacheLayer via) {
    KeyShape key = keyOf(arg);
    if (key != null) {
      report(findings(rights, view, op, key, via), arg, rights);
    }
  }

  /** The shape of a key argument, or null when the argument is no string (an array of keys). */
  private @Nullable KeyShape keyOf(ExpressionTree arg) {
    TreePath argPath = child(getCurrentPath(), arg);
    return KeyShapes.isString(trees.getTypeMirror(argPath)) ? shapes.of(argPath) : null;
  }

  /**
   * A {@code set}, judged with or without its cleanup. When the {@code CacheWrite} is kept, a
   * cleanup may come later: what only a write without cleanup breaks is then a warning.
   */
  private void write(
      Rights rights,
      View view,
      ExpressionTree arg,
      @Nullable CacheLayer via,
      @Nullable Boolean cleanup) {
    KeyShape key = keyOf(arg);
    if (key == null) {
      return;
    }
    if (cleanup != null) {
      Operation op = cleanup ? Operation.WRITE_WITH_CLEANUP : Operation.WRITE;
      report(findings(rights, view, op, key, via), arg, rights);
      return;
    }
    List<Diagnostic> found = findings(rights, view, Operation.WRITE_WITH_CLEANUP, key, via);
    for (Diagnostic d : findings(rights, view, Operation.WRITE, key, via)) {
      if (found.stream().noneMatch(x -> x.rule() == d.rule())) {
        found.add(d.withSeverity(Diagnostic.Severity.WARNING));
      }
    }
    report(found, arg, rights);
  }

  /** The findings on one key shape: the code's rights, and a component view's. */
  private List<Diagnostic> findings(
      Rights rights, View view, Operation op, KeyShape key, @Nullable CacheLayer via) {
    List<Diagnostic> found = new ArrayList<>(AccessRules.check(rights, op, key, via));
    Manifests.Found manifest = context.manifest();
    if (view.component != null && manifest != null) {
      Manifest m = manifest.manifest;
      if (m.component(view.component).isPresent()) {
        Rights component = view.rights(m.rightsOf(view.component));
        for (Diagnostic d : AccessRules.check(component, op, key, via)) {
          if (found.stream().noneMatch(x -> x.rule() == d.rule())) {
            found.add(d);
          }
        }
      }
    }
    return found;
  }

  /**
   * {@code invalidatePattern}: a constant pattern is parsed (SL012) and its keys judged; a pattern
   * built from parts ({@code "product:" + id + ":*"}) is judged on the keys it can match, as a key
   * built so is.
   */
  private void invalidatePattern(Rights rights, ExpressionTree arg) {
    KeyShape built = shapes.of(child(getCurrentPath(), arg));
    if (!built.isExact()) {
      KeyShape.ofPatternText(built)
          .ifPresent(
              keys ->
                  report(AccessRules.check(rights, Operation.INVALIDATE, keys, null), arg, rights));
      return;
    }
    String text = built.exactKey();
    KeyPattern pattern;
    try {
      pattern = KeyPattern.parse(text);
    } catch (StatelessException e) {
      report(e.diagnostics(), arg, rights);
      return;
    }
    report(
        AccessRules.check(rights, Operation.INVALIDATE, KeyShape.of(pattern), null), arg, rights);
  }

  /** {@code adapter.mset(Map.of(k1, v1, k2, v2))}: each key is written. */
  private void mset(Rights rights, TreePath map, @Nullable CacheLayer via) {
    Tree t = map.getLeaf();
    if (!(t instanceof MethodInvocationTree methodInvocationTree)) {
      return;
    }
    Element e = trees.getElement(map);
    if (!(e instanceof ExecutableElement)
        || !e.getSimpleName().contentEquals("of")
        || !Checker.declaringType(e).getQualifiedName().contentEquals("java.util.Map")) {
      return;
    }
    List<? extends ExpressionTree> args = methodInvocationTree.getArguments();
    for (int i = 0; i < args.size(); i += 2) {
      TreePath key = child(map, args.get(i));
      if (KeyShapes.isString(trees.getTypeMirror(key))) {
        report(
            AccessRules.check(rights, Operation.WRITE, shapes.of(key), via), args.get(i), rights);
      }
      if (i + 1 < args.size()) {
        value(key, child(map, args.get(i + 1)), rights);
      }
    }
  }

  /**
   * SL014: the value written to a key whose one owner declares a {@code @ValueType}. An error when
   * no value of the argument's static type can be of the declared type (a {@code String} for a
   * {@code Long}); a warning, shown in strict mode, when some can and others cannot (an {@code
   * Object}, a type variable, an interface, a supertype): the runtime checks the value itself.
   * Types are compared as the runtime compares them: boxed and erased.
   */
  private void value(TreePath keyArg, TreePath valueArg, Rights rights) {
    Manifests.Found manifest = context.manifest();
    if (manifest == null
        || manifest.valueTypes.isEmpty()
        || !KeyShapes.isString(trees.getTypeMirror(keyArg))) {
      return;
    }
    KeyShape key = shapes.of(keyArg);
    Component owner = soleOwner(manifest.manifest, key);
    TypeMirror declared = owner == null ? null : manifest.valueTypes.get(owner.name());
    TypeMirror actual = trees.getTypeMirror(valueArg);
    if (declared == null || actual == null) {
      return;
    }
    TypeMirror to = runtimeClass(declared);
    TypeMirror from = runtimeClass(actual);
    if (to == null || from == null) {
      return; // null, or a type javac could not resolve (and has reported)
    }
    Types types = checker.types();
    boolean assignable = types.isAssignable(from, to);
    List<Diagnostic> found =
        AccessRules.checkValueType(
            key.toString(), owner, TypeNames.of(actual, checker.elements()), assignable);
    if (!assignable && castable(from, to)) {
      found = found.stream().map(d -> d.withSeverity(Diagnostic.Severity.WARNING)).toList();
    }
    report(found, valueArg.getLeaf(), rights);
  }

  /**
   * SL014 on a read: {@code get(key, Type.class)}, or a cast of a blocking {@code get(key)}, as a
   * type no value of the key's one owner's {@code @ValueType} can be (an error), or only some can
   * (a warning, shown in strict mode).
   */
  private void readAs(MethodInvocationTree node, TreePath path, boolean blocking, Rights rights) {
    Manifests.Found manifest = context.manifest();
    if (manifest == null || manifest.valueTypes.isEmpty()) {
      return;
    }
    List<? extends ExpressionTree> args = node.getArguments();
    TypeMirror asked = null;
    Tree at = null;
    if (args.size() == 2) {
      TypeMirror t = trees.getTypeMirror(child(path, args.get(1)));
      if (t instanceof DeclaredType classType
          && ((TypeElement) classType.asElement())
              .getQualifiedName()
              .contentEquals("java.lang.Class")
          && classType.getTypeArguments().size() == 1) {
        asked = classType.getTypeArguments().get(0);
        at = args.get(1);
      }
    } else if (args.size() == 1 && blocking) {
      TreePath up = enclosingExpression(path.getParentPath());
      if (up.getLeaf() instanceof TypeCastTree cast) {
        asked = trees.getTypeMirror(child(up, cast.getType()));
        at = cast;
      }
    }
    TreePath keyArg = child(path, args.get(0));
    if (asked == null || at == null || !KeyShapes.isString(trees.getTypeMirror(keyArg))) {
      return;
    }
    KeyShape key = shapes.of(keyArg);
    Component owner = soleOwner(manifest.manifest, key);
    TypeMirror declared = owner == null ? null : manifest.valueTypes.get(owner.name());
    TypeMirror from = declared == null ? null : runtimeClass(declared);
    TypeMirror to = runtimeClass(asked);
    if (from == null || to == null) {
      return;
    }
    boolean assignable = checker.types().isAssignable(from, to);
    List<Diagnostic> found =
        AccessRules.checkReadType(
            key.toString(), owner, TypeNames.of(asked, checker.elements()), assignable);
    if (!assignable && castable(from, to)) {
      found = found.stream().map(d -> d.withSeverity(Diagnostic.Severity.WARNING)).toList();
    }
    report(found, at, rights);
  }

  /** The one component owning every key of a shape, or null when there may be none or several. */
  private static @Nullable Component soleOwner(Manifest manifest, KeyShape key) {
    if (key.isExact()) {
      return manifest.ownerOf(key.exactKey()).orElse(null);
    }
    Component sole = null;
    boolean always = false;
    for (Component c : manifest.components()) {
      for (KeyPattern p : c.owns()) {
        if (key.mayMatch(p)) {
          if (sole != null && sole != c) {
            return null;
          }
          sole = c;
          always |= key.alwaysMatches(p);
        }
      }
    }
    return always ? sole : null;
  }

  /**
   * Whether a value of one erased reference type may be of another at run time: whether the cast
   * would compile (JLS 5.5, without type arguments; a sealed hierarchy counts as open).
   */
  private boolean castable(TypeMirror from, TypeMirror to) {
    Types types = checker.types();
    if (types.isAssignable(from, to) || types.isSubtype(to, from)) {
      return true;
    }
    if (from instanceof ArrayType fromArray && to instanceof ArrayType toArray) {
      TypeMirror f = fromArray.getComponentType();
      TypeMirror t = toArray.getComponentType();
      return !f.getKind().isPrimitive() && !t.getKind().isPrimitive() && castable(f, t);
    }
    if (!(from instanceof DeclaredType fromType) || !(to instanceof DeclaredType toType)) {
      return false; // an array and a class that is none of its supertypes
    }
    TypeElement f = (TypeElement) fromType.asElement();
    TypeElement t = (TypeElement) toType.asElement();
    if (f.getKind().isInterface() == t.getKind().isInterface()) {
      return f.getKind().isInterface(); // two classes, neither a subclass of the other: never
    }
    // A class and an interface: a subclass of the class may implement it, unless there is none.
    TypeElement type = f.getKind().isInterface() ? t : f;
    return !type.getModifiers().contains(Modifier.FINAL);
  }

  /** The class a value of a static type has at run time, at most: boxed and erased. */
  private @Nullable TypeMirror runtimeClass(TypeMirror t) {
    Types types = checker.types();
    if (t.getKind().isPrimitive()) {
      return types.boxedClass((PrimitiveType) t).asType();
    }
    return switch (t.getKind()) {
      case DECLARED, ARRAY, TYPEVAR, INTERSECTION -> types.erasure(t);
      default -> null;
    };
  }

  /**
   * Whether the scope a {@code requestScope()} call opens is closed: {@code FALSE} when it
   * certainly is not (dropped, used once in a chain, or held in a local that is never closed and
   * never leaves the method), {@code TRUE} when it is, {@code null} when it is handed to other
   * code.
   */
  private @Nullable Boolean scopeClosed(TreePath call) {
    TreePath parent = call.getParentPath();
    parent = enclosingExpression(parent);
    Tree up = parent.getLeaf();
    if (up instanceof MemberSelectTree memberSelectTree) {
      return memberSelectTree.getIdentifier().contentEquals("close");
    }
    if (up instanceof ExpressionStatementTree) {
      return Boolean.FALSE;
    }
    if (!(up instanceof VariableTree)) {
      return null; // returned, passed on, stored in a field: closed elsewhere, perhaps
    }
    if (parent.getParentPath().getLeaf() instanceof TryTree
        && ((TryTree) parent.getParentPath().getLeaf()).getResources().contains(up)) {
      return Boolean.TRUE;
    }
    Element scope = trees.getElement(parent);
    if (scope == null || scope.getKind() != ElementKind.LOCAL_VARIABLE) {
      return null;
    }
    TreePath body = parent;
    while (body != null
        && !(body.getLeaf() instanceof MethodTree)
        && !(body.getLeaf() instanceof LambdaExpressionTree)) {
      body = body.getParentPath();
    }
    if (body == null) {
      return null;
    }
    ScopeUses uses = new ScopeUses(scope);
    uses.scan(body, null);
    if (uses.closed) {
      return Boolean.TRUE;
    }
    return uses.escapes ? null : Boolean.FALSE;
  }

  /** How a local holding a scope is used: closed, handed on, or only called. */
  private final class ScopeUses extends TreePathScanner<Void, Void> {
    private final Element scope;
    boolean closed;
    boolean escapes;

    ScopeUses(Element scope) {
      this.scope = scope;
    }

    @Override
    public Void visitIdentifier(IdentifierTree node, Void p) {
      if (scope.equals(trees.getElement(getCurrentPath()))) {
        Tree up = getCurrentPath().getParentPath().getLeaf();
        if (up instanceof MemberSelectTree memberSelectTree) {
          closed |= memberSelectTree.getIdentifier().contentEquals("close");
        } else if (up instanceof TryTree) {
          closed = true; // try (scope) { ... }
        } else {
          escapes = true; // an argument, a return, an alias, a try-with-resources on it
        }
      }
      return super.visitIdentifier(node, null);
    }
  }

  /**
   * Whether a {@code set} gets a cleanup: {@code TRUE} when {@code .withCleanup(..)} is chained,
   * {@code FALSE} when its result is dropped or used otherwise, {@code null} when the result is
   * kept (a variable, an argument, a return) and a cleanup may come later.
   */
  private @Nullable Boolean cleanupOf(ExecutableElement set, TreePath path) {
    TypeMirror result = set.getReturnType();
    if (!(result instanceof DeclaredType declaredType)
        || !((TypeElement) declaredType.asElement())
            .getQualifiedName()
            .contentEquals(CacheApi.WRITE_RESULT)) {
      return Boolean.FALSE;
    }
    TreePath parent = path.getParentPath();
    parent = enclosingExpression(parent);
    Tree up = parent.getLeaf();
    if (up instanceof MemberSelectTree memberSelectTree) {
      return memberSelectTree.getIdentifier().contentEquals("withCleanup");
    }
    return switch (up.getKind()) {
      case EXPRESSION_STATEMENT -> Boolean.FALSE;
      default -> null;
    };
  }

  /** Reports findings at a tree (as warnings in code that declared nothing). */
  private void report(List<Diagnostic> found, Tree at, Rights rights) {
    List<Reporter.Place> places = new ArrayList<>();
    if (!found.isEmpty()) {
      Diagnostic first = found.get(0);
      places.addAll(checker.componentPlaces(first, context.manifest()));
      if (context.declared != null && !context.advisory) {
        places.add(
            0,
            new Reporter.Place(
                rights.name() + " declares its rights here",
                context.declared.element,
                Reporter.mirror(context.declared.element, Checker.CACHE_ACCESS),
                null));
      }
    }
    emit(found, at, places);
  }

  private void emit(List<Diagnostic> found, Tree at, List<Reporter.Place> places) {
    for (Diagnostic d : found) {
      if (context.advisory) {
        d = d.withSeverity(Diagnostic.Severity.WARNING);
      }
      reporter.at(d, at, Objects.requireNonNull(unit, "scan(TreePath, Void) sets it"), places);
    }
  }

  /** What cache view an expression is. */
  private View viewOf(TreePath path, int depth) {
    path = KeyShapes.unparenthesized(path);
    Tree t = path.getLeaf();
    if (depth > 8) {
      return View.ROUTED;
    }
    if (t instanceof MethodInvocationTree call) {
      Element e = trees.getElement(path);
      if (!(e instanceof ExecutableElement)
          || !(call.getMethodSelect() instanceof MemberSelectTree)) {
        return View.ROUTED;
      }
      String owner = Checker.declaringType(e).getQualifiedName().toString();
      CacheApi.Call c = CacheApi.lookup(owner, e.getSimpleName().toString());
      if (c == null) {
        return View.ROUTED;
      }
      View base =
          viewOf(
              child(path, ((MemberSelectTree) call.getMethodSelect()).getExpression()), depth + 1);
      if (owner.equals(CacheApi.TRANSACTION)) {
        return base; // tx.set(..) returns the transaction: tx.set(a, x).set(b, y)
      }
      List<? extends ExpressionTree> args = call.getArguments();
      switch (c.kind) {
        case VIEW_LAYER -> {
          return base.via(
              args.size() == 1 ? constant(child(path, args.get(0)), CacheLayer.class) : null);
        }
        case VIEW_COMPONENT -> {
          return base.component(
              args.size() == 1 ? shapes.constant(child(path, args.get(0))) : null);
        }
        case VIEW_SESSION -> {
          return base.lifetime(Lifetime.SESSION);
        }
        case VIEW_STRATEGY -> {
          // A strategy we cannot tell may be REDIS_COMPATIBLE, the one that allows the most.
          Strategy s = args.size() == 1 ? constant(child(path, args.get(0)), Strategy.class) : null;
          return base.strategy(s == null ? Strategy.REDIS_COMPATIBLE : s);
        }
        case VIEW_SAME -> {
          return base;
        }
        default -> {
          return View.ROUTED;
        }
      }
    }
    if (t instanceof NewClassTree n) {
      Element type = trees.getElement(child(path, n.getIdentifier()));
      if (type instanceof TypeElement typeElement
          && typeElement.getQualifiedName().contentEquals(CacheApi.ADAPTER)
          && n.getArguments().size() == 1) {
        return viewOf(child(path, n.getArguments().get(0)), depth + 1);
      }
      return View.ROUTED;
    }
    Element e = trees.getElement(path);
    if (e == null) {
      return View.ROUTED;
    }
    View tx = transactions.get(e);
    if (tx != null) {
      return tx;
    }
    if (e instanceof VariableElement v && viewsFollowed.add(e)) {
      try {
        TreePath init = facts.fixedValue(v);
        View known = init != null ? viewOf(init, depth + 1) : View.ROUTED;
        if (v.getKind() == ElementKind.FIELD) {
          known = known.throughField();
        }
        if (facts.isStrategyChanged(v)) {
          // redis.withStrategy(REDIS_COMPATIBLE) as a statement changes the adapter in place.
          known = known.strategy(Strategy.REDIS_COMPATIBLE);
        }
        return known;
      } finally {
        viewsFollowed.remove(e);
      }
    }
    return View.ROUTED;
  }

  /** The enum constant an expression certainly is, or null. */
  private <E extends Enum<E>> @Nullable E constant(TreePath path, Class<E> type) {
    path = KeyShapes.unparenthesized(path);
    Tree t = path.getLeaf();
    Element e = trees.getElement(path);
    if (e == null || !(e instanceof VariableElement variableElement)) {
      return null;
    }
    if (e.getKind() == ElementKind.ENUM_CONSTANT) {
      TypeElement owner = Checker.declaringType(e);
      if (owner.getQualifiedName().contentEquals(type.getCanonicalName())) {
        for (E known : type.getEnumConstants()) {
          if (e.getSimpleName().contentEquals(known.name())) {
            return known;
          }
        }
      }
      return null; // another enum, or a constant newer than this checker: unknown
    }
    TreePath init = facts.fixedValue(variableElement);
    return init == null || init.getLeaf() == t ? null : constant(init, type);
  }

  /** The path above any parentheses around an expression. */
  private static TreePath enclosingExpression(TreePath path) {
    while (path.getLeaf() instanceof ParenthesizedTree) {
      path = path.getParentPath();
    }
    return path;
  }

  private static TreePath child(TreePath parent, Tree tree) {
    return new TreePath(parent, tree);
  }
}
