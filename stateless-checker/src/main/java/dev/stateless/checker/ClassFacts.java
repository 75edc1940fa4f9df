package dev.stateless.checker;

import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;
import org.jspecify.annotations.Nullable;

/**
 * What one pass over a top-level class learns for the key evaluator: each variable's initializer,
 * the variables assigned after their declaration (so not effectively final), and each method's body
 * with its return statements.
 */
final class ClassFacts {
  private final Map<Element, TreePath> initializers = new HashMap<>();
  private final Set<Element> reassigned = new HashSet<>();
  private final Map<Element, List<TreePath>> fieldAssignments = new HashMap<>();
  private final Set<Element> strategyChanged = new HashSet<>();
  private final Map<Element, List<TreePath>> returns = new HashMap<>();

  /** Both set until the first question, then dropped. */
  private @Nullable TreePath unlearned;

  private @Nullable Trees trees;

  private ClassFacts(TreePath topLevelClass, Trees trees) {
    this.unlearned = topLevelClass;
    this.trees = trees;
  }

  /** The facts of a top-level class, learned on the first question (most classes ask none). */
  static ClassFacts of(TreePath topLevelClass, Trees trees) {
    return new ClassFacts(topLevelClass, trees);
  }

  private ClassFacts learned() {
    TreePath path = unlearned;
    Trees t = trees;
    if (path != null && t != null) {
      unlearned = null;
      trees = null;
      learn(path, t, this);
    }
    return this;
  }

  private static void learn(TreePath topLevelClass, Trees trees, ClassFacts facts) {
    new TreePathScanner<Void, Element>() {
      @Override
      public Void visitVariable(VariableTree node, Element method) {
        if (node.getInitializer() != null) {
          Element v = trees.getElement(getCurrentPath());
          if (v != null) {
            facts.initializers.put(v, new TreePath(getCurrentPath(), node.getInitializer()));
          }
        }
        return super.visitVariable(node, method);
      }

      @Override
      public Void visitMethod(MethodTree node, Element method) {
        Element m = trees.getElement(getCurrentPath());
        if (m != null) {
          facts.returns.put(m, new ArrayList<>());
        }
        return super.visitMethod(node, m);
      }

      @Override
      public Void visitLambdaExpression(LambdaExpressionTree node, Element method) {
        return super.visitLambdaExpression(node, null); // its returns are the lambda's
      }

      @Override
      public Void visitClass(ClassTree node, Element method) {
        return super.visitClass(node, null);
      }

      @Override
      public Void visitReturn(ReturnTree node, Element method) {
        if (method != null && node.getExpression() != null) {
          // visitMethod registered every method it passes on
          Objects.requireNonNull(facts.returns.get(method))
              .add(new TreePath(getCurrentPath(), node.getExpression()));
        }
        return super.visitReturn(node, method);
      }

      @Override
      public Void visitAssignment(AssignmentTree node, Element method) {
        Element v = assigned(node.getVariable());
        if (v != null && v.getKind() == ElementKind.FIELD) {
          facts
              .fieldAssignments
              .computeIfAbsent(v, k -> new ArrayList<>())
              .add(new TreePath(getCurrentPath(), node.getExpression()));
        }
        return super.visitAssignment(node, method);
      }

      @Override
      public Void visitMethodInvocation(MethodInvocationTree node, Element method) {
        // RedisAdapter.withStrategy(..) changes the adapter itself, wherever it is called (a
        // cache's withStrategy returns a new view instead).
        if (node.getMethodSelect() instanceof MemberSelectTree && node.getArguments().size() == 1) {
          MemberSelectTree select = (MemberSelectTree) node.getMethodSelect();
          TreePath receiver =
              new TreePath(new TreePath(getCurrentPath(), select), select.getExpression());
          Element v = trees.getElement(receiver);
          if (select.getIdentifier().contentEquals("withStrategy")
              && v instanceof VariableElement
              && isAdapter(trees.getTypeMirror(receiver))
              && mayBeRedisCompatible(
                  trees.getElement(new TreePath(getCurrentPath(), node.getArguments().get(0))))) {
            facts.strategyChanged.add(v);
          }
        }
        return super.visitMethodInvocation(node, method);
      }

      @Override
      public Void visitCompoundAssignment(CompoundAssignmentTree node, Element method) {
        assigned(node.getVariable());
        return super.visitCompoundAssignment(node, method);
      }

      @Override
      public Void visitUnary(UnaryTree node, Element method) {
        switch (node.getKind()) {
          case PREFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_INCREMENT, POSTFIX_DECREMENT ->
              assigned(node.getExpression());
          default -> {}
        }
        return super.visitUnary(node, method);
      }

      private @Nullable Element assigned(ExpressionTree target) {
        Element v = trees.getElement(new TreePath(getCurrentPath(), target));
        if (v != null) {
          facts.reassigned.add(v);
        }
        return v;
      }
    }.scan(topLevelClass, null);
  }

  private static boolean isAdapter(TypeMirror t) {
    return t instanceof DeclaredType declaredType
        && ((TypeElement) declaredType.asElement())
            .getQualifiedName()
            .contentEquals(CacheApi.ADAPTER);
  }

  /** Whether a strategy argument is REDIS_COMPATIBLE or not known. */
  private static boolean mayBeRedisCompatible(@Nullable Element argument) {
    return argument == null
        || argument.getKind() != ElementKind.ENUM_CONSTANT
        || argument.getSimpleName().contentEquals("REDIS_COMPATIBLE");
  }

  /**
   * The expression a variable of this class always holds: the initializer of a {@code final} field
   * (or, without one, its only assignment, in a constructor) or of a local never assigned again;
   * null when it may hold something else.
   */
  @Nullable TreePath fixedValue(VariableElement v) {
    learned();
    TreePath init = initializers.get(v);
    if (v.getKind() == ElementKind.FIELD) {
      if (!v.getModifiers().contains(Modifier.FINAL)) {
        return null;
      }
      List<TreePath> assigned = fieldAssignments.get(v);
      if (init == null && assigned != null && assigned.size() == 1) {
        return assigned.get(0);
      }
      return init;
    }
    return reassigned.contains(v) ? null : init;
  }

  /** Whether {@code withStrategy(..)} is called on a variable somewhere in this class. */
  boolean isStrategyChanged(VariableElement v) {
    return learned().strategyChanged.contains(v);
  }

  /** Whether a variable is assigned anywhere after its declaration. */
  boolean isReassigned(VariableElement v) {
    return learned().reassigned.contains(v);
  }

  /** The expressions a method of this class returns, or null for a method declared elsewhere. */
  @Nullable List<TreePath> returns(ExecutableElement m) {
    return learned().returns.get(m);
  }
}
