package dev.stateless.checker;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import dev.stateless.annotation.CacheLayer;
import dev.stateless.annotation.Lifetime;
import dev.stateless.annotation.Strategy;
import dev.stateless.core.AccessRules;
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
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * Checks one top-level class: manifests declared in it, each {@code @CacheAccess} declaration, and
 * every call on the cache API inside code covered by {@code @CacheAccess} (or, in strict mode, any
 * code, as warnings).
 */
final class AccessScanner extends TreePathScanner<Void, Void> {

  /** The rights code runs with. */
  private static final class Context {
    static final Context NONE = new Context(null, false, null);

    final Rights rights;
    final boolean advisory;
    final Checker.Declared declared;

    Context(Rights rights, boolean advisory, Checker.Declared declared) {
      this.rights = rights;
      this.advisory = advisory;
      this.declared = declared;
    }

    Manifests.Found manifest() {
      return declared == null ? null : declared.manifest;
    }
  }

  /** What a cache value is: a layer view, a component view, a session view, or the plain cache. */
  private static final class View {
    static final View ROUTED = new View(null, null, null);

    final CacheLayer via;
    final String component;
    final Lifetime lifetime;

    View(CacheLayer via, String component, Lifetime lifetime) {
      this.via = via;
      this.component = component;
      this.lifetime = lifetime;
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
  private CompilationUnitTree unit;

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
    return super.scan(path, p);
  }

  @Override
  public Void visitClass(ClassTree node, Void p) {
    Element e = trees.getElement(getCurrentPath());
    if (e instanceof TypeElement
        && e.getAnnotation(dev.stateless.annotation.CacheManifest.class) != null) {
      checker.checkManifest((TypeElement) e);
    }
    return within(e, () -> super.visitClass(node, p));
  }

  @Override
  public Void visitMethod(MethodTree node, Void p) {
    return within(trees.getElement(getCurrentPath()), () -> super.visitMethod(node, p));
  }

  private Void within(Element e, java.util.function.Supplier<Void> body) {
    Context outer = context;
    context = contextOf(e, outer);
    try {
      return body.get();
    } finally {
      context = outer;
    }
  }

  private Context contextOf(Element e, Context outer) {
    if (e == null) {
      return outer;
    }
    Optional<Checker.Declared> own = checker.declared(e);
    if (own.isPresent()) {
      checker.checkDeclaration(own.get());
      return new Context(own.get().rights, false, own.get());
    }
    if (outer.rights != null
        || !strict
        || e.getAnnotation(dev.stateless.annotation.CacheAccess.class) != null) {
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
    if (context.rights != null) {
      Element e = trees.getElement(getCurrentPath());
      if (e instanceof ExecutableElement) {
        check((ExecutableElement) e, node);
      }
    }
    return super.visitMethodInvocation(node, p);
  }

  private void check(ExecutableElement m, MethodInvocationTree node) {
    checkCallee(m, node);
    String owner = ((TypeElement) m.getEnclosingElement()).getQualifiedName().toString();
    CacheApi.Call call = CacheApi.lookup(owner, m.getSimpleName().toString());
    if (call == null) {
      return;
    }
    TreePath path = getCurrentPath();
    View view =
        node.getMethodSelect() instanceof MemberSelectTree
            ? viewOf(child(path, ((MemberSelectTree) node.getMethodSelect()).getExpression()), 0)
            : View.ROUTED;
    Rights rights =
        view.lifetime == null ? context.rights : context.rights.withLifetime(view.lifetime);
    List<? extends ExpressionTree> args = node.getArguments();
    CacheLayer via = call.throughView ? view.via : null;
    switch (call.kind) {
      case KEYED:
        for (int i = 0; i < (call.allArguments ? args.size() : Math.min(1, args.size())); i++) {
          keyed(rights, view, call.operation, args.get(i), via, false);
        }
        break;
      case SET:
        if (!args.isEmpty()) {
          Boolean cleanup = cleanupOf(m, path);
          if (cleanup == null) {
            // The result is kept: a cleanup may be chained later, so only SL010 is uncertain.
            keyed(rights, view, Operation.WRITE_WITH_CLEANUP, args.get(0), via, false);
            if (wouldBeSl010(rights, args.get(0), via)) {
              keyed(rights, view, Operation.WRITE, args.get(0), via, true);
            }
          } else {
            keyed(
                rights,
                view,
                cleanup ? Operation.WRITE_WITH_CLEANUP : Operation.WRITE,
                args.get(0),
                via,
                false);
          }
        }
        break;
      case SET_WITH_STRATEGY:
        if (args.size() == 3) {
          Strategy s = constant(child(path, args.get(2)), Strategy.class);
          if (s != null) {
            report(AccessRules.checkStrategy(rights, s), args.get(2), rights, false);
          }
          keyed(rights, view, Operation.WRITE, args.get(0), via, false);
        }
        break;
      case INVALIDATE_PATTERN:
        if (!args.isEmpty()) {
          invalidatePattern(rights, args.get(0));
        }
        break;
      case MSET:
        if (args.size() == 1) {
          mset(rights, view, child(path, args.get(0)), via);
        }
        break;
      case BATCH:
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
        break;
      case VIEW_LAYER:
        if (args.size() == 1) {
          CacheLayer layer = constant(child(path, args.get(0)), CacheLayer.class);
          if (layer != null) {
            report(AccessRules.checkLayerView(rights, layer), args.get(0), rights, false);
          }
        }
        break;
      case VIEW_COMPONENT:
        if (args.size() == 1 && context.manifest() != null) {
          String name = shapes.constant(child(path, args.get(0)));
          if (name != null) {
            try {
              context.manifest().manifest.rightsOf(name);
            } catch (StatelessException e) {
              report(e.diagnostics(), args.get(0), rights, false);
            }
          }
        }
        break;
      case VIEW_STRATEGY:
        if (args.size() == 1) {
          Strategy s = constant(child(path, args.get(0)), Strategy.class);
          if (s != null) {
            report(AccessRules.checkStrategy(rights, s), args.get(0), rights, false);
          }
        }
        break;
      default:
        break;
    }
  }

  /**
   * Whether a plain write of this key (no cleanup) breaks SL010. Asked with the key's own shape:
   * asked with {@code KeyShape.unknown()}, core judges a key that may be anyone's against every
   * owner in the manifest, which was half the checker's time on a 1,000-class project.
   */
  private boolean wouldBeSl010(Rights rights, ExpressionTree key, CacheLayer via) {
    TreePath keyPath = child(getCurrentPath(), key);
    KeyShape shape =
        isString(trees.getTypeMirror(keyPath)) ? shapes.of(keyPath) : KeyShape.unknown();
    List<Diagnostic> plain = AccessRules.check(rights, Operation.WRITE, shape, via);
    return !plain.isEmpty() && plain.get(0).rule() == dev.stateless.core.Code.SL010;
  }

  /** SL008: code of one strategy calling code of a clashing one. */
  private void checkCallee(ExecutableElement callee, MethodInvocationTree node) {
    Optional<Checker.Declared> d = checker.declaredFor(callee);
    if (d.isEmpty() || d.get().rights == context.rights) {
      return;
    }
    List<Diagnostic> found = AccessRules.checkCall(context.rights, d.get().rights);
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
    emit(found, node.getMethodSelect(), places, false);
  }

  /** One key argument of a keyed call, judged by the code's rights and a component view's. */
  private void keyed(
      Rights rights,
      View view,
      Operation op,
      ExpressionTree arg,
      CacheLayer via,
      boolean uncertain) {
    TreePath argPath = child(getCurrentPath(), arg);
    if (!isString(trees.getTypeMirror(argPath))) {
      return;
    }
    KeyShape key = shapes.of(argPath);
    List<Diagnostic> found = new ArrayList<>(AccessRules.check(rights, op, key, via));
    if (view.component != null && context.manifest() != null) {
      Manifest m = context.manifest().manifest;
      if (m.component(view.component).isPresent()) {
        Rights component = m.rightsOf(view.component);
        if (view.lifetime != null) {
          component = component.withLifetime(view.lifetime);
        }
        for (Diagnostic d : AccessRules.check(component, op, key, via)) {
          if (found.stream().noneMatch(x -> x.rule() == d.rule())) {
            found.add(d);
          }
        }
      }
    }
    report(found, arg, rights, uncertain);
  }

  private void invalidatePattern(Rights rights, ExpressionTree arg) {
    String text = shapes.constant(child(getCurrentPath(), arg));
    if (text == null) {
      return;
    }
    KeyPattern pattern;
    try {
      pattern = KeyPattern.parse(text);
    } catch (StatelessException e) {
      report(e.diagnostics(), arg, rights, false);
      return;
    }
    report(
        AccessRules.check(rights, Operation.INVALIDATE, KeyShape.of(pattern), null),
        arg,
        rights,
        false);
  }

  /** {@code adapter.mset(Map.of(k1, v1, k2, v2))}: each key is written. */
  private void mset(Rights rights, View view, TreePath map, CacheLayer via) {
    Tree t = map.getLeaf();
    if (!(t instanceof MethodInvocationTree)) {
      return;
    }
    Element e = trees.getElement(map);
    if (!(e instanceof ExecutableElement)
        || !e.getSimpleName().contentEquals("of")
        || !((TypeElement) e.getEnclosingElement())
            .getQualifiedName()
            .contentEquals("java.util.Map")) {
      return;
    }
    List<? extends ExpressionTree> args = ((MethodInvocationTree) t).getArguments();
    for (int i = 0; i < args.size(); i += 2) {
      TreePath key = child(map, args.get(i));
      if (isString(trees.getTypeMirror(key))) {
        report(
            AccessRules.check(rights, Operation.WRITE, shapes.of(key), via),
            args.get(i),
            rights,
            false);
      }
    }
  }

  /**
   * Whether a {@code set} gets a cleanup: {@code TRUE} when {@code .withCleanup(..)} is chained,
   * {@code FALSE} when its result is dropped or used otherwise, {@code null} when the result is
   * kept (a variable, an argument, a return) and a cleanup may come later.
   */
  private Boolean cleanupOf(ExecutableElement set, TreePath path) {
    TypeMirror result = set.getReturnType();
    if (!(result instanceof DeclaredType)
        || !((TypeElement) ((DeclaredType) result).asElement())
            .getQualifiedName()
            .contentEquals(CacheApi.WRITE_RESULT)) {
      return Boolean.FALSE;
    }
    TreePath parent = path.getParentPath();
    while (parent.getLeaf() instanceof ParenthesizedTree) {
      parent = parent.getParentPath();
    }
    Tree up = parent.getLeaf();
    if (up instanceof MemberSelectTree) {
      return ((MemberSelectTree) up).getIdentifier().contentEquals("withCleanup");
    }
    switch (up.getKind()) {
      case EXPRESSION_STATEMENT:
        return Boolean.FALSE;
      default:
        return null;
    }
  }

  /**
   * Reports findings at a tree: warnings for code that declared nothing or keys we are unsure of.
   */
  private void report(List<Diagnostic> found, Tree at, Rights rights, boolean uncertain) {
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
    emit(found, at, places, uncertain);
  }

  private void emit(
      List<Diagnostic> found, Tree at, List<Reporter.Place> places, boolean uncertain) {
    for (Diagnostic d : found) {
      if (context.advisory || (uncertain && d.isError())) {
        d = d.withSeverity(Diagnostic.Severity.WARNING);
      }
      reporter.at(d, at, unit, places);
    }
  }

  /** What cache view an expression is. */
  private View viewOf(TreePath path, int depth) {
    Tree t = path.getLeaf();
    while (t instanceof ParenthesizedTree) {
      path = child(path, ((ParenthesizedTree) t).getExpression());
      t = path.getLeaf();
    }
    if (depth > 8) {
      return View.ROUTED;
    }
    if (t instanceof MethodInvocationTree) {
      MethodInvocationTree call = (MethodInvocationTree) t;
      Element e = trees.getElement(path);
      if (!(e instanceof ExecutableElement)
          || !(call.getMethodSelect() instanceof MemberSelectTree)) {
        return View.ROUTED;
      }
      String owner = ((TypeElement) e.getEnclosingElement()).getQualifiedName().toString();
      CacheApi.Call c = CacheApi.lookup(owner, e.getSimpleName().toString());
      if (c == null) {
        return View.ROUTED;
      }
      View base =
          viewOf(
              child(path, ((MemberSelectTree) call.getMethodSelect()).getExpression()), depth + 1);
      List<? extends ExpressionTree> args = call.getArguments();
      switch (c.kind) {
        case VIEW_LAYER:
          return new View(
              args.size() == 1 ? constant(child(path, args.get(0)), CacheLayer.class) : null,
              base.component,
              base.lifetime);
        case VIEW_COMPONENT:
          return new View(
              base.via,
              args.size() == 1 ? shapes.constant(child(path, args.get(0))) : null,
              base.lifetime);
        case VIEW_SESSION:
          return new View(base.via, base.component, Lifetime.SESSION);
        case VIEW_SAME:
        case VIEW_STRATEGY:
          return base;
        default:
          return View.ROUTED;
      }
    }
    if (t instanceof NewClassTree) {
      NewClassTree n = (NewClassTree) t;
      Element type = trees.getElement(child(path, n.getIdentifier()));
      if (type instanceof TypeElement
          && ((TypeElement) type).getQualifiedName().contentEquals(CacheApi.ADAPTER)
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
    if (e instanceof VariableElement && viewsFollowed.add(e)) {
      try {
        VariableElement v = (VariableElement) e;
        TreePath init = facts.initializer(v);
        boolean fixed =
            v.getKind() == ElementKind.FIELD
                ? v.getModifiers().contains(Modifier.FINAL)
                : !facts.isReassigned(v);
        if (init != null && fixed) {
          return viewOf(init, depth + 1);
        }
      } finally {
        viewsFollowed.remove(e);
      }
    }
    return View.ROUTED;
  }

  /** The enum constant an expression certainly is, or null. */
  private <E extends Enum<E>> E constant(TreePath path, Class<E> type) {
    Tree t = path.getLeaf();
    while (t instanceof ParenthesizedTree) {
      path = child(path, ((ParenthesizedTree) t).getExpression());
      t = path.getLeaf();
    }
    Element e = trees.getElement(path);
    if (e == null || !(e instanceof VariableElement)) {
      return null;
    }
    if (e.getKind() == ElementKind.ENUM_CONSTANT) {
      TypeElement owner = (TypeElement) e.getEnclosingElement();
      if (owner.getQualifiedName().contentEquals(type.getCanonicalName())) {
        return Enum.valueOf(type, e.getSimpleName().toString());
      }
      return null;
    }
    VariableElement v = (VariableElement) e;
    TreePath init = facts.initializer(v);
    boolean fixed =
        v.getKind() == ElementKind.FIELD
            ? v.getModifiers().contains(Modifier.FINAL)
            : !facts.isReassigned(v);
    if (init != null && fixed && init.getLeaf() != t) {
      return constant(init, type);
    }
    return null;
  }

  private static boolean isString(TypeMirror t) {
    return t != null
        && t.getKind() == TypeKind.DECLARED
        && ((TypeElement) ((DeclaredType) t).asElement())
            .getQualifiedName()
            .contentEquals("java.lang.String");
  }

  private static TreePath child(TreePath parent, Tree tree) {
    return new TreePath(parent, tree);
  }
}
