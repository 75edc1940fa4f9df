package dev.stateless.checker;

import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.stateless.core.KeyShape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import org.jspecify.annotations.Nullable;

/**
 * Abstracts a key expression to a {@link KeyShape}: what javac knows of the strings it can produce.
 * Literals and constants (also other classes' {@code static final} ones) are exact; {@code +},
 * {@code concat}, {@code String.join}, {@code StringBuilder} chains, {@code String.format} and
 * {@code formatted} keep their literal parts; an effectively-final local, a final field of the
 * class or a parameter bound by a key-builder call stands for its value; a call of a method of the
 * class being checked whose body returns one expression (a key builder) is followed with its
 * parameters bound to the arguments' shapes. Anything else is a hole typed by its Java type: an
 * {@code int}, {@code long}, {@code UUID} or enum is one segment (no {@code :}), a {@code String}
 * any text.
 *
 * <p>A shape never stands for fewer keys than the expression can produce: where the evaluator is
 * unsure it widens to a hole, so "every key breaks the rule" stays true of the program.
 */
final class KeyShapes {
  private static final int MAX_DEPTH = 8;
  private static final int MAX_RETURNS = 8;
  private static final Pattern FORMAT_SPEC =
      Pattern.compile("%(\\d+\\$|<)?([-#+ 0,(]*)?(\\d+)?(\\.\\d+)?([tT])?([a-zA-Z%])");
  private static final Set<String> SEGMENT_TYPES =
      Set.of(
          "java.lang.Integer",
          "java.lang.Long",
          "java.lang.Short",
          "java.lang.Byte",
          "java.lang.Boolean",
          "java.lang.Float",
          "java.lang.Double",
          "java.math.BigInteger",
          "java.math.BigDecimal",
          "java.util.UUID");

  private final Trees trees;
  private final ClassFacts facts;
  private final Set<ExecutableElement> following = new HashSet<>();

  KeyShapes(Trees trees, ClassFacts facts) {
    this.trees = trees;
    this.facts = facts;
  }

  /** The shape of a key expression. */
  KeyShape of(TreePath expression) {
    return eval(expression, Map.of(), 0);
  }

  /** The exact string an expression certainly is, or null. */
  @Nullable String constant(TreePath expression) {
    KeyShape s = of(expression);
    return s.isExact() ? s.exactKey() : null;
  }

  private KeyShape eval(TreePath path, Map<Element, KeyShape> env, int depth) {
    Tree t = path.getLeaf();
    if (depth > MAX_DEPTH) {
      return hole(path);
    }
    switch (t.getKind()) {
      case STRING_LITERAL,
          INT_LITERAL,
          LONG_LITERAL,
          BOOLEAN_LITERAL,
          CHAR_LITERAL,
          FLOAT_LITERAL,
          DOUBLE_LITERAL -> {
        return KeyShape.exact(String.valueOf(((LiteralTree) t).getValue()));
      }
      case NULL_LITERAL -> {
        return KeyShape.exact("null");
      }
      case PARENTHESIZED -> {
        return eval(child(path, ((ParenthesizedTree) t).getExpression()), env, depth);
      }
      case TYPE_CAST -> {
        TreePath inner = child(path, ((TypeCastTree) t).getExpression());
        return isString(type(path)) && isString(type(inner)) ? eval(inner, env, depth) : hole(path);
      }
      case PLUS -> {
        if (!isString(type(path))) {
          return hole(path);
        }
        // "a" + b + ":" + c is left-deep: walk it as a list, so long keys keep their parts.
        List<TreePath> parts = new ArrayList<>();
        TreePath at = path;
        while (at.getLeaf().getKind() == Tree.Kind.PLUS && isString(type(at))) {
          BinaryTree b = (BinaryTree) at.getLeaf();
          parts.add(0, child(at, b.getRightOperand()));
          at = child(at, b.getLeftOperand());
        }
        parts.add(0, at);
        KeyShape out = KeyShape.exact("");
        for (TreePath part : parts) {
          out = out.concat(eval(part, env, depth + 1));
        }
        return out;
      }
      case CONDITIONAL_EXPRESSION -> {
        ConditionalExpressionTree c = (ConditionalExpressionTree) t;
        TreePath yes = child(path, c.getTrueExpression());
        TreePath no = child(path, c.getFalseExpression());
        return KeyShape.anyOf(
            converted(eval(yes, env, depth + 1), type(yes), type(path)),
            converted(eval(no, env, depth + 1), type(no), type(path)));
      }
      case IDENTIFIER, MEMBER_SELECT -> {
        return variable(path, env, depth);
      }
      case METHOD_INVOCATION -> {
        return call(path, env, depth);
      }
      default -> {
        return hole(path);
      }
    }
  }

  private KeyShape variable(TreePath path, Map<Element, KeyShape> env, int depth) {
    Element e = trees.getElement(path);
    if (!(e instanceof VariableElement v)) {
      return hole(path);
    }
    Object constant = v.getConstantValue();
    if (constant != null) {
      return KeyShape.exact(String.valueOf(constant));
    }
    KeyShape bound = env.get(v);
    if (bound != null && !facts.isReassigned(v)) {
      return bound; // a key builder's parameter the builder never reassigns
    }
    TreePath init = facts.fixedValue(v);
    if (init != null) {
      return converted(eval(init, env, depth + 1), type(init), v.asType());
    }
    return holeFor(v.asType());
  }

  private KeyShape call(TreePath path, Map<Element, KeyShape> env, int depth) {
    MethodInvocationTree call = (MethodInvocationTree) path.getLeaf();
    Element e = trees.getElement(path);
    if (!(e instanceof ExecutableElement m)) {
      return hole(path);
    }
    String owner = Checker.declaringType(m).getQualifiedName().toString();
    String name = m.getSimpleName().toString();
    List<? extends ExpressionTree> args = call.getArguments();
    TreePath receiver =
        call.getMethodSelect() instanceof MemberSelectTree
            ? child(path, ((MemberSelectTree) call.getMethodSelect()).getExpression())
            : null;
    boolean isStatic = m.getModifiers().contains(Modifier.STATIC);
    switch (owner) {
      case "java.lang.String" -> {
        if (name.equals("format") && isStatic) {
          int first = args.size() > 0 && isString(type(child(path, args.get(0)))) ? 0 : 1;
          return format(path, args, first, env, depth);
        }
        if (name.equals("formatted") && receiver != null) {
          return format(path, receiver, args, 0, env, depth);
        }
        if (name.equals("valueOf") && isStatic && args.size() == 1) {
          return value(child(path, args.get(0)), env, depth);
        }
        if (name.equals("concat") && receiver != null && args.size() == 1) {
          return eval(receiver, env, depth + 1)
              .concat(eval(child(path, args.get(0)), env, depth + 1));
        }
        if (name.equals("toString") && receiver != null) {
          return eval(receiver, env, depth + 1);
        }
        if (name.equals("join") && isStatic && m.isVarArgs() && args.size() >= 2) {
          return join(path, args, env, depth);
        }
        return hole(path);
      }
      case "java.lang.StringBuilder", "java.lang.StringBuffer" -> {
        if (name.equals("toString") && receiver != null) {
          KeyShape built = builder(receiver, env, depth + 1);
          return built == null ? hole(path) : built;
        }
        return hole(path);
      }
      case "java.lang.Integer", "java.lang.Long", "java.lang.Short", "java.lang.Byte" -> {
        if (name.equals("toString") && isStatic && args.size() == 1) {
          return value(child(path, args.get(0)), env, depth);
        }
        return hole(path);
      }
      default -> {}
    }
    if (name.equals("toString") && args.isEmpty() && receiver != null) {
      return value(receiver, env, depth);
    }
    if (name.equals("name") && args.isEmpty() && receiver != null && isEnum(type(receiver))) {
      return segment();
    }
    return keyBuilder(path, m, args, env, depth);
  }

  /**
   * A small method of the class being checked (a key builder): each of its returns, evaluated with
   * its parameters bound to the arguments.
   */
  private KeyShape keyBuilder(
      TreePath path,
      ExecutableElement m,
      List<? extends ExpressionTree> args,
      Map<Element, KeyShape> env,
      int depth) {
    List<TreePath> returned = facts.returns(m);
    if (returned == null
        || returned.isEmpty()
        || returned.size() > MAX_RETURNS
        || m.isVarArgs()
        || overridable(m)
        || !following.add(m)) {
      return hole(path);
    }
    try {
      Map<Element, KeyShape> bound = new HashMap<>();
      List<? extends VariableElement> params = m.getParameters();
      for (int i = 0; i < params.size() && i < args.size(); i++) {
        TreePath arg = child(path, args.get(i));
        bound.put(
            params.get(i),
            converted(value(arg, env, depth + 1), type(arg), params.get(i).asType()));
      }
      KeyShape out = null;
      for (TreePath r : returned) {
        KeyShape one = converted(eval(r, bound, depth + 1), type(r), m.getReturnType());
        out = out == null ? one : KeyShape.anyOf(out, one);
      }
      return Objects.requireNonNull(out, "returned is not empty");
    } finally {
      following.remove(m);
    }
  }

  /**
   * A value's text once converted to another type: the same, but for primitive conversions that
   * print differently ({@code double r = 1} prints {@code 1.0}; {@code char c = 58} prints {@code
   * :}).
   */
  private KeyShape converted(KeyShape shape, @Nullable TypeMirror from, @Nullable TypeMirror to) {
    return printsAlike(from, to) ? shape : holeFor(to);
  }

  private static boolean printsAlike(@Nullable TypeMirror from, @Nullable TypeMirror to) {
    if (from == null || to == null) {
      return false;
    }
    TypeKind f = numericKind(from);
    TypeKind t = numericKind(to);
    if (t == null) {
      return !to.getKind().isPrimitive(); // a reference: the same object, boxed if need be
    }
    if (f == null) {
      return false;
    }
    return f == t || (integral(f) && integral(t));
  }

  private static boolean integral(TypeKind k) {
    return k == TypeKind.BYTE || k == TypeKind.SHORT || k == TypeKind.INT || k == TypeKind.LONG;
  }

  /** The primitive kind of a primitive or its box, else null. */
  private static @Nullable TypeKind numericKind(TypeMirror t) {
    if (t.getKind().isPrimitive()) {
      return t.getKind();
    }
    if (t.getKind() != TypeKind.DECLARED) {
      return null;
    }
    return switch (((TypeElement) ((DeclaredType) t).asElement()).getQualifiedName().toString()) {
      case "java.lang.Byte" -> TypeKind.BYTE;
      case "java.lang.Short" -> TypeKind.SHORT;
      case "java.lang.Integer" -> TypeKind.INT;
      case "java.lang.Long" -> TypeKind.LONG;
      case "java.lang.Character" -> TypeKind.CHAR;
      case "java.lang.Float" -> TypeKind.FLOAT;
      case "java.lang.Double" -> TypeKind.DOUBLE;
      case "java.lang.Boolean" -> TypeKind.BOOLEAN;
      default -> null;
    };
  }

  /** Whether a subclass may replace the method's body (then the body seen here proves nothing). */
  private static boolean overridable(ExecutableElement m) {
    Set<Modifier> mods = m.getModifiers();
    if (mods.contains(Modifier.STATIC)
        || mods.contains(Modifier.PRIVATE)
        || mods.contains(Modifier.FINAL)) {
      return false;
    }
    Element type = Checker.declaringType(m);
    // An enum is final unless a constant has a body, which may override the method (JLS 8.9).
    return !(type.getModifiers().contains(Modifier.FINAL) || type.getKind() == ElementKind.RECORD);
  }

  /** The text of a value: its shape if it is a string, else what its type prints. */
  private KeyShape value(TreePath path, Map<Element, KeyShape> env, int depth) {
    TypeMirror t = type(path);
    if (isString(t) || t == null) {
      return eval(path, env, depth + 1);
    }
    KeyShape s = eval(path, env, depth + 1);
    return s.isExact() ? s : holeFor(t);
  }

  private @Nullable KeyShape builder(TreePath path, Map<Element, KeyShape> env, int depth) {
    Tree t = path.getLeaf();
    if (depth > MAX_DEPTH) {
      return null;
    }
    if (t instanceof NewClassTree n) {
      if (n.getArguments().isEmpty()) {
        return KeyShape.exact("");
      }
      TreePath arg = child(path, n.getArguments().get(0));
      TypeMirror at = type(arg);
      // new StringBuilder(16) sets a capacity; new StringBuilder(chars) starts with their text.
      return at != null && at.getKind().isPrimitive()
          ? KeyShape.exact("")
          : value(arg, env, depth + 1);
    }
    if (t instanceof MethodInvocationTree call) {
      Element e = trees.getElement(path);
      if (e != null
          && e.getSimpleName().contentEquals("append")
          && call.getArguments().size() == 1
          && call.getMethodSelect() instanceof MemberSelectTree) {
        KeyShape before =
            builder(
                child(path, ((MemberSelectTree) call.getMethodSelect()).getExpression()),
                env,
                depth + 1);
        if (before == null) {
          return null;
        }
        TreePath arg = child(path, call.getArguments().get(0));
        TypeMirror at = type(arg);
        if (at != null && at.getKind() == TypeKind.CHAR) {
          KeyShape c = eval(arg, env, depth + 1);
          return before.concat(c.isExact() ? c : KeyShape.unknown());
        }
        return before.concat(value(arg, env, depth + 1));
      }
    }
    return null; // a builder we cannot follow (a variable, another method): unknown
  }

  private KeyShape join(
      TreePath path, List<? extends ExpressionTree> args, Map<Element, KeyShape> env, int depth) {
    KeyShape delimiter = eval(child(path, args.get(0)), env, depth + 1);
    if (args.size() == 2 && !isString(type(child(path, args.get(1))))) {
      return hole(path); // an array or Iterable of parts
    }
    KeyShape out = null;
    for (int i = 1; i < args.size(); i++) {
      KeyShape part = eval(child(path, args.get(i)), env, depth + 1);
      out = out == null ? part : out.concat(delimiter).concat(part);
    }
    return Objects.requireNonNull(out, "join is called with two or more arguments");
  }

  private KeyShape format(
      TreePath path,
      List<? extends ExpressionTree> args,
      int formatIndex,
      Map<Element, KeyShape> env,
      int depth) {
    if (args.size() <= formatIndex) {
      return hole(path);
    }
    List<TreePath> values = new ArrayList<>();
    for (int i = formatIndex + 1; i < args.size(); i++) {
      values.add(child(path, args.get(i)));
    }
    return format(path, child(path, args.get(formatIndex)), values, env, depth);
  }

  private KeyShape format(
      TreePath path,
      TreePath template,
      List<? extends ExpressionTree> args,
      int from,
      Map<Element, KeyShape> env,
      int depth) {
    List<TreePath> values = new ArrayList<>();
    for (int i = from; i < args.size(); i++) {
      values.add(child(path, args.get(i)));
    }
    return format(path, template, values, env, depth);
  }

  /** {@code String.format}: literal text is kept, each specifier becomes what it prints. */
  private KeyShape format(
      TreePath path,
      TreePath template,
      List<TreePath> values,
      Map<Element, KeyShape> env,
      int depth) {
    KeyShape fmt = eval(template, env, depth + 1);
    if (!fmt.isExact()) {
      return hole(path);
    }
    TypeMirror only = values.size() == 1 ? type(values.get(0)) : null;
    boolean arrayPassed = only != null && only.getKind() == TypeKind.ARRAY;
    String f = fmt.exactKey();
    Matcher matcher = FORMAT_SPEC.matcher(f);
    KeyShape out = KeyShape.exact("");
    int at = 0;
    int ordinary = 0;
    int last = -1;
    while (matcher.find()) {
      out = out.concat(KeyShape.exact(f.substring(at, matcher.start())));
      at = matcher.end();
      char conversion = matcher.group(6).charAt(0);
      if (conversion == '%') {
        out = out.concat(KeyShape.exact("%"));
        continue;
      }
      if (conversion == 'n') {
        out = out.concat(KeyShape.unknown());
        continue;
      }
      int index;
      String explicit = matcher.group(1);
      if (explicit == null) {
        index = ordinary++;
      } else if (explicit.equals("<")) {
        index = last;
      } else {
        String digits = explicit.substring(0, explicit.length() - 1);
        index = digits.length() > 9 ? -1 : Integer.parseInt(digits) - 1; // too big: unknown
      }
      last = index;
      boolean plain =
          matcher.group(2).isEmpty() && matcher.group(3) == null && matcher.group(4) == null;
      TreePath value =
          !arrayPassed && index >= 0 && index < values.size() ? values.get(index) : null;
      out = out.concat(specifier(conversion, matcher.group(5) != null, plain, value, env, depth));
    }
    return out.concat(KeyShape.exact(f.substring(at)));
  }

  private KeyShape specifier(
      char conversion,
      boolean dateTime,
      boolean plain,
      @Nullable TreePath value,
      Map<Element, KeyShape> env,
      int depth) {
    if (dateTime) {
      return KeyShape.unknown(); // times print ':'
    }
    switch (conversion) {
      case 'd', 'o', 'x', 'X', 'e', 'E', 'f', 'g', 'G', 'a', 'A', 'b', 'B', 'h', 'H' -> {
        return segment();
      }
      case 's' -> {
        if (value == null) {
          return KeyShape.unknown();
        }
        if (plain) {
          return value(value, env, depth);
        }
        return holeFor(type(value));
      }
      case 'S' -> {
        return value == null ? KeyShape.unknown() : holeFor(type(value));
      }
      default -> {
        return KeyShape.unknown();
      }
    }
  }

  private KeyShape hole(TreePath path) {
    return holeFor(type(path));
  }

  private static KeyShape segment() {
    return KeyShape.builder().hole(KeyShape.Hole.SEGMENT).build();
  }

  /** What a value of the type prints: one segment for numbers, UUIDs and enums, else any text. */
  KeyShape holeFor(@Nullable TypeMirror t) {
    if (t == null) {
      return KeyShape.unknown();
    }
    switch (t.getKind()) {
      case INT, LONG, SHORT, BYTE, BOOLEAN, FLOAT, DOUBLE -> {
        return segment();
      }
      case DECLARED -> {
        TypeElement type = (TypeElement) ((DeclaredType) t).asElement();
        if (SEGMENT_TYPES.contains(type.getQualifiedName().toString())
            || (type.getKind() == ElementKind.ENUM && !printsOwnText(type))) {
          return segment();
        }
        return KeyShape.unknown();
      }
      default -> {
        return KeyShape.unknown();
      }
    }
  }

  /**
   * Whether an enum overrides {@code toString} (then its text may hold ':'), itself or in a
   * constant's body: an enum is final unless one of its constants has a body (JLS 8.9).
   */
  private static boolean printsOwnText(TypeElement e) {
    if (!e.getModifiers().contains(Modifier.FINAL)) {
      return true;
    }
    for (ExecutableElement m : ElementFilter.methodsIn(e.getEnclosedElements())) {
      if (m.getSimpleName().contentEquals("toString") && m.getParameters().isEmpty()) {
        return true;
      }
    }
    return false;
  }

  private boolean isEnum(@Nullable TypeMirror t) {
    return t != null
        && t.getKind() == TypeKind.DECLARED
        && ((DeclaredType) t).asElement().getKind() == ElementKind.ENUM;
  }

  static boolean isString(@Nullable TypeMirror t) {
    return t != null
        && t.getKind() == TypeKind.DECLARED
        && ((TypeElement) ((DeclaredType) t).asElement())
            .getQualifiedName()
            .contentEquals("java.lang.String");
  }

  private @Nullable TypeMirror type(TreePath path) {
    TypeMirror t = trees.getTypeMirror(path);
    return t == null || t.getKind() == TypeKind.ERROR ? null : t;
  }

  /** The path of an expression inside any parentheses around it. */
  static TreePath unparenthesized(TreePath path) {
    while (path.getLeaf() instanceof ParenthesizedTree) {
      path = child(path, ((ParenthesizedTree) path.getLeaf()).getExpression());
    }
    return path;
  }

  static TreePath child(TreePath parent, Tree tree) {
    return new TreePath(parent, tree);
  }
}
